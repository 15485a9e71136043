import Fluent
import Foundation
import Vapor

/// Server-side sessions in the database: created only at sign-in, renewed id every time, idle and absolute limits.
public struct SessionStore: Sendable {
    /// A session unused for 30 minutes ends (ASVS 4.0.3 3.3.2).
    public static let idleTimeout: TimeInterval = 30 * 60
    /// A session ends 12 hours after sign-in whatever happens.
    public static let absoluteTimeout: TimeInterval = 12 * 60 * 60
    /// `last_seen_at` is written at most once a minute, not on every request.
    static let touchInterval: TimeInterval = 60

    let clock: any Clock
    let secureCookies: Bool

    var cookieName: String { secureCookies ? "__Host-habilis_session" : "habilis_session" }

    /// Opens a new session for the agent and returns the cookie token (never stored in clear).
    public func open(for agentID: UUID, ip: String?, on database: any Database) async throws -> String {
        let token = SecureToken.generate()
        let session = UserSession(
            tokenHash: SecureToken.hash(token), agentID: agentID, csrfToken: SecureToken.generate(),
            createdAt: clock.now, ip: ip)
        try await session.create(on: database)
        return token
    }

    /// The live session behind a cookie token with its agent, or nil; an expired session is deleted.
    public func resume(token: String, on database: any Database) async throws -> (UserSession, expired: Bool)? {
        guard
            let session = try await UserSession.query(on: database)
                .filter(\.$tokenHash == SecureToken.hash(token))
                .with(\.$agent)
                .first()
        else { return nil }
        let now = clock.now
        let expired =
            now.timeIntervalSince(session.lastSeenAt) > Self.idleTimeout
            || now.timeIntervalSince(session.createdAt) > Self.absoluteTimeout
            || session.agent.status != .active
        if expired {
            try await session.delete(on: database)
            return (session, true)
        }
        if now.timeIntervalSince(session.lastSeenAt) > Self.touchInterval {
            session.lastSeenAt = now
            try await session.update(on: database)
        }
        return (session, false)
    }

    /// Ends one session.
    public func close(_ session: UserSession, on database: any Database) async throws {
        try await session.delete(on: database)
    }

    /// Ends every session of an agent, e.g. after a password reset.
    public func closeAll(of agentID: UUID, on database: any Database) async throws {
        try await UserSession.query(on: database).filter(\.$agent.$id == agentID).delete()
    }

    /// The session cookie: HttpOnly, SameSite=Lax, Path=/, no Domain; Secure with the `__Host-` prefix over https.
    public func cookie(_ token: String) -> HTTPCookies.Value {
        HTTPCookies.Value(
            string: token, path: "/", isSecure: secureCookies, isHTTPOnly: true, sameSite: .lax)
    }

    /// A cookie that makes the browser forget the session.
    public var expiredCookie: HTTPCookies.Value {
        HTTPCookies.Value(
            string: "", expires: Date(timeIntervalSince1970: 0), maxAge: 0, path: "/", isSecure: secureCookies,
            isHTTPOnly: true, sameSite: .lax)
    }
}

/// Loads the signed-in person from the session cookie for every request.
struct SessionMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let store = request.application.portal.sessions
        var sessionEnded = false
        if let token = request.cookies[store.cookieName]?.string, !token.isEmpty {
            if let (session, expired) = try await store.resume(token: token, on: request.db) {
                if expired {
                    sessionEnded = true
                    try await request.application.portal.audit.record(
                        .sessionExpired, by: AuditContext(actorID: session.$agent.id, ip: request.clientIP),
                        on: request.db)
                } else {
                    let scopes = try await Correspondent.query(on: request.db)
                        .filter(\.$agent.$id == session.$agent.id)
                        .all(\.$organisation.$id)
                    let unread = try await Notification.query(on: request.db)
                        .filter(\.$agent.$id == session.$agent.id)
                        .filter(\.$readAt == nil)
                        .count()
                    request.currentUser = CurrentUser(
                        agent: session.agent, session: session, correspondentOrganisationIDs: scopes,
                        unreadNotifications: unread)
                }
            } else {
                sessionEnded = true
            }
        }
        let response = try await next.respond(to: request)
        if sessionEnded, response.cookies[store.cookieName] == nil {
            response.cookies[store.cookieName] = store.expiredCookie
        }
        return response
    }
}
