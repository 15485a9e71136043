import Fluent
import Foundation
import SQLKit
import Vapor

/// What a signed-in person may see and decide, answered in one place for every route and form post.
public struct Authorization: Sendable {
    /// One organisme a correspondent covers, with the applications it is limited to (empty: all).
    public struct Designation: Sendable {
        public let organisationID: UUID
        public let applicationIDs: [UUID]

        func covers(organisationID: UUID, applicationID: UUID) -> Bool {
            self.organisationID == organisationID
                && (applicationIDs.isEmpty || applicationIDs.contains(applicationID))
        }
    }

    /// The designations of a person as correspondent.
    public func designations(of agentID: UUID, on database: any Database) async throws -> [Designation] {
        try await Correspondent.query(on: database)
            .filter(\.$agent.$id == agentID)
            .with(\.$scopes)
            .all()
            .map { Designation(organisationID: $0.$organisation.id, applicationIDs: $0.scopes.map(\.$application.id)) }
    }

    /// Whether `user` may decide `request`: administrators for what is routed to them (and may step in anywhere),
    /// correspondents for their organisme and applications; nobody on their own request.
    public func canDecide(
        _ user: CurrentUser, _ request: AccessRequest, on database: any Database
    ) async throws
        -> Bool
    {
        guard request.$agent.id != user.id else { return false }
        if user.isAdministrator { return true }
        guard request.routedTo == .correspondents else { return false }
        return try await designations(of: user.id, on: database).contains {
            $0.covers(organisationID: request.$organisation.id, applicationID: request.$application.id)
        }
    }

    /// Whether `user` may decide an account request: any correspondent of its organisme, or an administrator.
    public func canDecide(
        _ user: CurrentUser, _ request: AccountRequest, on database: any Database
    ) async throws
        -> Bool
    {
        if user.isAdministrator { return true }
        guard request.routedTo == .correspondents else { return false }
        return try await designations(of: user.id, on: database).contains {
            $0.organisationID == request.$organisation.id
        }
    }

    /// Limits an account-request query to what `user` may decide; escalated requests reach the administrators.
    public func scopeAccountQueue(
        _ query: QueryBuilder<AccountRequest>, for user: CurrentUser, designations: [Designation]
    ) -> QueryBuilder<AccountRequest> {
        query.group(.or) { either in
            if user.isAdministrator {
                either.filter(\.$routedTo == .administrators)
                either.filter(\.$escalatedAt != nil)
            }
            let organisations = designations.map(\.organisationID)
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
    public func canManageRights(
        _ user: CurrentUser, of agent: Agent, applicationID: UUID?, on database: any Database
    ) async throws -> Bool {
        if user.isAdministrator { return true }
        let designations = try await designations(of: user.id, on: database)
        return designations.contains { designation in
            guard designation.organisationID == agent.$organisation.id else { return false }
            guard let applicationID else { return true }
            return designation.applicationIDs.isEmpty || designation.applicationIDs.contains(applicationID)
        }
    }

    /// Whether `user` may withdraw `grant`, a right of `agent` loaded with its application, granter and request.
    /// Withdrawal follows the routing of decisions (issue 20, finding 4): administrators withdraw any right;
    /// correspondents only those of locally managed applications they cover that no administrator decided;
    /// nobody withdraws a right of their own.
    public func canWithdraw(_ user: CurrentUser, _ grant: Grant, of agent: Agent, designations: [Designation]) -> Bool {
        guard grant.$agent.id != user.id else { return false }
        if user.isAdministrator { return true }
        guard grant.application.accessMode == .local else { return false }
        let decidedByAdministrators =
            grant.grantedBy?.isAdministrator == true || grant.accessRequest?.routedTo == .administrators
        guard !decidedByAdministrators else { return false }
        return designations.contains {
            $0.covers(organisationID: agent.$organisation.id, applicationID: grant.$application.id)
        }
    }

    /// The condition on `access_requests` (under the alias `table`) that keeps the pending requests `user` may
    /// decide; `designations` come from `designations(of:)`. The same rule as `canDecide`, as SQL for the queue.
    public func queueCondition(
        for user: CurrentUser, designations: [Designation], table: String
    ) -> any SQLExpression {
        let column = { (name: String) in SQLColumn(name, table: table) }
        var either: [any SQLExpression] = []
        if user.isAdministrator {
            either.append(SQLBinaryExpression(column("routed_to"), .equal, SQLBind(Deciders.administrators.rawValue)))
        }
        for designation in designations {
            var mine: [any SQLExpression] = [
                SQLBinaryExpression(column("routed_to"), .equal, SQLBind(Deciders.correspondents.rawValue)),
                SQLBinaryExpression(column("organisation_id"), .equal, SQLBind(designation.organisationID)),
            ]
            if !designation.applicationIDs.isEmpty {
                mine.append(
                    SQLBinaryExpression(column("application_id"), .in, SQLBind.group(designation.applicationIDs)))
            }
            either.append(SQLGroupExpression(SQLList(mine, separator: SQLRaw(" AND "))))
        }
        // Nobody: an always-false condition keeps the query valid.
        if either.isEmpty {
            either.append(SQLBinaryExpression(SQLLiteral.numeric("1"), .equal, SQLLiteral.numeric("0")))
        }
        return SQLList(
            [
                AccessRequest.isPending(table: table),
                SQLBinaryExpression(column("agent_id"), .notEqual, SQLBind(user.id)),
                SQLGroupExpression(SQLList(either, separator: SQLRaw(" OR "))),
            ], separator: SQLRaw(" AND "))
    }
}
