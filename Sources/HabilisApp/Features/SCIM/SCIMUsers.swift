import Crypto
import Fluent
import Foundation
import SQLKit

/// Agents as SCIM Users (RFC 7643 §4.1): `userName` is the login e-mail, `externalId` the feeding directory's id,
/// `name`, `emails`, `phoneNumbers`, `active`, the enterprise extension's `organization`, and Habilis's extension for
/// the organisme's code and the Agent de Direction flag. Writing them is for federation-wide clients holding
/// `directory:write`: such a feed then masters the agent's identity, read-only in « Mes coordonnées ».
struct SCIMUsers {
    let caller: APICaller
    let base: String

    /// Filterable attributes and their column.
    static let columns = [
        "username": "a.email", "externalid": "a.external_id", "id": "a.id",
        "meta.lastmodified": "COALESCE(a.updated_at, a.created_at)",
    ]

    static let select = """
        SELECT a.id, a.email, a.external_id, a.civility, a.first_name, a.last_name, a.phone, a.status, a.is_director,
            a.created_at, COALESCE(a.updated_at, a.created_at) AS last_modified, o.code AS organisation_code,
            o.name AS organisation_name
        FROM agents a JOIN organisations o ON o.id = a.organisation_id
        """

    // MARK: - Reading

    func list(filter: String?, startIndex: Int, count: Int) async throws -> [String: Any] {
        let condition = try filter.map { try SCIMFilter($0, allowing: Self.columns).condition(columns: Self.columns) }
        let visible: SQLQueryString =
            "a.status IN ('active', 'disabled') AND \(RightsAPI.knownTo(caller)) AND \(condition ?? "1 = 1")"
        let total =
            try await caller.sql.raw(
                "SELECT COUNT(*) AS n FROM agents a WHERE \(visible)"
            ).first()?.decode(column: "n", as: Int.self) ?? 0
        let rows =
            count == 0
            ? []
            : try await caller.sql.raw(
                """
                \(unsafeRaw: Self.select) WHERE \(visible) ORDER BY a.id
                LIMIT \(bind: count) OFFSET \(bind: startIndex - 1)
                """
            ).all()
        return [
            "schemas": [SCIMDiscovery.listSchema], "totalResults": total, "startIndex": startIndex,
            "itemsPerPage": rows.count, "Resources": try rows.map(resource),
        ]
    }

    func find(_ id: String) async throws -> [String: Any] {
        guard let row = try await row(id) else { throw SCIMController.notFound("Utilisateur inconnu.") }
        return try resource(row)
    }

    private func row(_ id: String) async throws -> (any SQLRow)? {
        guard let id = UUID(uuidString: id) else { return nil }
        return try await caller.sql.raw(
            """
            \(unsafeRaw: Self.select)
            WHERE a.id = \(bind: id) AND a.status IN ('active', 'disabled') AND \(RightsAPI.knownTo(caller))
            """
        ).first()
    }

    func resource(_ row: any SQLRow) throws -> [String: Any] {
        let id = try row.decode(column: "id", as: UUID.self).uuidString.lowercased()
        let first = try row.decode(column: "first_name", as: String.self)
        let last = try row.decode(column: "last_name", as: String.self)
        let civility = try row.decode(column: "civility", as: String.self)
        var name: [String: Any] = ["givenName": first, "familyName": last, "formatted": "\(first) \(last)"]
        if !civility.isEmpty { name["honorificPrefix"] = civility }
        var user: [String: Any] = [
            "schemas": [SCIMDiscovery.userSchema, SCIMDiscovery.enterpriseSchema, SCIMDiscovery.habilisSchema],
            "id": id, "userName": try row.decode(column: "email", as: String.self), "name": name,
            "displayName": "\(first) \(last)",
            "emails": [["value": try row.decode(column: "email", as: String.self), "type": "work", "primary": true]],
            "active": try row.decode(column: "status", as: String.self) == Agent.Status.active.rawValue,
            SCIMDiscovery.enterpriseSchema: [
                "organization": try row.decode(column: "organisation_name", as: String.self)
            ],
            SCIMDiscovery.habilisSchema: [
                "organisationCode": try row.decode(column: "organisation_code", as: String.self),
                "director": try row.decode(column: "is_director", as: Bool.self),
            ],
        ]
        if let external = try row.decode(column: "external_id", as: String?.self) { user["externalId"] = external }
        if let phone = try row.decode(column: "phone", as: String?.self), !phone.isEmpty {
            user["phoneNumbers"] = [["value": phone, "type": "work"]]
        }
        let formatter = ISO8601DateFormatter()
        user["meta"] = [
            "resourceType": "User", "location": base + "/scim/v2/Users/" + id,
            "created": formatter.string(from: try row.decode(column: "created_at", as: Date.self)),
            "lastModified": formatter.string(from: try row.decode(column: "last_modified", as: Date.self)),
            "version": Self.version(of: user),
        ]
        return user
    }

    /// A weak ETag of everything the resource says (RFC 7644 §3.14).
    static func version(of user: [String: Any]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: user, options: [.sortedKeys])) ?? Data()
        return "W/\"" + SHA256.hash(data: data).prefix(12).map { String(format: "%02x", $0) }.joined() + "\""
    }

    // MARK: - Writing

    /// What a create or a replace gives, checked: the fields of an agent.
    struct Identity {
        var email: String
        var externalID: String?
        var firstName: String
        var lastName: String
        var civility: String
        var phone: String?
        var active: Bool
        var organisation: Organisation
        var director: Bool?
    }

    func requireWriter() throws {
        guard caller.applicationID == nil, caller.scopes.contains(.directoryWrite) else {
            throw APIProblem(
                .forbidden, "Alimentation réservée.",
                detail:
                    "Créer ou modifier des agents demande un client de la fédération avec la portée directory:write.")
        }
    }

    func create(_ body: [String: Any]) async throws -> [String: Any] {
        try requireWriter()
        let identity = try await parse(body, current: nil)
        if try await Agent.query(on: caller.database).filter(\.$email == identity.email).first() != nil {
            throw SCIMController.conflict("Un compte a déjà cette adresse de connexion.")
        }
        let services = caller.services
        // No password: the agent chooses one with « Mot de passe oublié ».
        let agent = Agent(
            email: identity.email, passwordHash: try await services.passwords.hash(SecureToken.generate()),
            civility: identity.civility, firstName: identity.firstName, lastName: identity.lastName,
            organisationID: identity.organisation.id!, status: identity.active ? .active : .disabled,
            createdAt: services.clock.now)
        agent.isDirector = identity.director ?? false
        agent.phone = identity.phone
        agent.externalID = identity.externalID
        agent.identitySource = caller.client.name
        do {
            try await caller.database.atomically { transaction in
                try await agent.create(on: transaction)
                try await services.audit.record(
                    .scimUserCreated, by: caller.audit, target: ("agent", agent.id!.uuidString),
                    organisationID: agent.$organisation.id,
                    details: ["email": agent.email, "client": caller.client.clientID], on: transaction)
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            throw SCIMController.conflict("Un compte a déjà cette adresse de connexion.")
        }
        return try await find(agent.id!.uuidString)
    }

    /// PUT: every writable attribute as given; `If-Match` must name the current version when sent.
    func replace(_ id: String, with body: [String: Any], ifMatch: String?) async throws -> [String: Any] {
        try requireWriter()
        let current = try await find(id)
        try Self.check(ifMatch, against: current)
        let identity = try await parse(body, current: current)
        try await save(id, identity, action: .scimUserReplaced)
        return try await find(id)
    }

    /// PATCH (RFC 7644 §3.5.2): `add`, `replace`, `remove` of the writable attributes, with or without a path.
    func patch(_ id: String, with body: [String: Any], ifMatch: String?) async throws -> [String: Any] {
        try requireWriter()
        var user = try await find(id)
        try Self.check(ifMatch, against: user)
        guard (body["schemas"] as? [String])?.contains(SCIMDiscovery.patchSchema) == true,
            let operations = body["Operations"] as? [[String: Any]], !operations.isEmpty, operations.count <= 100
        else { throw SCIMController.invalidSyntax("Un PatchOp avec ses Operations est attendu.") }
        for operation in operations {
            try SCIMPatch.apply(operation, to: &user)
        }
        let identity = try await parse(user, current: user)
        try await save(id, identity, action: .scimUserPatched)
        return try await find(id)
    }

    /// DELETE: the account is disabled, never erased (its history stays).
    func delete(_ id: String) async throws {
        try requireWriter()
        _ = try await find(id)
        guard let agent = try await Agent.find(UUID(uuidString: id), on: caller.database) else {
            throw SCIMController.notFound("Utilisateur inconnu.")
        }
        let services = caller.services
        let context = caller.audit
        let client = caller.client.clientID
        try await caller.database.atomically { transaction in
            _ = try await services.disable(
                agent, decidedBy: nil, by: context, details: ["client": client, "via": "scim"], on: transaction)
        }
    }

    private func save(_ id: String, _ identity: Identity, action: AuditAction) async throws {
        guard let agent = try await Agent.find(UUID(uuidString: id), on: caller.database) else {
            throw SCIMController.notFound("Utilisateur inconnu.")
        }
        if identity.email != agent.email,
            try await Agent.query(on: caller.database).filter(\.$email == identity.email).first() != nil
        {
            throw SCIMController.conflict("Un compte a déjà cette adresse de connexion.")
        }
        let services = caller.services
        let context = caller.audit
        let client = caller.client
        let wasActive = agent.status == .active
        try await caller.database.atomically { transaction in
            agent.email = identity.email
            agent.externalID = identity.externalID
            agent.firstName = identity.firstName
            agent.lastName = identity.lastName
            agent.civility = identity.civility
            agent.phone = identity.phone
            agent.$organisation.id = identity.organisation.id!
            if let director = identity.director { agent.isDirector = director }
            agent.identitySource = client.name
            agent.updatedAt = services.clock.now
            // Disabling saves the identity with the status; an account another request disabled meanwhile is
            // saved here.
            let disabled =
                !identity.active && wasActive
                ? try await services.disable(
                    agent, decidedBy: nil, by: context, details: ["client": client.clientID, "via": "scim"],
                    on: transaction)
                : false
            if !disabled {
                if identity.active, agent.status == .disabled { agent.status = .active }
                try await agent.update(on: transaction)
            }
            try await services.audit.record(
                action, by: context, target: ("agent", agent.id!.uuidString), organisationID: agent.$organisation.id,
                details: ["email": agent.email, "client": client.clientID], on: transaction)
            try await services.webhookEvents.publish(.agentUpdated(agent), on: transaction)
        }
    }

    static func check(_ ifMatch: String?, against user: [String: Any]) throws {
        guard let ifMatch, ifMatch != "*" else { return }
        let version = (user["meta"] as? [String: Any])?["version"] as? String
        let wanted = ifMatch.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let version, wanted.contains(version) || wanted.contains(String(version.dropFirst(2))) else {
            throw APIProblem(
                .preconditionFailed, "Version dépassée.", detail: "La ressource a changé : relisez-la puis recommencez."
            )
        }
    }

    /// The agent's fields from a User; unknown attributes are ignored, missing required ones refused.
    private func parse(_ body: [String: Any], current: [String: Any]?) async throws -> Identity {
        guard let raw = body["userName"] as? String, case .success(let userName) = EmailAddress.normalize(raw) else {
            throw SCIMController.invalidValue("userName doit être une adresse électronique valide.")
        }
        let name = body["name"] as? [String: Any] ?? [:]
        guard let given = (name["givenName"] as? String)?.trimmingCharacters(in: .whitespaces), !given.isEmpty,
            let family = (name["familyName"] as? String)?.trimmingCharacters(in: .whitespaces), !family.isEmpty,
            given.count <= FieldLimits.name, family.count <= FieldLimits.name
        else {
            throw SCIMController.invalidValue(
                "name.givenName et name.familyName sont obligatoires (100 caractères au plus).")
        }
        let habilis = body[SCIMDiscovery.habilisSchema] as? [String: Any] ?? [:]
        guard let code = habilis["organisationCode"] as? String, code.utf8.count <= 40,
            let organisation = try await Organisation.query(on: caller.database).filter(\.$code == code).first()
        else {
            throw SCIMController.invalidValue(
                "\(SCIMDiscovery.habilisSchema):organisationCode doit nommer un organisme de la fédération.")
        }
        let phones = body["phoneNumbers"] as? [[String: Any]] ?? []
        let phone = (phones.first { $0["primary"] as? Bool == true } ?? phones.first)?["value"] as? String
        if let phone, phone.count > 30 { throw SCIMController.invalidValue("phoneNumbers : 30 caractères au plus.") }
        let externalID = body["externalId"] as? String
        if let externalID, externalID.utf8.count > 200 {
            throw SCIMController.invalidValue("externalId : 200 caractères au plus.")
        }
        let civility = name["honorificPrefix"] as? String ?? ""
        guard civility.count <= 20 else {
            throw SCIMController.invalidValue("honorificPrefix : 20 caractères au plus.")
        }
        return Identity(
            email: userName, externalID: externalID, firstName: given, lastName: family, civility: civility,
            phone: phone?.trimmingCharacters(in: .whitespaces), active: body["active"] as? Bool ?? true,
            organisation: organisation, director: habilis["director"] as? Bool)
    }
}
