import Fluent
import Foundation
import SQLKit

/// The operations of `/api/v1` (docs/api/openapi.yaml), behind `APIGate`. A client bound to an application sees
/// the agents its application knows (who hold or held its right, or asked for it) and acts on its application
/// only; a federation-wide client sees every account. Agents still proving their address or refused are not
/// accounts and are never shown. Refusals are thrown as `APIProblem`.
struct RightsAPI: APIProtocol {
    // MARK: - Organisations

    func listOrganisations(
        _ input: Operations.ListOrganisations.Input
    ) async throws
        -> Operations.ListOrganisations.Output
    {
        let caller = try APICaller.require(.directoryRead)
        let limit = try PageLimit(input.query.limit)
        let after = input.query.after
        if let after, after.count > 40 { throw Cursor.invalid("after") }
        let rows = try await caller.sql.raw(
            """
            SELECT code, name, branch, is_active FROM organisations
            WHERE \(bind: after == nil) OR code > \(bind: after ?? "")
            ORDER BY code LIMIT \(bind: limit.fetched)
            """
        ).all()
        let page = try limit.page(rows.map(Self.organisation)) { $0.code }
        return .ok(.init(body: .json(.init(items: page.items, next: page.next))))
    }

    func getOrganisation(
        _ input: Operations.GetOrganisation.Input
    ) async throws
        -> Operations.GetOrganisation.Output
    {
        let caller = try APICaller.require(.directoryRead)
        guard
            let row = try await caller.sql.raw(
                "SELECT code, name, branch, is_active FROM organisations WHERE code = \(bind: input.path.code)"
            ).first()
        else { throw APIProblem(.notFound, "Organisme inconnu.") }
        return .ok(.init(body: .json(try Self.organisation(row))))
    }

    // MARK: - Agents

    func listAgentsOfOrganisation(
        _ input: Operations.ListAgentsOfOrganisation.Input
    ) async throws
        -> Operations.ListAgentsOfOrganisation.Output
    {
        let caller = try APICaller.require(.directoryRead)
        let limit = try PageLimit(input.query.limit)
        let after = try input.query.after.map { try Cursor.id($0) }
        guard
            let organisation = try await caller.sql.raw(
                "SELECT id FROM organisations WHERE code = \(bind: input.path.code)"
            ).first()?.decode(column: "id", as: UUID.self)
        else { throw APIProblem(.notFound, "Organisme inconnu.") }
        let rows = try await caller.sql.raw(
            """
            \(unsafeRaw: Self.agentColumns)
            WHERE a.organisation_id = \(bind: organisation) AND a.status = 'active'
                AND \(Self.knownTo(caller)) AND (\(bind: after == nil) OR a.id > \(bind: after ?? UUID()))
            ORDER BY a.id LIMIT \(bind: limit.fetched)
            """
        ).all()
        let page = try limit.page(rows.map(Self.agent)) { $0.id }
        return .ok(.init(body: .json(.init(items: page.items, next: page.next))))
    }

    func findAgent(_ input: Operations.FindAgent.Input) async throws -> Operations.FindAgent.Output {
        let caller = try APICaller.require(.directoryRead)
        let email = input.query.email.trimmingCharacters(in: .whitespaces).lowercased()
        guard email.utf8.count <= 254, email.contains("@") else {
            throw APIProblem.invalid("email", "Donnez une adresse électronique valide.")
        }
        let rows = try await caller.sql.raw(
            """
            \(unsafeRaw: Self.agentColumns)
            WHERE lower(a.email) = \(bind: email) AND a.status IN ('active', 'disabled') AND \(Self.knownTo(caller))
            """
        ).all()
        return .ok(.init(body: .json(.init(items: try rows.map(Self.agent)))))
    }

    func getAgent(_ input: Operations.GetAgent.Input) async throws -> Operations.GetAgent.Output {
        let caller = try APICaller.require(.directoryRead)
        guard let row = try await Self.visibleAgent(input.path.agentId, caller) else {
            throw APIProblem(.notFound, "Agent inconnu.")
        }
        return .ok(.init(body: .json(try Self.agent(row))))
    }

    // MARK: - Rights

    func listRightsOfAgent(
        _ input: Operations.ListRightsOfAgent.Input
    ) async throws
        -> Operations.ListRightsOfAgent.Output
    {
        let caller = try APICaller.require(.rightsRead)
        guard let agent = try await Self.visibleAgent(input.path.agentId, caller) else {
            throw APIProblem(.notFound, "Agent inconnu.")
        }
        let agentID = try agent.decode(column: "id", as: UUID.self)
        let rows = try await caller.sql.raw(
            """
            \(unsafeRaw: Self.rightColumns)
            WHERE g.agent_id = \(bind: agentID) AND g.revoked_at IS NULL
                AND (\(bind: caller.applicationID == nil) OR g.application_id = \(bind: caller.applicationID ?? UUID()))
            ORDER BY ap.code, pr.position, pr.code
            """
        ).all()
        return .ok(.init(body: .json(.init(items: try rows.map(Self.right)))))
    }

    func listRightHolders(
        _ input: Operations.ListRightHolders.Input
    ) async throws
        -> Operations.ListRightHolders.Output
    {
        let caller = try APICaller.require(.rightsRead)
        let application = try await caller.application(input.path.code)
        let limit = try PageLimit(input.query.limit)
        let feed = RightChanges(caller: caller, application: application, now: caller.services.clock.now)
        let page: Components.Schemas.RightChangePage
        let after = try input.query.after.map(RightChanges.HolderPosition.init)
        // With changed_since, the position is in it: `after` pages the holders only.
        if let changedSince = input.query.changedSince {
            page = try await feed.changes(since: try RightChanges.Position(changedSince), limit: limit)
        } else {
            page = try await feed.holders(after: after, limit: limit)
        }
        return .ok(.init(body: .json(page)))
    }

    func grantRight(_ input: Operations.GrantRight.Input) async throws -> Operations.GrantRight.Output {
        let caller = try APICaller.require(.rightsWrite)
        let application = try await caller.application(input.path.code)
        guard case .json(let body) = input.body else { throw APIProblem.invalid("agent_id", "Corps JSON attendu.") }
        guard let agentID = UUID(uuidString: body.agentId) else {
            throw APIProblem.invalid("agent_id", "L’identifiant de l’agent n’est pas un UUID.")
        }
        let grant = try await MachineRights(caller: caller).grant(
            application, profile: try await Self.profile(body.profile, of: application, caller), to: agentID)
        guard
            let row = try await caller.sql.raw("\(unsafeRaw: Self.rightColumns) WHERE g.id = \(bind: grant)").first()
        else { throw APIProblem(.notFound, "Habilitation introuvable.") }
        return .created(.init(body: .json(try Self.right(row))))
    }

    func revokeRight(_ input: Operations.RevokeRight.Input) async throws -> Operations.RevokeRight.Output {
        let caller = try APICaller.require(.rightsWrite)
        let application = try await caller.application(input.path.code)
        guard let agentID = UUID(uuidString: input.path.agentId) else {
            throw APIProblem(.notFound, "Cet agent ne détient pas cette habilitation.")
        }
        try await MachineRights(caller: caller).revoke(
            application, profile: try await Self.profile(input.query.profile, of: application, caller), from: agentID)
        return .noContent(.init())
    }

    // MARK: - Requests and audit trail

    func listAccessRequests(
        _ input: Operations.ListAccessRequests.Input
    ) async throws
        -> Operations.ListAccessRequests.Output
    {
        let caller = try APICaller.require(.rightsRead)
        let application = try await caller.application(input.path.code)
        let limit = try PageLimit(input.query.limit)
        let after = try input.query.after.map { try Cursor.id($0) }
        let status = input.query.status?.rawValue
        let rows = try await caller.sql.raw(
            """
            SELECT r.id, r.agent_id, r.status, r.created_at, r.due_at, r.decided_at, pr.code AS profile_code
            FROM access_requests r LEFT JOIN application_profiles pr ON pr.id = r.profile_id
            WHERE r.application_id = \(bind: application.id!)
                AND (\(bind: status == nil) OR r.status = \(bind: status ?? ""))
                AND (\(bind: after == nil) OR r.id > \(bind: after ?? UUID()))
            ORDER BY r.id LIMIT \(bind: limit.fetched)
            """
        ).all()
        let items = try rows.map { row in
            Components.Schemas.AccessRequest(
                id: try row.decode(column: "id", as: UUID.self).uuidString.lowercased(),
                agentId: try row.decode(column: "agent_id", as: UUID.self).uuidString.lowercased(),
                application: application.code,
                profile: try row.decode(column: "profile_code", as: String?.self),
                status: Components.Schemas.AccessRequestStatus(
                    rawValue: try row.decode(column: "status", as: String.self)) ?? .pending,
                createdAt: try row.decode(column: "created_at", as: Date.self),
                dueAt: try row.decode(column: "due_at", as: Date.self),
                decidedAt: try row.decode(column: "decided_at", as: Date?.self))
        }
        let page = try limit.page(items) { $0.id }
        return .ok(.init(body: .json(.init(items: page.items, next: page.next))))
    }

    func listAuditEvents(_ input: Operations.ListAuditEvents.Input) async throws -> Operations.ListAuditEvents.Output {
        let caller = try APICaller.require(.rightsRead)
        let application = try await caller.application(input.path.code)
        let limit = try PageLimit(input.query.limit)
        let after = try input.query.after.map { try Cursor.id($0) }
        // Event ids are time-ordered (UUIDv7): their order is the order of the trail.
        let rows = try await caller.sql.raw(
            """
            SELECT e.id, e.occurred_at, e.action, e.outcome, e.actor_id, e.target_type, e.target_id,
                m.client_id AS actor_client
            FROM audit_events e LEFT JOIN machine_clients m ON m.id = e.actor_id
            WHERE e.application_id = \(bind: application.id!) AND (\(bind: after == nil) OR e.id > \(bind: after ?? UUID()))
            ORDER BY e.id LIMIT \(bind: limit.fetched)
            """
        ).all()
        let items = try rows.map { row in
            let client = try row.decode(column: "actor_client", as: String?.self)
            let actor = try row.decode(column: "actor_id", as: UUID?.self)
            return Components.Schemas.AuditEvent(
                id: try row.decode(column: "id", as: UUID.self).uuidString.lowercased(),
                occurredAt: try row.decode(column: "occurred_at", as: Date.self),
                action: try row.decode(column: "action", as: String.self),
                outcome: try row.decode(column: "outcome", as: String.self),
                actor: client.map { "client:\($0)" } ?? actor?.uuidString.lowercased(),
                targetType: try row.decode(column: "target_type", as: String?.self),
                targetId: try row.decode(column: "target_id", as: String?.self))
        }
        let page = try limit.page(items) { $0.id }
        return .ok(.init(body: .json(.init(items: page.items, next: page.next))))
    }

    // MARK: - Rows

    static let agentColumns = """
        SELECT a.id, a.email, a.first_name, a.last_name, a.status, a.is_director, o.code AS organisation_code,
            o2.code AS second_organisation_code
        FROM agents a JOIN organisations o ON o.id = a.organisation_id
            LEFT JOIN organisations o2 ON o2.id = a.second_organisation_id
        """

    static let rightColumns = """
        SELECT g.id, g.agent_id, g.granted_at, ap.code AS application_code, r.status AS request_status,
            pr.code AS profile_code
        FROM grants g JOIN applications ap ON ap.id = g.application_id
            LEFT JOIN access_requests r ON r.id = g.access_request_id
            LEFT JOIN application_profiles pr ON pr.id = g.profile_id
        """

    /// An application's client sees the agents its application knows; a federation-wide one sees all.
    static func knownTo(_ caller: APICaller) -> SQLQueryString {
        guard let application = caller.applicationID else { return "1 = 1" }
        return """
            (EXISTS (SELECT 1 FROM grants k WHERE k.agent_id = a.id AND k.application_id = \(bind: application))
                OR EXISTS (SELECT 1 FROM access_requests k WHERE k.agent_id = a.id
                    AND k.application_id = \(bind: application)))
            """
    }

    static func visibleAgent(_ id: String, _ caller: APICaller) async throws -> (any SQLRow)? {
        guard let id = UUID(uuidString: id) else { return nil }
        return try await caller.sql.raw(
            """
            \(unsafeRaw: agentColumns)
            WHERE a.id = \(bind: id) AND a.status IN ('active', 'disabled') AND \(knownTo(caller))
            """
        ).first()
    }

    static func organisation(_ row: any SQLRow) throws -> Components.Schemas.Organisation {
        .init(
            code: try row.decode(column: "code", as: String.self),
            name: try row.decode(column: "name", as: String.self),
            branch: try row.decode(column: "branch", as: String.self),
            active: try row.decode(column: "is_active", as: Bool.self))
    }

    static func agent(_ row: any SQLRow) throws -> Components.Schemas.Agent {
        .init(
            id: try row.decode(column: "id", as: UUID.self).uuidString.lowercased(),
            email: try row.decode(column: "email", as: String.self),
            givenName: try row.decode(column: "first_name", as: String.self),
            familyName: try row.decode(column: "last_name", as: String.self),
            organisation: try row.decode(column: "organisation_code", as: String.self),
            secondOrganisation: try row.decode(column: "second_organisation_code", as: String?.self),
            active: try row.decode(column: "status", as: String.self) == Agent.Status.active.rawValue,
            director: try row.decode(column: "is_director", as: Bool.self))
    }

    /// The profile named by `code` among the application's; nil when none is named. A code that is not one of
    /// them is a 404, as an unknown agent or application is, naming the field.
    static func profile(
        _ code: String?, of application: BusinessApplication, _ caller: APICaller
    ) async throws -> ApplicationProfile? {
        guard let code else { return nil }
        let profiles = try await ProfileDirectory.profiles(of: application.id!, on: caller.database)
        guard let profile = profiles.first(where: { $0.code == code }) else {
            let message =
                profiles.isEmpty
                ? "Cette application n’a pas de profil."
                : "Profil inconnu ; profils de l’application : \(profiles.map(\.code).joined(separator: ", "))."
            var problem = APIProblem(.notFound, "Profil inconnu.", detail: message)
            problem.errors = [APIProblem.FieldError(field: "profile", message: message)]
            throw problem
        }
        return profile
    }

    static func right(_ row: any SQLRow) throws -> Components.Schemas.Right {
        let origin: Components.Schemas.Right.OriginPayload =
            switch try row.decode(column: "request_status", as: String?.self) {
            case nil: .directGrant
            case AccessRequest.Status.autoAccepted.rawValue: .automaticAcceptance
            default: .request
            }
        return .init(
            agentId: try row.decode(column: "agent_id", as: UUID.self).uuidString.lowercased(),
            application: try row.decode(column: "application_code", as: String.self),
            profile: try row.decode(column: "profile_code", as: String?.self),
            grantedAt: try row.decode(column: "granted_at", as: Date.self), origin: origin)
    }
}

extension APICaller {
    var sql: any SQLDatabase { database as! any SQLDatabase }
}

/// `limit` (1 to 500, 100 by default): one row more is read to know whether a next page exists.
struct PageLimit {
    let value: Int

    init(_ limit: Int?) throws {
        guard let limit else {
            value = 100
            return
        }
        guard (1...500).contains(limit) else {
            throw APIProblem.invalid("limit", "limit doit être compris entre 1 et 500.")
        }
        value = limit
    }

    var fetched: Int { value + 1 }

    /// The page's items, and the cursor after its last one when more follow.
    func page<Item>(_ rows: [Item], next: (Item) -> String) throws -> (items: [Item], next: String?) {
        guard rows.count > value else { return (rows, nil) }
        let items = Array(rows.prefix(value))
        return (items, items.last.map(next))
    }
}

/// Page cursors, as the contract writes them: an organisme's code, an id, or the positions of `RightChanges`. A
/// cursor that does not parse is a 400 naming its parameter, never a 500.
enum Cursor {
    static func invalid(_ field: String) -> APIProblem {
        APIProblem.invalid(field, "Ce curseur n’est pas valide : reprenez celui que l’API a donné.")
    }

    static func id(_ text: String, field: String = "after") throws -> UUID {
        guard let id = UUID(uuidString: text) else { throw invalid(field) }
        return id
    }

    /// An instant to the microsecond, as cursors write it.
    static func instant(_ date: Date) -> String { String(format: "%.6f", date.timeIntervalSince1970) }

    static func instant(_ text: some StringProtocol, field: String) throws -> Date {
        guard text.utf8.count <= 20, let seconds = Double(text), seconds.isFinite, seconds >= 0 else {
            throw invalid(field)
        }
        return Date(timeIntervalSince1970: seconds)
    }
}
