import Foundation
import Vapor

/// How a client proves itself at the token endpoint (RFC 6749 §2.3.1): `client_secret_basic`, `client_secret_post`,
/// or `none` for a public client. One method per request. Failures are counted per client and source, and a source
/// that spent the budget is refused even with the right secret until the window ends, audited once. Unlike a
/// password, a secret is checked with one SHA-256 and cannot be guessed (256 random bits), so the count is taken
/// after the check: a genuine client's calls write nothing, which the refresh rate needs on SQLite.
enum ClientAuthentication {
    /// Failed authentications of one client from one source: 20 per 15 minutes, then refused until the window ends.
    static let failures = Throttle.Limit(attempts: 20, window: 15 * 60)

    static func authenticate(
        _ req: Request, parameters: ProtocolParameters
    ) async throws
        -> Result<OIDCClient, OpenIDProvider.TokenError>
    {
        let clients = req.portal.clients
        let throttle = req.portal.throttle
        return try await authenticate(req, parameters: parameters) { clientID, secret, bucket in
            // The client and its source's failures in one statement: every token call asks both.
            let (found, failed) = try await clients.find(
                clientID, alongside: throttle.attempts(of: bucket, failures), as: Int.self, on: req.db)
            let accepted: OIDCClient?
            if let secret {
                accepted = found.flatMap { clients.accepts(secret, from: $0) ? $0 : nil }
            } else {
                accepted = found?.isPublic == true ? found : nil
            }
            return (accepted, throttle.isSpent(failed, failures))
        }
    }

    /// A machine client (client-credentials grant): always confidential.
    static func authenticateMachine(
        _ req: Request, parameters: ProtocolParameters
    ) async throws
        -> Result<MachineClient, OpenIDProvider.TokenError>
    {
        let clients = req.portal.machineClients
        let throttle = req.portal.throttle
        return try await authenticate(req, parameters: parameters) { clientID, secret, bucket in
            guard try await !throttle.isSpent(bucket, failures, on: req.db) else { return (nil, true) }
            guard let secret else { return (nil, false) }
            return (try await clients.authenticate(clientID: clientID, secret: secret, on: req.db), false)
        }
    }

    /// The method, the throttle and the audit, whatever kind of client `find` looks up (nil secret: `none`). `find`
    /// also tells whether the throttle's `bucket` spent its budget: a spent source is refused even with the right
    /// secret.
    private static func authenticate<Client>(
        _ req: Request, parameters: ProtocolParameters,
        find: (_ clientID: String, _ secret: String?, _ bucket: String) async throws -> (client: Client?, spent: Bool)
    ) async throws
        -> Result<Client, OpenIDProvider.TokenError>
    {
        let invalidClient = OpenIDProvider.TokenError(
            error: "invalid_client", description: "client authentication failed", status: .unauthorized)
        let basic = basicCredentials(req)
        if req.headers[.authorization].first != nil, basic == nil { return .failure(invalidClient) }
        let postedSecret = parameters["client_secret"]
        if basic != nil, postedSecret != nil || parameters.repeated.contains("client_id") {
            return .failure(.init(error: "invalid_request", description: "use one client authentication method"))
        }
        if let basic, let postedID = parameters["client_id"], postedID != basic.id {
            return .failure(.init(error: "invalid_request", description: "client_id differs from the credentials"))
        }
        guard let clientID = basic?.id ?? parameters["client_id"], clientID.utf8.count <= 200 else {
            return .failure(invalidClient)
        }
        let secret = basic?.secret ?? postedSecret
        let services = req.portal
        let key = "oidc_client:\(clientID)|\(req.clientIP ?? "unknown")"
        let (found, spent) = try await find(clientID, secret, key)
        if spent {
            // Held: counted, so that the hold is audited once per window.
            if case .refused(_, true) = try await services.throttle.reserve(key, failures, on: req.db) {
                try await services.audit.record(
                    .oidcClientAuthenticationFailed, outcome: "refused", by: req.auditContext,
                    target: ("oidc_client", clientID), details: ["reason": "throttled"], on: req.db)
            }
            return .failure(invalidClient)
        }
        guard let client = found else {
            // Each failure within the budget is audited; past it, parallel failures were checked already.
            if try await services.throttle.reserve(key, failures, on: req.db) == .allowed {
                try await services.audit.record(
                    .oidcClientAuthenticationFailed, outcome: "refused", by: req.auditContext,
                    target: ("oidc_client", clientID),
                    details: ["reason": secret == nil ? "no_secret" : "wrong_secret"],
                    on: req.db)
            }
            return .failure(invalidClient)
        }
        return .success(client)
    }

    /// The client id a request names, by either method, without checking anything.
    static func claimedClientID(_ req: Request, _ parameters: ProtocolParameters) -> String? {
        basicCredentials(req)?.id ?? parameters["client_id"]
    }

    /// `Authorization: Basic` with the form-encoded id and secret (RFC 6749 §2.3.1), or nil.
    private static func basicCredentials(_ req: Request) -> (id: String, secret: String)? {
        guard let header = req.headers[.authorization].first, header.lowercased().hasPrefix("basic "),
            let data = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
            let decoded = String(data: data, encoding: .utf8)
        else { return nil }
        let parts = decoded.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2,
            let id = ProtocolParameters.decode(parts[0]),
            let secret = ProtocolParameters.decode(parts[1]),
            !id.isEmpty
        else { return nil }
        return (id, secret)
    }
}
