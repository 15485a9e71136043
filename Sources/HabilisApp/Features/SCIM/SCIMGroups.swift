import Fluent
import Foundation
import SQLKit

/// Applications as SCIM Groups: one group per application (`id` its id, `displayName` its name, `externalId` its
/// code), whose `members` are the agents holding its right (any of its profiles). PATCHing the members grants (the
/// default profile) and revokes (every profile) through the same path as the API (`MachineRights`): rules,
/// notifications, audit, back-channel logout, change events. Profiles are read and chosen through the REST API.
/// Groups themselves are the catalogue's: they are not created nor deleted here.
struct SCIMGroups {
    let caller: APICaller
    let base: String

    static let columns = ["displayname": "ap.name", "externalid": "ap.code", "id": "ap.id"]

    /// A group and the last grant or revocation of its right, in one statement per page.
    static let select = """
        SELECT ap.id, ap.code, ap.name, ap.created_at,
            (SELECT MAX(CASE WHEN g.revoked_at IS NULL OR g.revoked_at < g.granted_at THEN g.granted_at
                ELSE g.revoked_at END) FROM grants g WHERE g.application_id = ap.id) AS changed
        FROM applications ap
        """

    func list(filter: String?, startIndex: Int, count: Int, members: Bool) async throws -> [String: Any] {
        let condition = try filter.map { try SCIMFilter($0, allowing: Self.columns).condition(columns: Self.columns) }
        let own = caller.applicationID
        let visible: SQLQueryString =
            "(\(bind: own == nil) OR ap.id = \(bind: own ?? UUID())) AND \(condition ?? "1 = 1")"
        let total =
            try await caller.sql.raw("SELECT COUNT(*) AS n FROM applications ap WHERE \(visible)").first()?
            .decode(column: "n", as: Int.self) ?? 0
        let rows =
            count == 0
            ? []
            : try await caller.sql.raw(
                """
                \(unsafeRaw: Self.select) WHERE \(visible)
                ORDER BY ap.id LIMIT \(bind: count) OFFSET \(bind: startIndex - 1)
                """
            ).all()
        var resources: [[String: Any]] = []
        for row in rows { resources.append(try await resource(row, members: members)) }
        return [
            "schemas": [SCIMDiscovery.listSchema], "totalResults": total, "startIndex": startIndex,
            "itemsPerPage": resources.count, "Resources": resources,
        ]
    }

    func find(_ id: String, members: Bool = true) async throws -> [String: Any] {
        guard let id = UUID(uuidString: id), caller.applicationID == nil || caller.applicationID == id,
            let row = try await caller.sql.raw(
                "\(unsafeRaw: Self.select) WHERE ap.id = \(bind: id)"
            ).first()
        else { throw SCIMController.notFound("Groupe inconnu.") }
        return try await resource(row, members: members)
    }

    private func resource(_ row: any SQLRow, members: Bool) async throws -> [String: Any] {
        let id = try row.decode(column: "id", as: UUID.self)
        var group: [String: Any] = [
            "schemas": [SCIMDiscovery.groupSchema], "id": id.uuidString.lowercased(),
            "displayName": try row.decode(column: "name", as: String.self),
            "externalId": try row.decode(column: "code", as: String.self),
        ]
        let changed = try row.decode(column: "changed", as: Date?.self)
        if members {
            group["members"] = try await caller.sql.raw(
                """
                SELECT DISTINCT g.agent_id, a.email FROM grants g JOIN agents a ON a.id = g.agent_id
                WHERE g.application_id = \(bind: id) AND g.revoked_at IS NULL ORDER BY g.agent_id
                """
            ).all().map { member -> [String: Any] in
                let agent = try member.decode(column: "agent_id", as: UUID.self).uuidString.lowercased()
                return [
                    "value": agent, "display": try member.decode(column: "email", as: String.self), "type": "User",
                    "$ref": base + "/scim/v2/Users/" + agent,
                ]
            }
        }
        let formatter = ISO8601DateFormatter()
        let created = try row.decode(column: "created_at", as: Date.self)
        group["meta"] = [
            "resourceType": "Group", "location": base + "/scim/v2/Groups/" + id.uuidString.lowercased(),
            "created": formatter.string(from: created),
            "lastModified": formatter.string(from: max(changed ?? created, created)),
        ]
        return group
    }

    /// PATCH of `members`: `add` grants, `remove` revokes (`members[value eq "id"]` or a list of values),
    /// `replace` makes the members exactly those given. The group's thousands of members are read only for an
    /// operation about all of them (`replace`, `remove` of `members`); the answer carries them unless the client
    /// says `excludedAttributes=members` (RFC 7644 3.5.2, 3.9), as a directory patching one member at a time does.
    func patch(_ id: String, with body: [String: Any], members returned: Bool = true) async throws -> [String: Any] {
        guard caller.scopes.contains(.rightsWrite) else {
            throw APIProblem(.forbidden, "Portée insuffisante.", detail: "Changer les membres demande rights:write.")
        }
        _ = try await find(id, members: false)
        guard (body["schemas"] as? [String])?.contains(SCIMDiscovery.patchSchema) == true,
            let operations = body["Operations"] as? [[String: Any]], !operations.isEmpty, operations.count <= 100
        else { throw SCIMController.invalidSyntax("Un PatchOp avec ses Operations est attendu.") }
        guard let application = try await BusinessApplication.find(UUID(uuidString: id), on: caller.database) else {
            throw SCIMController.notFound("Groupe inconnu.")
        }
        var changes: [(op: String, path: String, ids: [UUID])] = []
        for operation in operations {
            guard let op = (operation["op"] as? String)?.lowercased() else {
                throw SCIMController.invalidSyntax("op manque.")
            }
            let path = (operation["path"] as? String) ?? ""
            var values = Self.memberIDs(operation["value"])
            if op != "remove", path.isEmpty, let object = operation["value"] as? [String: Any] {
                values = Self.memberIDs(object["members"])
                if object["displayName"] != nil || object["externalId"] != nil {
                    throw SCIMController.mutability("Le nom d’un groupe est celui de l’application.")
                }
            }
            if let filtered = Self.filteredMember(path) { values = [filtered] }
            guard path.isEmpty || path.lowercased() == "members" || Self.filteredMember(path) != nil else {
                throw SCIMController.mutability("Seuls les membres d’un groupe changent.")
            }
            let ids = try values.map { value -> UUID in
                guard let id = UUID(uuidString: value) else { throw SCIMController.invalidValue("Membre inconnu.") }
                return id
            }
            guard ["add", "remove", "replace"].contains(op) else {
                throw SCIMController.invalidSyntax("op doit valoir add, replace ou remove.")
            }
            changes.append((op, path, ids))
        }
        let aboutEveryone = changes.contains { $0.op == "replace" || ($0.op == "remove" && $0.ids.isEmpty) }
        let current = aboutEveryone ? try await memberIDs(of: application.id!) : []
        var grant: [UUID] = []
        var revoke: [UUID] = []
        for change in changes {
            switch change.op {
            case "add": grant += change.ids
            case "remove" where change.path.lowercased() == "members" && change.ids.isEmpty:
                revoke += current
            case "remove": revoke += change.ids
            default:
                let wanted = Set(change.ids)
                grant += change.ids.filter { !current.contains($0) }
                revoke += current.filter { !wanted.contains($0) }
            }
        }
        let rights = MachineRights(caller: caller)
        for agent in grant where !current.contains(agent) {
            do {
                _ = try await rights.grant(application, profile: nil, to: agent)
            } catch let problem as APIProblem where problem.status == .conflict {
                continue  // Already a member: PATCH add is idempotent.
            }
        }
        for agent in revoke {
            do {
                try await rights.revoke(application, profile: nil, from: agent)
            } catch let problem as APIProblem where problem.status == .notFound {
                continue  // Not a member: nothing to remove.
            }
        }
        try await caller.services.audit.record(
            .scimGroupPatched, by: caller.audit, target: ("application", application.code),
            applicationID: application.id,
            details: [
                "granted": String(grant.count), "revoked": String(revoke.count), "client": caller.client.clientID,
            ], on: caller.database)
        return try await find(id, members: returned)
    }

    /// The agents holding the application, whatever their profile.
    private func memberIDs(of application: UUID) async throws -> Set<UUID> {
        Set(
            try await caller.sql.raw(
                """
                SELECT DISTINCT agent_id FROM grants WHERE application_id = \(bind: application) AND revoked_at IS NULL
                """
            ).all().map { try $0.decode(column: "agent_id", as: UUID.self) })
    }

    /// `[{"value": id}, …]`, one `{"value": id}`, or nothing.
    private static func memberIDs(_ value: Any?) -> [String] {
        if let list = value as? [[String: Any]] { return list.compactMap { $0["value"] as? String } }
        if let one = value as? [String: Any], let id = one["value"] as? String { return [id] }
        return []
    }

    /// The id of `members[value eq "id"]`.
    private static func filteredMember(_ path: String) -> String? {
        guard path.lowercased().hasPrefix("members["), path.hasSuffix("]"),
            let filter = try? SCIMFilter(String(path.dropFirst(8).dropLast()), allowing: ["value": "value"]),
            filter.comparisons.count == 1
        else { return nil }
        return filter.comparisons[0].value
    }
}
