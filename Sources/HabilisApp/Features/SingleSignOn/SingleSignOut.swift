import Fluent
import Foundation
import JWTKit
import NIOCore
import SQLKit
import Vapor

/// Ends the sign-ins of agents into applications when what they stood on ends: a portal session (sign-out,
/// « Mes sessions », an administrator), a right, an account. Their refresh tokens die with them; each client
/// with a back-channel logout URI is told through a queue of its own (OpenID Connect Back-Channel Logout 1.0),
/// written in the same transaction, delivered with retries, once.
public struct SingleSignOut: Sendable {
    /// What ended.
    enum Scope: Sendable {
        case sessions([UUID])
        case agent(UUID)
        case agentOnApplication(agentID: UUID, applicationID: UUID)
    }

    /// A delivery claimed longer ago than this belongs to an instance that died; it is claimed again.
    static let staleClaim: TimeInterval = 5 * 60

    let clock: any Clock

    /// Revokes the live sign-ins of `scope` and queues their logout tokens; returns how many ended.
    @discardableResult
    func end(_ scope: Scope, on database: any Database) async throws -> Int {
        let sql = database as! any SQLDatabase
        let now = clock.now
        let condition: SQLQueryString
        switch scope {
        case .sessions(let ids):
            guard !ids.isEmpty else { return 0 }
            condition = "\(SQLIDList("session_id", in: ids))"
        case .agent(let agentID):
            condition = "agent_id = \(bind: agentID)"
        case .agentOnApplication(let agentID, let applicationID):
            condition =
                "agent_id = \(bind: agentID) AND client_id IN (SELECT id FROM oidc_clients WHERE application_id = \(bind: applicationID))"
        }
        let ended = try await sql.raw(
            """
            UPDATE application_sign_ins SET revoked_at = \(bind: now)
            WHERE \(condition) AND revoked_at IS NULL
            RETURNING id, client_id, agent_id
            """
        ).all()
        guard !ended.isEmpty else { return 0 }
        let clientIDs = Set(try ended.map { try $0.decode(column: "client_id", as: UUID.self) })
        let listening = Set(
            try await OIDCClient.query(on: database).filter(\.$id ~~ clientIDs).filter(\.$backchannelLogoutURI != nil)
                .all(\.$id))
        for row in ended {
            let clientID = try row.decode(column: "client_id", as: UUID.self)
            guard listening.contains(clientID) else { continue }
            let logout = BackchannelLogout()
            logout.$client.id = clientID
            logout.signInID = try row.decode(column: "id", as: UUID.self)
            logout.subject = try row.decode(column: "agent_id", as: UUID.self).uuidString.lowercased()
            logout.status = .pending
            logout.attempts = 0
            logout.nextAttemptAt = now
            logout.createdAt = now
            try await logout.create(on: database)
        }
        try await AuditLog(clock: clock).record(
            .oidcSignInRevoked, by: .system, details: ["count": String(ended.count)], on: database)
        return ended.count
    }

    /// The names of the applications each session is signed into now, by session, in alphabetical order.
    static func applications(
        signedIntoBy sessionIDs: [UUID], on database: any Database
    ) async throws
        -> [UUID: [String]]
    {
        guard !sessionIDs.isEmpty else { return [:] }
        let rows = try await (database as! any SQLDatabase).raw(
            """
            SELECT DISTINCT s.session_id, ap.name
            FROM application_sign_ins s
            JOIN oidc_clients c ON c.id = s.client_id
            JOIN applications ap ON ap.id = c.application_id
            WHERE \(SQLIDList(SQLColumn("session_id", table: "s"), in: sessionIDs)) AND s.revoked_at IS NULL
            ORDER BY ap.name
            """
        ).all()
        return try Dictionary(grouping: rows) { try $0.decode(column: "session_id", as: UUID.self) }
            .mapValues { try $0.map { try $0.decode(column: "name", as: String.self) } }
    }

    /// Posts every due logout token (exponential backoff on failure) and returns how many were accepted. Safe when
    /// several instances run it at once: each row is claimed with a conditional update. A client gets `timeout` to
    /// answer (the HTTP client keeps trying to connect until then).
    @discardableResult
    func deliverDue(
        with http: any Client, keys: SigningKeys, issuer: String, on database: any Database, batchSize: Int = 50,
        timeout: TimeAmount = .seconds(10)
    ) async throws -> Int {
        let now = clock.now
        let due = try await BackchannelLogout.query(on: database)
            .group(.or) { group in
                group.group(.and) { $0.filter(\.$status == .pending).filter(\.$nextAttemptAt <= now) }
                group.group(.and) {
                    $0.filter(\.$status == .sending).filter(\.$claimedAt < now.addingTimeInterval(-Self.staleClaim))
                }
            }
            .with(\.$client).sort(\.$createdAt).limit(batchSize).all()
        var delivered = 0
        for logout in due where try await claim(logout, now: now, on: database) {
            if try await deliver(logout, with: http, keys: keys, issuer: issuer, timeout: timeout, on: database) {
                delivered += 1
            }
        }
        return delivered
    }

    private func claim(_ logout: BackchannelLogout, now: Date, on database: any Database) async throws -> Bool {
        !(try await (database as! any SQLDatabase).update(BackchannelLogout.schema)
            .set("status", to: BackchannelLogout.Status.sending.rawValue).set("claimed_at", to: now)
            .where("id", .equal, logout.id!).where("status", .equal, logout.status.rawValue)
            .returning("id").all()).isEmpty
    }

    private func deliver(
        _ logout: BackchannelLogout, with http: any Client, keys: SigningKeys, issuer: String, timeout: TimeAmount,
        on database: any Database
    ) async throws -> Bool {
        let sql = database as! any SQLDatabase
        let attempts = logout.attempts + 1
        do {
            guard let uri = logout.client.backchannelLogoutURI else { throw Abort(.gone) }
            let now = Int(clock.now.timeIntervalSince1970)
            let claims = LogoutTokenClaims(
                iss: issuer, aud: logout.client.clientID, iat: now, exp: now + 120, jti: SecureToken.generate(),
                sub: logout.subject, sid: logout.signInID.uuidString.lowercased(),
                events: [LogoutTokenClaims.backchannelLogoutEvent: [:]])
            let token = try await keys.sign(
                claims, with: SigningKeys.Algorithm(rawValue: logout.client.signingAlgorithm) ?? .rs256,
                type: "logout+jwt", on: database)
            let response = try await http.post(URI(string: uri)) { request in
                request.timeout = timeout
                request.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
                try request.content.encode(["logout_token": token], as: .urlEncodedForm)
            }
            guard (200..<300).contains(response.status.code) else {
                throw Abort(.badGateway, reason: "the client answered \(response.status.code)")
            }
            try await sql.update(BackchannelLogout.schema)
                .set("status", to: BackchannelLogout.Status.sent.rawValue).set("sent_at", to: clock.now)
                .set("attempts", to: attempts).where("id", .equal, logout.id!).run()
            return true
        } catch {
            let delay = RetrySchedule.delay(afterAttempts: attempts)
            let status: BackchannelLogout.Status = RetrySchedule.givesUp(after: attempts) ? .failed : .pending
            try await sql.update(BackchannelLogout.schema)
                .set("status", to: status.rawValue).set("attempts", to: attempts)
                .set("next_attempt_at", to: clock.now.addingTimeInterval(delay))
                .set("last_error", to: String(String(describing: error).prefix(500)))
                .where("id", .equal, logout.id!).run()
            return false
        }
    }
}

/// The logout token (Back-Channel Logout 1.0 §2.4): who and which sign-in, never a nonce.
struct LogoutTokenClaims: JWTPayload {
    static let backchannelLogoutEvent = "http://schemas.openid.net/event/backchannel-logout"

    let iss: String
    let aud: String
    let iat: Int
    let exp: Int
    let jti: String
    let sub: String
    let sid: String
    let events: [String: [String: String]]

    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
