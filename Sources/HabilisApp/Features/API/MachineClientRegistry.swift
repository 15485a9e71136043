import Fluent
import Foundation
import SQLKit

/// The machine clients of the REST API and SCIM (issue 16): registered by administrators or with
/// `habilis oidc-client add --machine`, each change audited. Their secrets are generated here, shown once, kept as
/// SHA-256; they take tokens at the provider's token endpoint with the client-credentials grant.
public struct MachineClientRegistry: Sendable {
    /// What an administrator gives to register a machine client.
    public struct Registration: Sendable {
        /// nil: federation-wide.
        public var applicationCode: String?
        public var name: String?
        public var scopes: [String]

        public init(applicationCode: String?, name: String? = nil, scopes: [String]) {
            self.applicationCode = applicationCode
            self.name = name
            self.scopes = scopes
        }
    }

    /// Machine access tokens live five minutes: a client takes a new one rather than holding a long-lived key.
    static let accessTokenSeconds = 5 * 60

    let clock: any Clock
    let audit: AuditLog

    /// Registers a client; returns it with its secret, which is never shown again.
    public func register(
        _ registration: Registration, by context: AuditContext, on database: any Database
    ) async throws
        -> (client: MachineClient, secret: String)
    {
        let (application, scopes) = try await validate(registration, on: database)
        let client = MachineClient()
        client.clientID = String(SecureToken.hash(SecureToken.generate()).prefix(24))
        let secret = SecureToken.generate()
        client.secretHash = SecureToken.hash(secret)
        client.$application.id = application?.id
        client.$application.value = .some(application)
        client.name = registration.name ?? application.map { "\($0.name) (accès machine)" } ?? "Client de la fédération"
        client.scopeList = scopes.map(\.rawValue).joined(separator: " ")
        client.createdAt = clock.now
        client.updatedAt = clock.now
        try await database.atomically { transaction in
            try await client.create(on: transaction)
            try await audit.record(
                .machineClientRegistered, by: context, target: ("machine_client", client.clientID),
                applicationID: application?.id,
                details: [
                    "application": application?.code ?? "(fédération)", "name": client.name,
                    "scopes": client.scopeList,
                ], on: transaction)
        }
        return (client, secret)
    }

    /// Every machine client, with its application (none for federation-wide ones).
    public func list(on database: any Database) async throws -> [MachineClient] {
        try await MachineClient.query(on: database).with(\.$application).sort(\.$createdAt).all()
    }

    public func find(_ clientID: String, on database: any Database) async throws -> MachineClient? {
        guard clientID.utf8.count <= 200 else { return nil }
        return try await MachineClient.query(on: database).filter(\.$clientID == clientID).with(\.$application).first()
    }

    /// The client whose id and secret these are, or nil; compared in constant time.
    func authenticate(clientID: String, secret: String, on database: any Database) async throws -> MachineClient? {
        guard secret.utf8.count <= 200, let client = try await find(clientID, on: database),
            SecureToken.constantTimeEquals(client.secretHash, SecureToken.hash(secret))
        else { return nil }
        return client
    }

    /// Removes a client: its tokens stop working at their next call. Tells whether this call removed it (false: it
    /// was gone).
    public func remove(_ clientID: String, by context: AuditContext, on database: any Database) async throws -> Bool {
        guard let client = try await find(clientID, on: database) else { return false }
        return try await database.atomically { transaction in
            guard try await transaction.deleteRow(MachineClient.schema, id: client.id!) else { return false }
            try await audit.record(
                .machineClientRemoved, by: context, target: ("machine_client", client.clientID),
                applicationID: client.$application.id,
                details: ["application": client.application?.code ?? "(fédération)"], on: transaction)
            return true
        }
    }

    /// A new secret; the old one stops working at once (tokens already issued live out their five minutes).
    public func rotateSecret(
        of clientID: String, by context: AuditContext, on database: any Database
    ) async throws
        -> String?
    {
        guard let client = try await find(clientID, on: database) else { return nil }
        let secret = SecureToken.generate()
        client.secretHash = SecureToken.hash(secret)
        client.updatedAt = clock.now
        try await database.atomically { transaction in
            try await client.update(on: transaction)
            try await audit.record(
                .machineClientSecretRotated, by: context, target: ("machine_client", client.clientID),
                applicationID: client.$application.id, on: transaction)
        }
        return secret
    }

    /// The application and scopes of a registration, or every problem with it (French, by field).
    func validate(
        _ registration: Registration, on database: any Database
    ) async throws
        -> (BusinessApplication?, [MachineScope])
    {
        var errors = FormErrors()
        var application: BusinessApplication?
        if let code = registration.applicationCode {
            application = try await BusinessApplication.query(on: database).filter(\.$code == code).first()
            if application == nil {
                errors.add("application", "Aucune application n’a le code « \(code.prefix(40)) ».")
            }
        }
        if let name = registration.name, name.trimmingCharacters(in: .whitespaces).isEmpty || name.count > 150 {
            errors.add("name", "Donnez au client un nom de 1 à 150 caractères.")
        }
        let scopes = registration.scopes.compactMap(MachineScope.init(rawValue:))
        if registration.scopes.isEmpty {
            errors.add("scopes", "Choisissez au moins une portée.")
        } else if scopes.count != registration.scopes.count {
            let known = MachineScope.allCases.map(\.rawValue).joined(separator: ", ")
            errors.add("scopes", "Portée inconnue. Les portées sont : \(known).")
        }
        guard errors.isEmpty else { throw ClientRegistry.Refusal(errors: errors) }
        // Each scope once, in the order of the list.
        return (application, MachineScope.allCases.filter(scopes.contains))
    }
}
