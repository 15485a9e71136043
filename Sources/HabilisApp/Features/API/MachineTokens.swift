import Fluent
import Foundation
import JWTKit

/// The access tokens of machine clients (client-credentials grant, RFC 6749 §4.4), JWTs as RFC 9068 profiles them:
/// audience the API (`<issuer>/api`), subject the client, its scopes. Short-lived; each call reads its client, so a
/// removed client or a withdrawn scope stops working at once.
struct MachineTokens: Sendable {
    let clock: any Clock
    let audit: AuditLog
    let keys: SigningKeys
    let registry: MachineClientRegistry
    let issuer: String

    var audience: String { issuer + "/api" }

    /// The successful answer of the grant: no refresh token (the client can always take another), no ID token.
    struct TokenResponse: Encodable, Equatable {
        let accessToken: String
        let tokenType: String
        let expiresIn: Int
        let scope: String

        private enum CodingKeys: String, CodingKey {
            case accessToken = "access_token"
            case tokenType = "token_type"
            case expiresIn = "expires_in"
            case scope
        }
    }

    /// The claims of a machine access token.
    struct Claims: JWTPayload, Equatable {
        var iss: String
        var sub: String
        var aud: String
        var clientID: String
        var exp: Int
        var iat: Int
        var jti: String
        var scope: String

        private enum CodingKeys: String, CodingKey {
            case iss, sub, aud
            case clientID = "client_id"
            case exp, iat, jti, scope
        }

        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    /// A token for the scopes asked (all the client's when none are), or `invalid_scope`.
    func issue(
        to client: MachineClient, scope requested: String?, ip: String?, on database: any Database
    ) async throws
        -> Result<TokenResponse, OpenIDProvider.TokenError>
    {
        let held = client.scopes.map(\.rawValue)
        let asked = requested.map { $0.split(separator: " ").map(String.init) } ?? held
        guard !asked.isEmpty, asked.allSatisfy(held.contains) else {
            return .failure(.init(error: "invalid_scope", description: "the client does not hold these scopes"))
        }
        let scope = held.filter(asked.contains).joined(separator: " ")
        let now = Int(clock.now.timeIntervalSince1970)
        let lifetime = MachineClientRegistry.accessTokenSeconds
        let claims = Claims(
            iss: issuer, sub: client.clientID, aud: audience, clientID: client.clientID, exp: now + lifetime, iat: now,
            jti: SecureToken.generate(), scope: scope)
        let token = try await keys.sign(claims, with: .rs256, type: "at+jwt", on: database)
        try await audit.record(
            .machineTokenIssued, by: AuditContext(actorID: client.id, ip: ip),
            target: ("machine_client", client.clientID), applicationID: client.$application.id,
            details: ["scope": scope], on: database)
        return .success(TokenResponse(accessToken: token, tokenType: "Bearer", expiresIn: lifetime, scope: scope))
    }

    /// The client and scopes of a valid, unexpired token for the API, or nil.
    func verify(_ token: String, on database: any Database) async throws -> (MachineClient, [MachineScope])? {
        guard let claims = try await keys.verify(token, as: Claims.self, on: database), claims.iss == issuer,
            claims.aud == audience, claims.exp > Int(clock.now.timeIntervalSince1970),
            let client = try await registry.find(claims.clientID, on: database)
        else { return nil }
        // A scope taken away since the token was issued is gone now.
        let scopes = claims.scope.split(separator: " ").compactMap { MachineScope(rawValue: String($0)) }
            .filter(client.scopes.contains)
        return (client, scopes)
    }
}
