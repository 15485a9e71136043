import Fluent
import Foundation
import Vapor

/// Revocation (RFC 7009) and introspection (RFC 7662) of the provider's tokens, for the client that holds them.
extension OpenIDProvider {
    /// RFC 7009: a refresh token revokes its whole sign-in, an access token the sign-in it descends from (access
    /// tokens are JWTs: what stops them is that userinfo and introspection check their sign-in). Tokens of other
    /// clients and unknown tokens are ignored, as the RFC asks: the answer is the same.
    func revoke(token: String, client: OIDCClient, ip: String?, on database: any Database) async throws {
        guard token.utf8.count <= 16_384 else { return }
        var signInID: UUID?
        if let refresh = try await OIDCRefreshToken.query(on: database).filter(\.$tokenHash == SecureToken.hash(token))
            .first()
        {
            signInID = refresh.$signIn.id
        } else if let access = try await keys.verify(token, as: AccessTokenClaims.self, on: database),
            access.iss == issuer
        {
            signInID = UUID(uuidString: access.sid)
        }
        guard let signInID,
            let signIn = try await ApplicationSignIn.find(signInID, on: database), signIn.$client.id == client.id,
            signIn.revokedAt == nil
        else { return }
        signIn.revokedAt = clock.now
        try await database.atomically { transaction in
            try await signIn.update(on: transaction)
            try await audit.record(
                .oidcTokenRevoked, by: AuditContext(actorID: signIn.$agent.id, ip: ip),
                target: ("oidc_client", client.clientID), details: ["sign_in": signInID.uuidString],
                on: transaction)
        }
    }

    /// RFC 7662 for the client's own tokens: active with its claims while the token is valid, its sign-in stands and
    /// the door is open; `{"active": false}` otherwise, whatever the reason.
    func introspect(token: String, client: OIDCClient, on database: any Database) async throws -> Introspection {
        let inactive = Introspection(active: false)
        guard token.utf8.count <= 16_384 else { return inactive }
        if let (identity, access) = try await identity(ofAccessToken: token, on: database) {
            guard access.clientID == client.clientID else { return inactive }
            return Introspection(
                active: true, scope: access.scope, clientID: access.clientID, tokenType: "Bearer", exp: access.exp,
                iat: access.iat, sub: access.sub, aud: access.aud, iss: access.iss, jti: access.jti,
                identity: identity)
        }
        let now = clock.now
        guard
            let refresh = try await OIDCRefreshToken.query(on: database)
                .filter(\.$tokenHash == SecureToken.hash(token)).with(\.$signIn).first(),
            refresh.usedAt == nil, refresh.expiresAt > now, refresh.signIn.revokedAt == nil,
            refresh.signIn.$client.id == client.id,
            case .open(let roles, let agent) = try await door(
                agentID: refresh.signIn.$agent.id, application: client.application, on: database)
        else { return inactive }
        let identity = IdentityClaims(agent: agent, roles: roles, scopes: refresh.signIn.scope.spaceSeparated)
        return Introspection(
            active: true, scope: refresh.signIn.scope, clientID: client.clientID, tokenType: "refresh_token",
            exp: Int(refresh.expiresAt.timeIntervalSince1970), iat: Int(refresh.createdAt.timeIntervalSince1970),
            sub: identity.sub, aud: client.clientID, iss: issuer, jti: nil, identity: identity)
    }

    /// The introspection answer (RFC 7662 §2.2), with the identity claims beside the others.
    struct Introspection: Encodable, Sendable {
        var active: Bool
        var scope: String?
        var clientID: String?
        var tokenType: String?
        var exp: Int?
        var iat: Int?
        var sub: String?
        var aud: String?
        var iss: String?
        var jti: String?
        var identity: IdentityClaims?

        private enum CodingKeys: String, CodingKey {
            case active, scope
            case clientID = "client_id"
            case tokenType = "token_type"
            case exp, iat, sub, aud, iss, jti
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(active, forKey: .active)
            try container.encodeIfPresent(scope, forKey: .scope)
            try container.encodeIfPresent(clientID, forKey: .clientID)
            try container.encodeIfPresent(tokenType, forKey: .tokenType)
            try container.encodeIfPresent(exp, forKey: .exp)
            try container.encodeIfPresent(iat, forKey: .iat)
            try container.encodeIfPresent(sub, forKey: .sub)
            try container.encodeIfPresent(aud, forKey: .aud)
            try container.encodeIfPresent(iss, forKey: .iss)
            try container.encodeIfPresent(jti, forKey: .jti)
            try identity?.encode(to: encoder)
        }
    }
}
