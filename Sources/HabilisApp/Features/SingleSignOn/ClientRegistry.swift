import Fluent
import Foundation
import SQLKit

/// The OpenID Connect clients of the applications: registered by administrators (on the application's page or
/// with `habilis oidc-client`), each change audited. Secrets are generated here, shown once, kept as SHA-256.
public struct ClientRegistry: Sendable {
    /// What an administrator gives to register a client, or to change one.
    public struct Registration: Sendable {
        public var applicationCode: String
        public var name: String?
        public var redirectURIs: [String]
        public var postLogoutRedirectURIs: [String] = []
        public var backchannelLogoutURI: String?
        public var initiateLoginURI: String?
        public var isPublic = false
        /// Off only for confidential relying parties that cannot send PKCE; public clients always use it.
        public var requiresPKCE = true
        public var algorithm: SigningKeys.Algorithm = .rs256
        public var accessTokenSeconds = ClientRegistry.defaultAccessTokenSeconds
        public var idTokenSeconds = ClientRegistry.defaultIDTokenSeconds
        public var refreshTokenSeconds = ClientRegistry.defaultRefreshTokenSeconds

        public init(applicationCode: String, redirectURIs: [String]) {
            self.applicationCode = applicationCode
            self.redirectURIs = redirectURIs
        }
    }

    static let defaultAccessTokenSeconds = 5 * 60
    static let defaultIDTokenSeconds = 5 * 60
    /// A refresh token lasts at most as long as the portal session that issued it could.
    static let defaultRefreshTokenSeconds = Int(SessionStore.absoluteTimeout)
    static let accessTokenBounds = 60...Int(SigningKeys.longestTokenLifetime)
    static let idTokenBounds = 60...Int(SigningKeys.longestTokenLifetime)
    static let refreshTokenBounds = 5 * 60...30 * 24 * 60 * 60

    let clock: any Clock
    let audit: AuditLog
    /// Production accepts only https URIs; development and tests also loopback http.
    let requiresHTTPS: Bool

    /// Registers a client; returns it with its secret (nil for a public client), which is never shown again.
    public func register(
        _ registration: Registration, by context: AuditContext, on database: any Database
    )
        async throws -> (client: OIDCClient, secret: String?)
    {
        let application = try await validate(registration, on: database)
        let client = OIDCClient()
        // 96 random bits in hex: never starts with "-" (a command-line option), never needs escaping.
        client.clientID = String(SecureToken.hash(SecureToken.generate()).prefix(24))
        let secret = registration.isPublic ? nil : SecureToken.generate()
        client.secretHash = secret.map(SecureToken.hash)
        client.createdAt = clock.now
        apply(registration, application: application, to: client)
        try await database.atomically { transaction in
            try await client.create(on: transaction)
            try await audit.record(
                .oidcClientRegistered, by: context, target: ("oidc_client", client.clientID),
                details: details(of: client, application: application), on: transaction)
        }
        return (client, secret)
    }

    /// The clients, with their application, application by application.
    public func list(on database: any Database) async throws -> [OIDCClient] {
        try await OIDCClient.query(on: database).with(\.$application).sort(\.$createdAt).all()
    }

    /// The clients of one application.
    public func clients(of applicationID: UUID, on database: any Database) async throws -> [OIDCClient] {
        try await OIDCClient.query(on: database).filter(\.$application.$id == applicationID).sort(\.$createdAt).all()
    }

    /// A client with its application, in one statement of SQL text: every authorization and token call starts
    /// here, and Fluent's reflective decoding of the two models cost more than the query.
    public func find(_ clientID: String, on database: any Database) async throws -> OIDCClient? {
        guard clientID.utf8.count <= 200,
            let row = try await (database as! any SQLDatabase).prepared(
                "SELECT \(Self.clientColumns) FROM oidc_clients c JOIN applications a ON a.id = c.application_id "
                    + "WHERE c.client_id = \(bind: clientID)"
            ).first()
        else { return nil }
        return try OIDCClient(row: row)
    }

    /// `find`, and a value the caller reads in the same statement (`alongside`, a scalar subquery: the token
    /// endpoint's failure count), which comes back even when no client has this id.
    func find<Value: Decodable>(
        _ clientID: String, alongside: SQLQueryString, as: Value.Type, on database: any Database
    ) async throws
        -> (client: OIDCClient?, alongside: Value?)
    {
        guard clientID.utf8.count <= 200,
            let row = try await (database as! any SQLDatabase).prepared(
                """
                SELECT \(alongside) AS alongside, \(Self.clientColumns)
                FROM (SELECT 1 AS one) wanted
                LEFT JOIN (oidc_clients c JOIN applications a ON a.id = c.application_id)
                    ON c.client_id = \(bind: clientID)
                """
            ).first()
        else { return (nil, nil) }
        let client = try row.decode(column: "id", as: UUID?.self) == nil ? nil : try OIDCClient(row: row)
        return (client, try row.decode(column: "alongside", as: Value?.self))
    }

    /// The columns `OIDCClient(row:)` reads, from `oidc_clients c` and `applications a`.
    private static let clientColumns: SQLQueryString = """
        c.*, a.code AS application_code, a.name AS application_name,
            a.description AS application_description, a.launch_url AS application_launch_url,
            a.access_mode AS application_access_mode, a.is_active AS application_is_active,
            a.position AS application_position, a.created_at AS application_created_at
        """

    /// Whether `secret` is the confidential `client`'s; compared in constant time.
    func accepts(_ secret: String, from client: OIDCClient) -> Bool {
        guard let expected = client.secretHash, secret.utf8.count <= 200 else { return false }
        return SecureToken.constantTimeEquals(expected, SecureToken.hash(secret))
    }

    /// Removes a client and everything it issued; tells whether this call removed it (false: it was gone).
    public func remove(_ clientID: String, by context: AuditContext, on database: any Database) async throws -> Bool {
        guard let client = try await find(clientID, on: database) else { return false }
        return try await database.atomically { transaction in
            guard try await transaction.deleteRow(OIDCClient.schema, id: client.id!) else { return false }
            try await audit.record(
                .oidcClientRemoved, by: context, target: ("oidc_client", client.clientID),
                details: ["application": client.application.code], on: transaction)
            return true
        }
    }

    /// A new secret for a confidential client; the old one stops working at once.
    public func rotateSecret(
        of clientID: String, by context: AuditContext, on database: any Database
    ) async throws
        -> String?
    {
        guard let client = try await find(clientID, on: database), !client.isPublic else { return nil }
        let secret = SecureToken.generate()
        client.secretHash = SecureToken.hash(secret)
        client.updatedAt = clock.now
        try await database.atomically { transaction in
            try await client.update(on: transaction)
            try await audit.record(
                .oidcClientSecretRotated, by: context, target: ("oidc_client", client.clientID), on: transaction)
        }
        return secret
    }

    // MARK: - Validation

    /// Why a registration is refused: French messages by field of the form (the command line prints them all).
    public struct Refusal: Error, Sendable {
        public let errors: FormErrors
        public var message: String { errors.list.map(\.message).joined(separator: "\n") }
    }

    /// The application of a registration, or every problem with it.
    func validate(_ registration: Registration, on database: any Database) async throws -> BusinessApplication {
        var errors = FormErrors()
        let application = try await BusinessApplication.query(on: database)
            .filter(\.$code == registration.applicationCode).first()
        if application == nil {
            errors.add("application", "Aucune application n’a le code « \(registration.applicationCode.prefix(40)) ».")
        }
        if let name = registration.name, name.trimmingCharacters(in: .whitespaces).isEmpty || name.count > 150 {
            errors.add("name", "Donnez au client un nom de 1 à 150 caractères.")
        }
        if registration.redirectURIs.isEmpty {
            errors.add("redirectURIs", "Indiquez au moins une adresse de retour (redirect URI).")
        }
        if registration.redirectURIs.count > 20 || registration.postLogoutRedirectURIs.count > 20 {
            errors.add("redirectURIs", "Indiquez au plus 20 adresses.")
        }
        let uris: [(String, [String])] = [
            ("redirectURIs", registration.redirectURIs),
            ("postLogoutRedirectURIs", registration.postLogoutRedirectURIs),
            ("backchannelLogoutURI", registration.backchannelLogoutURI.map { [$0] } ?? []),
            ("initiateLoginURI", registration.initiateLoginURI.map { [$0] } ?? []),
        ]
        for (field, values) in uris {
            if let problem = values.lazy.compactMap(problem(with:)).first { errors.add(field, problem) }
        }
        for (field, value, bounds, label) in [
            ("accessTokenSeconds", registration.accessTokenSeconds, Self.accessTokenBounds, "du jeton d’accès"),
            ("idTokenSeconds", registration.idTokenSeconds, Self.idTokenBounds, "du jeton d’identité"),
            (
                "refreshTokenSeconds", registration.refreshTokenSeconds, Self.refreshTokenBounds,
                "du jeton de rafraîchissement"
            ),
        ] where !bounds.contains(value) {
            errors.add(
                field,
                "La durée \(label) doit être comprise entre \(bounds.lowerBound) et \(bounds.upperBound) secondes.")
        }
        guard errors.isEmpty, let application else { throw Refusal(errors: errors) }
        return application
    }

    /// Changes a client's registration (its type, public or confidential, stays as created).
    public func update(
        _ client: OIDCClient, with registration: Registration, by context: AuditContext, on database: any Database
    ) async throws {
        let application = try await validate(registration, on: database)
        let before = details(of: client, application: client.application)
        var kept = registration
        kept.isPublic = client.isPublic
        apply(kept, application: application, to: client)
        try await database.atomically { transaction in
            try await client.update(on: transaction)
            try await audit.record(
                .oidcClientUpdated, by: context, target: ("oidc_client", client.clientID),
                details: AuditLog.changes(before: before, after: details(of: client, application: application)),
                on: transaction)
        }
    }

    /// Redirect URIs are compared as exact strings: absolute, without fragment, https (or loopback http outside
    /// production), at most 2,000 characters.
    func problem(with uri: String) -> String? {
        guard uri.utf8.count <= 2000, !uri.contains(where: \.isWhitespace), let components = URLComponents(string: uri),
            let scheme = components.scheme?.lowercased(), let host = components.host, !host.isEmpty
        else { return "L’adresse « \(uri.prefix(100)) » n’est pas une adresse absolue valide." }
        guard components.fragment == nil else {
            return "L’adresse « \(uri.prefix(100)) » ne doit pas avoir de fragment (#)."
        }
        let isLoopback = ["127.0.0.1", "localhost", "[::1]", "::1"].contains(host.lowercased())
        switch scheme {
        case "https": return nil
        case "http" where isLoopback && !requiresHTTPS: return nil
        default: return "L’adresse « \(uri.prefix(100)) » doit commencer par https://."
        }
    }

    private func apply(_ registration: Registration, application: BusinessApplication, to client: OIDCClient) {
        client.$application.id = application.id!
        client.$application.value = application
        client.name = registration.name ?? application.name
        client.requiresPKCE = registration.isPublic || registration.requiresPKCE
        client.redirectURIList = registration.redirectURIs.joined(separator: "\n")
        client.postLogoutRedirectURIList = registration.postLogoutRedirectURIs.joined(separator: "\n")
        client.backchannelLogoutURI = registration.backchannelLogoutURI
        client.initiateLoginURI = registration.initiateLoginURI
        client.signingAlgorithm = registration.algorithm.rawValue
        client.accessTokenSeconds = registration.accessTokenSeconds
        client.idTokenSeconds = registration.idTokenSeconds
        client.refreshTokenSeconds = registration.refreshTokenSeconds
        client.updatedAt = clock.now
    }

    private func details(of client: OIDCClient, application: BusinessApplication) -> [String: String] {
        [
            "application": application.code, "name": client.name, "public": String(client.isPublic),
            "pkce": String(client.requiresPKCE), "redirect_uris": client.redirectURIs.joined(separator: " "),
            "post_logout_redirect_uris": client.postLogoutRedirectURIs.joined(separator: " "),
            "backchannel_logout_uri": client.backchannelLogoutURI ?? "",
            "initiate_login_uri": client.initiateLoginURI ?? "", "algorithm": client.signingAlgorithm,
        ]
    }
}
