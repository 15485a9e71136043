import Foundation
import JWTKit
import SQLKit

/// What a token says about the agent, by scope; the same in the ID token, userinfo and introspection. `roles` are
/// the agent's rights on this client's application only (never another application's).
struct IdentityClaims: Codable, Sendable, Equatable {
    var sub: String
    var email: String?
    var emailVerified: Bool?
    var givenName: String?
    var familyName: String?
    var name: String?
    var organisation: OrganisationClaim?
    var roles: [String]

    private enum CodingKeys: String, CodingKey {
        case sub, email
        case emailVerified = "email_verified"
        case givenName = "given_name"
        case familyName = "family_name"
        case name
        case organisation = "habilis_organisation"
        case roles
    }

    struct OrganisationClaim: Codable, Sendable, Equatable {
        let code: String
        let name: String
    }

    /// The claims the scopes grant.
    init(agent: AgentIdentity, roles: [String], scopes: [String]) {
        sub = agent.id.uuidString.lowercased()
        if scopes.contains("email") {
            email = agent.email
            // The login address was proven by a mailed link before the account was opened.
            emailVerified = true
        }
        if scopes.contains("profile") {
            givenName = agent.firstName
            familyName = agent.lastName
            name = "\(agent.firstName) \(agent.lastName)"
        }
        if scopes.contains("organisation") {
            self.organisation = OrganisationClaim(code: agent.organisationCode, name: agent.organisationName)
        }
        self.roles = roles
    }
}

/// What the tokens say of an agent, read with the door (`OpenIDProvider.door`).
struct AgentIdentity: Sendable, Equatable {
    let id: UUID
    let email: String
    let firstName: String
    let lastName: String
    let organisationCode: String
    let organisationName: String

    init(id: UUID, row: any SQLRow) throws {
        self.id = id
        email = try row.decode(column: "email", as: String.self)
        firstName = try row.decode(column: "first_name", as: String.self)
        lastName = try row.decode(column: "last_name", as: String.self)
        organisationCode = try row.decode(column: "organisation_code", as: String.self)
        organisationName = try row.decode(column: "organisation_name", as: String.self)
    }
}

/// The ID token (OIDC Core §2): who signed in, when and how, for which client.
struct IDTokenClaims: JWTPayload, Equatable {
    var iss: String
    var aud: String
    var azp: String
    var exp: Int
    var iat: Int
    var authTime: Int
    var nonce: String?
    var amr: [String]
    var sid: String
    var identity: IdentityClaims

    private enum CodingKeys: String, CodingKey {
        case iss, aud, azp, exp, iat
        case authTime = "auth_time"
        case nonce, amr, sid
    }

    init(
        iss: String, aud: String, exp: Int, iat: Int, authTime: Int, nonce: String?, amr: [String], sid: String,
        identity: IdentityClaims
    ) {
        self.iss = iss
        self.aud = aud
        azp = aud
        self.exp = exp
        self.iat = iat
        self.authTime = authTime
        self.nonce = nonce
        self.amr = amr
        self.sid = sid
        self.identity = identity
    }

    // The identity claims sit beside the others at the top level of the token.
    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        iss = try container.decode(String.self, forKey: .iss)
        aud = try container.decode(String.self, forKey: .aud)
        azp = try container.decode(String.self, forKey: .azp)
        exp = try container.decode(Int.self, forKey: .exp)
        iat = try container.decode(Int.self, forKey: .iat)
        authTime = try container.decode(Int.self, forKey: .authTime)
        nonce = try container.decodeIfPresent(String.self, forKey: .nonce)
        amr = try container.decode([String].self, forKey: .amr)
        sid = try container.decode(String.self, forKey: .sid)
        identity = try IdentityClaims(from: decoder)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(iss, forKey: .iss)
        try container.encode(aud, forKey: .aud)
        try container.encode(azp, forKey: .azp)
        try container.encode(exp, forKey: .exp)
        try container.encode(iat, forKey: .iat)
        try container.encode(authTime, forKey: .authTime)
        try container.encodeIfPresent(nonce, forKey: .nonce)
        try container.encode(amr, forKey: .amr)
        try container.encode(sid, forKey: .sid)
        try identity.encode(to: encoder)
    }

    /// Claims are checked by the provider itself (issuer, audience, expiry), where it reads a token.
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

/// The access token, a JWT as RFC 9068 profiles it (`typ` at+jwt): for the client's application only.
struct AccessTokenClaims: JWTPayload, Equatable {
    var iss: String
    var sub: String
    var aud: String
    var clientID: String
    var exp: Int
    var iat: Int
    var jti: String
    var scope: String
    var authTime: Int
    /// The application sign-in the token descends from: revoking it ends the token.
    var sid: String
    var roles: [String]

    private enum CodingKeys: String, CodingKey {
        case iss, sub, aud
        case clientID = "client_id"
        case exp, iat, jti, scope
        case authTime = "auth_time"
        case sid, roles
    }

    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
