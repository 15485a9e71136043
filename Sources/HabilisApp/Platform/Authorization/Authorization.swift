import Fluent
import Foundation
import SQLKit
import Vapor

/// What a signed-in person may see and decide, answered in one place for every route and form post.
public struct Authorization: Sendable {
    /// One organisme a correspondent covers, with the applications it is limited to (empty: all); held in their
    /// own right or, during an absence, by their deputy.
    public struct Designation: Sendable {
        public let organisationID: UUID
        public let applicationIDs: [UUID]
        /// The absent correspondent a deputy stands in for; nil for the correspondent's own designation.
        public var deputyOf: Deputyship? = nil

        func covers(organisationID: UUID, applicationID: UUID) -> Bool {
            self.organisationID == organisationID
                && (applicationIDs.isEmpty || applicationIDs.contains(applicationID))
        }
    }

    /// Whom a deputy stands in for, and until when.
    public struct Deputyship: Sendable, Equatable {
        public let agentID: UUID
        public let name: String
        public let endsAt: Date
    }

    /// The designations of a person as correspondent, and those of the correspondents they stand in for at
    /// `instant`, each with its applications, in one statement: every page of a correspondent reads them with the
    /// session.
    public static func designations(
        of agentID: UUID, at instant: Date, on database: any Database
    ) async throws -> [Designation] {
        let rows = try await (database as! any SQLDatabase).raw(
            """
            SELECT c.id, c.organisation_id, s.application_id, NULL AS absent_id, NULL AS absent_first_name,
                NULL AS absent_last_name, NULL AS absence_end, c.created_at
            FROM correspondents c
            LEFT JOIN correspondent_scopes s ON s.correspondent_id = c.id
            WHERE c.agent_id = \(bind: agentID)
            UNION ALL
            SELECT c.id, c.organisation_id, s.application_id, a.id, a.first_name, a.last_name, ab.ends_at, c.created_at
            FROM absences ab
            JOIN correspondents c ON c.agent_id = ab.agent_id
            JOIN agents a ON a.id = ab.agent_id
            LEFT JOIN correspondent_scopes s ON s.correspondent_id = c.id
            WHERE ab.deputy_id = \(bind: agentID) AND ab.starts_at <= \(bind: instant) AND ab.ends_at > \(bind: instant)
                AND a.status = 'active'
            ORDER BY 4, 8, 1
            """
        ).all()
        var designations: [(id: UUID, organisationID: UUID, applicationIDs: [UUID], deputyOf: Deputyship?)] = []
        for row in rows {
            let id = try row.decode(column: "id", as: UUID.self)
            let applicationID = try row.decode(column: "application_id", as: UUID?.self)
            if designations.last?.id != id {
                let deputyOf = try row.decode(column: "absent_id", as: UUID?.self).map { absentID in
                    Deputyship(
                        agentID: absentID,
                        name: "\(try row.decode(column: "absent_first_name", as: String.self)) "
                            + (try row.decode(column: "absent_last_name", as: String.self)),
                        endsAt: try row.decode(column: "absence_end", as: Date.self))
                }
                designations.append((id, try row.decode(column: "organisation_id", as: UUID.self), [], deputyOf))
            }
            if let applicationID { designations[designations.count - 1].applicationIDs.append(applicationID) }
        }
        return designations.map {
            Designation(organisationID: $0.organisationID, applicationIDs: $0.applicationIDs, deputyOf: $0.deputyOf)
        }
    }

    /// The correspondent `user` stands in for when deciding on (`organisationID`, `applicationID`): nil when they
    /// decide in their own right (an administrator, or their own designation covers it).
    public func standsInFor(_ user: CurrentUser, organisationID: UUID, applicationID: UUID) -> Deputyship? {
        guard !user.isAdministrator else { return nil }
        let covering = user.designations.filter {
            $0.covers(organisationID: organisationID, applicationID: applicationID)
        }
        guard !covering.contains(where: { $0.deputyOf == nil }) else { return nil }
        return covering.first?.deputyOf
    }

    /// Whether `user` may decide `request`: administrators for what is routed to them (and may step in anywhere),
    /// correspondents for their organisme and applications; nobody on their own request.
    public func canDecide(_ user: CurrentUser, _ request: AccessRequest) -> Bool {
        guard request.$agent.id != user.id else { return false }
        if user.isAdministrator { return true }
        guard request.routedTo == .correspondents else { return false }
        return user.designations.contains {
            $0.covers(organisationID: request.$organisation.id, applicationID: request.$application.id)
        }
    }

    /// Whether `user` may decide an account request: any correspondent of its organisme, or an administrator.
    public func canDecide(_ user: CurrentUser, _ request: AccountRequest) -> Bool {
        if user.isAdministrator { return true }
        guard request.routedTo == .correspondents else { return false }
        return user.designations.contains {
            $0.organisationID == request.$organisation.id
        }
    }

    /// Limits an account-request query to what `user` may decide; escalated requests reach the administrators.
    public func scopeAccountQueue(
        _ query: QueryBuilder<AccountRequest>, for user: CurrentUser
    ) -> QueryBuilder<AccountRequest> {
        query.group(.or) { either in
            if user.isAdministrator {
                either.filter(\.$routedTo == .administrators)
                either.filter(\.$escalatedAt != nil)
            }
            let organisations = user.correspondentOrganisationIDs
            if !organisations.isEmpty {
                either.group(.and) {
                    $0.filter(\.$routedTo == .correspondents).filter(\.$organisation.$id ~~ organisations)
                }
            }
            if !user.isAdministrator && organisations.isEmpty {
                either.filter(\.$id == UUID())
            }
        }
    }

    /// Whether `user` may see and revoke the rights of `agent` on `applicationID`.
    public func canManageRights(_ user: CurrentUser, of agent: Agent, applicationID: UUID?) -> Bool {
        if user.isAdministrator { return true }
        return user.designations.contains { designation in
            guard designation.organisationID == agent.$organisation.id else { return false }
            guard let applicationID else { return true }
            return designation.applicationIDs.isEmpty || designation.applicationIDs.contains(applicationID)
        }
    }

    /// Whether `user` may withdraw `grant`, a right of `agent` loaded with its application, granter and request.
    /// Withdrawal follows the routing of decisions (issue 20, finding 4): administrators withdraw any right;
    /// correspondents only those of locally managed applications they cover that no administrator decided;
    /// nobody withdraws a right of their own.
    public func canWithdraw(_ user: CurrentUser, _ grant: Grant, of agent: Agent) -> Bool {
        guard grant.$agent.id != user.id else { return false }
        if user.isAdministrator { return true }
        guard grant.application.accessMode == .local else { return false }
        let decidedByAdministrators =
            grant.grantedBy?.isAdministrator == true || grant.accessRequest?.routedTo == .administrators
        guard !decidedByAdministrators else { return false }
        return user.designations.contains {
            $0.covers(organisationID: agent.$organisation.id, applicationID: grant.$application.id)
        }
    }

    /// The condition on `access_requests` (under the alias `table`) that keeps the pending requests `user` may
    /// decide. The same rule as `canDecide`, as SQL for the queue. `status = 'pending'` is written literally: SQLite
    /// uses the partial queue index only then.
    public func queueCondition(for user: CurrentUser, table: String) -> SQLQueryString {
        var either: [SQLQueryString] = []
        if user.isAdministrator {
            either.append("\(ident: table).routed_to = \(bind: Deciders.administrators.rawValue)")
        }
        for designation in user.designations {
            var mine: SQLQueryString = """
                \(ident: table).routed_to = \(bind: Deciders.correspondents.rawValue) \
                AND \(ident: table).organisation_id = \(bind: designation.organisationID)
                """
            if !designation.applicationIDs.isEmpty {
                mine += " AND \(ident: table).application_id IN (\(binds: designation.applicationIDs))"
            }
            either.append("(\(mine))")
        }
        // Nobody: an always-false condition keeps the query valid.
        let deciders = either.isEmpty ? "1 = 0" : either.joined(separator: " OR ")
        return """
            \(ident: table).status = 'pending' AND \(ident: table).agent_id <> \(bind: user.id) AND (\(deciders))
            """
    }
}
