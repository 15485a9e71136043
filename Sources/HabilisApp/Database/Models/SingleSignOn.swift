import Fluent
import Foundation
import SQLKit

/// An application's OpenID Connect client: how one relying party of a catalogue application signs agents in.
/// A confidential client keeps the SHA-256 of its secret (random, 256 bits: a slow hash would add nothing but a
/// CPU cost to every token request); a public one has none and must use PKCE.
public final class OIDCClient: Model, @unchecked Sendable {
    public static let schema = "oidc_clients"

    @ID(key: .id) public var id: UUID?
    @Field(key: "client_id") public var clientID: String
    @Parent(key: "application_id") public var application: BusinessApplication
    @Field(key: "name") public var name: String
    @OptionalField(key: "secret_hash") public var secretHash: String?
    @Field(key: "requires_pkce") public var requiresPKCE: Bool
    /// Exact strings, one per line (a URI holds no line break).
    @Field(key: "redirect_uris") public var redirectURIList: String
    @Field(key: "post_logout_redirect_uris") public var postLogoutRedirectURIList: String
    @OptionalField(key: "backchannel_logout_uri") public var backchannelLogoutURI: String?
    @OptionalField(key: "initiate_login_uri") public var initiateLoginURI: String?
    @Field(key: "signing_algorithm") public var signingAlgorithm: String
    @Field(key: "access_token_seconds") public var accessTokenSeconds: Int
    @Field(key: "id_token_seconds") public var idTokenSeconds: Int
    @Field(key: "refresh_token_seconds") public var refreshTokenSeconds: Int
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "updated_at") public var updatedAt: Date

    public init() {}

    /// A client and its application as `ClientRegistry.find` reads them (the application's columns prefixed).
    convenience init(row: any SQLRow) throws {
        self.init()
        id = try row.decode(column: "id", as: UUID.self)
        $id.exists = true
        clientID = try row.decode(column: "client_id", as: String.self)
        name = try row.decode(column: "name", as: String.self)
        secretHash = try row.decode(column: "secret_hash", as: String?.self)
        requiresPKCE = try row.decode(column: "requires_pkce", as: Bool.self)
        redirectURIList = try row.decode(column: "redirect_uris", as: String.self)
        postLogoutRedirectURIList = try row.decode(column: "post_logout_redirect_uris", as: String.self)
        backchannelLogoutURI = try row.decode(column: "backchannel_logout_uri", as: String?.self)
        initiateLoginURI = try row.decode(column: "initiate_login_uri", as: String?.self)
        signingAlgorithm = try row.decode(column: "signing_algorithm", as: String.self)
        accessTokenSeconds = try row.decode(column: "access_token_seconds", as: Int.self)
        idTokenSeconds = try row.decode(column: "id_token_seconds", as: Int.self)
        refreshTokenSeconds = try row.decode(column: "refresh_token_seconds", as: Int.self)
        createdAt = try row.decode(column: "created_at", as: Date.self)
        updatedAt = try row.decode(column: "updated_at", as: Date.self)
        let application = BusinessApplication(
            id: try row.decode(column: "application_id", as: UUID.self),
            code: try row.decode(column: "application_code", as: String.self),
            name: try row.decode(column: "application_name", as: String.self),
            summary: try row.decode(column: "application_description", as: String.self),
            launchURL: try row.decode(column: "application_launch_url", as: String.self),
            accessMode: try row.decode(column: "application_access_mode", as: BusinessApplication.AccessMode.self),
            position: try row.decode(column: "application_position", as: Int.self),
            createdAt: try row.decode(column: "application_created_at", as: Date.self))
        application.isActive = try row.decode(column: "application_is_active", as: Bool.self)
        application.$id.exists = true
        $application.id = application.id!
        $application.value = application
    }

    public var isPublic: Bool { secretHash == nil }
    public var redirectURIs: [String] { redirectURIList.split(separator: "\n").map(String.init) }
    public var postLogoutRedirectURIs: [String] { postLogoutRedirectURIList.split(separator: "\n").map(String.init) }
}

/// A key the provider signs tokens with, shared by every instance. Published in the JWKS from its creation; signs
/// from `signsFrom`, so that relying parties have fetched it before they meet it.
public final class OIDCSigningKey: Model, @unchecked Sendable {
    public static let schema = "oidc_signing_keys"

    @ID(key: .id) public var id: UUID?
    @Field(key: "kid") public var kid: String
    @Field(key: "algorithm") public var algorithm: String
    @Field(key: "private_key_pem") public var privateKeyPEM: String
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "signs_from") public var signsFrom: Date

    public init() {}
}

/// An agent signed into an application through a client: what every token of one authorization code descends
/// from, revoked as a whole (a reused code or refresh token, a revoked right, an ended session).
public final class ApplicationSignIn: Model, @unchecked Sendable {
    public static let schema = "application_sign_ins"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "client_id") public var client: OIDCClient
    @Parent(key: "agent_id") public var agent: Agent
    @OptionalField(key: "session_id") public var sessionID: UUID?
    @Field(key: "scope") public var scope: String
    @Field(key: "auth_time") public var authTime: Date
    /// RFC 8176 methods, space-separated.
    @Field(key: "amr") public var amr: String
    @Field(key: "created_at") public var createdAt: Date
    /// When every refresh token of the sign-in ends: rotation never lengthens it.
    @Field(key: "expires_at") public var expiresAt: Date
    @OptionalField(key: "revoked_at") public var revokedAt: Date?

    public init() {}
}

/// A single-use authorization code, valid 60 seconds; only its SHA-256 is kept.
public final class OIDCAuthorizationCode: Model, @unchecked Sendable {
    public static let schema = "oidc_authorization_codes"

    @ID(key: .id) public var id: UUID?
    @Field(key: "code_hash") public var codeHash: String
    @Parent(key: "client_id") public var client: OIDCClient
    @Parent(key: "agent_id") public var agent: Agent
    @Field(key: "session_id") public var sessionID: UUID
    @Field(key: "redirect_uri") public var redirectURI: String
    @Field(key: "scope") public var scope: String
    @OptionalField(key: "nonce") public var nonce: String?
    /// The S256 challenge, when PKCE was used.
    @OptionalField(key: "code_challenge") public var codeChallenge: String?
    @Field(key: "auth_time") public var authTime: Date
    @Field(key: "amr") public var amr: String
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "expires_at") public var expiresAt: Date
    @OptionalField(key: "used_at") public var usedAt: Date?
    /// The sign-in its exchange opened: revoked if the code comes back.
    @OptionalField(key: "sign_in_id") public var signInID: UUID?
    /// When it came back after its exchange: an exchange still writing its tokens then gives them up.
    @OptionalField(key: "replayed_at") public var replayedAt: Date?

    public init() {}
}

/// A refresh token, rotated at each use; only its SHA-256 is kept. A used one that comes back revokes its sign-in.
public final class OIDCRefreshToken: Model, @unchecked Sendable {
    public static let schema = "oidc_refresh_tokens"

    @ID(key: .id) public var id: UUID?
    @Field(key: "token_hash") public var tokenHash: String
    @Parent(key: "sign_in_id") public var signIn: ApplicationSignIn
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "expires_at") public var expiresAt: Date
    @OptionalField(key: "used_at") public var usedAt: Date?

    public init() {}
}

/// A back-channel logout (OpenID Connect Back-Channel Logout 1.0) waiting for its client, sent once per sign-in;
/// the logout token is signed at each attempt, so that it is always fresh.
public final class BackchannelLogout: Model, @unchecked Sendable {
    public static let schema = "backchannel_logouts"

    /// Delivery state, as the mail outbox's.
    public enum Status: String, Codable, Sendable {
        case pending, sending, sent, failed
    }

    @ID(key: .id) public var id: UUID?
    @Parent(key: "client_id") public var client: OIDCClient
    @Field(key: "sign_in_id") public var signInID: UUID
    /// The `sub` of the tokens that sign-in received.
    @Field(key: "subject") public var subject: String
    @Field(key: "status") public var status: Status
    @Field(key: "attempts") public var attempts: Int
    @Field(key: "next_attempt_at") public var nextAttemptAt: Date
    @OptionalField(key: "claimed_at") public var claimedAt: Date?
    @OptionalField(key: "last_error") public var lastError: String?
    @Field(key: "created_at") public var createdAt: Date
    @OptionalField(key: "sent_at") public var sentAt: Date?

    public init() {}
}
