import Fluent
import Foundation
import SQLKit
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

    /// The one rule of a live session, for `resume`, the list of open sessions and the purge: used since
    /// `lastSeen` and opened since `created`.
    static func liveSince(_ now: Date) -> (lastSeen: Date, created: Date) {
        (now.addingTimeInterval(-idleTimeout), now.addingTimeInterval(-absoluteTimeout))
    }

    /// Opens a new session for the agent and returns the cookie token (never stored in clear). `amr` says how the
    /// agent proved who it is (RFC 8176), for the applications it signs into.
    public func open(
        for agentID: UUID, ip: String?, amr: String = "pwd", on database: any Database
    ) async throws -> String {
        let token = SecureToken.generate()
        let session = UserSession(
            tokenHash: SecureToken.hash(token), agentID: agentID, csrfToken: SecureToken.generate(),
            createdAt: clock.now, ip: ip, amr: amr)
        try await session.create(on: database)
        return token
    }

    /// The live session behind a cookie token, with its agent, unread count, designations and whether a second
    /// factor is on, or nil; an expired session is deleted. One statement on the hot path (a second one only for
    /// correspondents): every page pays it.
    public func resume(token: String, on database: any Database) async throws -> ResumedSession? {
        guard
            let row = try await (database as! any SQLDatabase).prepared(
                """
                SELECT a.*, s.id AS session_id, s.csrf_token AS session_csrf_token,
                    s.created_at AS session_created_at, s.last_seen_at AS session_last_seen_at,
                    s.ip AS session_ip, s.amr AS session_amr,
                    (SELECT COUNT(*) FROM (
                        SELECT 1 FROM notifications n WHERE n.agent_id = s.agent_id AND n.read_at IS NULL
                        LIMIT \(literal: CurrentUser.unreadCountBound)) unread) AS unread_count,
                    (SELECT COUNT(*) FROM correspondents c WHERE c.agent_id = s.agent_id)
                        + (SELECT COUNT(*) FROM absences ab WHERE ab.deputy_id = s.agent_id
                            AND ab.ends_at > \(bind: clock.now) AND ab.starts_at <= \(bind: clock.now))
                        AS designation_count,
                    (SELECT COUNT(*) FROM second_factors f WHERE f.agent_id = s.agent_id AND f.confirmed_at IS NOT NULL)
                        AS second_factor_count
                FROM user_sessions s
                JOIN agents a ON a.id = s.agent_id
                WHERE s.token_hash = \(bind: SecureToken.hash(token))
                """
            ).first()
        else { return nil }
        let agent = try row.decode(listed: Agent.self)
        let session = UserSession(
            tokenHash: SecureToken.hash(token), agentID: agent.id!,
            csrfToken: try row.decode(column: "session_csrf_token", as: String.self),
            createdAt: try row.decode(column: "session_created_at", as: Date.self),
            ip: try row.decode(column: "session_ip", as: String?.self),
            amr: try row.decode(column: "session_amr", as: String.self))
        session.id = try row.decode(column: "session_id", as: UUID.self)
        session.lastSeenAt = try row.decode(column: "session_last_seen_at", as: Date.self)
        session.$id.exists = true
        session.$agent.value = agent
        let now = clock.now
        let live = Self.liveSince(now)
        let expired =
            session.lastSeenAt < live.lastSeen || session.createdAt < live.created
            || agent.status != Agent.Status.active
        if expired {
            try await session.delete(on: database)
            return ResumedSession(
                session: session, expired: true, unreadNotifications: 0, designations: [], hasSecondFactor: false)
        }
        if now.timeIntervalSince(session.lastSeenAt) > Self.touchInterval {
            session.lastSeenAt = now
            try await session.update(on: database)
        }
        let designations =
            try row.decode(column: "designation_count", as: Int.self) == 0
            ? []
            : try await Authorization.designations(of: agent.id!, at: now, on: database)
        return ResumedSession(
            session: session, expired: false,
            unreadNotifications: try row.decode(column: "unread_count", as: Int.self), designations: designations,
            hasSecondFactor: try row.decode(column: "second_factor_count", as: Int.self) > 0)
    }

    /// When a session ends if nothing happens: after 30 minutes without a request, or 12 hours after sign-in,
    /// whichever comes first. Only the first can be pushed back.
    public func deadline(of session: UserSession) -> SessionDeadline {
        let idleEnd = session.lastSeenAt.addingTimeInterval(Self.idleTimeout)
        let absoluteEnd = session.createdAt.addingTimeInterval(Self.absoluteTimeout)
        return SessionDeadline(
            secondsLeft: max(0, Int(min(idleEnd, absoluteEnd).timeIntervalSince(clock.now).rounded(.down))),
            canBeExtended: idleEnd < absoluteEnd)
    }

    /// "Rester connecté": counts the idle limit from now, whatever the last write of `last_seen_at`.
    public func extend(_ session: UserSession, on database: any Database) async throws -> SessionDeadline {
        session.lastSeenAt = clock.now
        try await session.update(on: database)
        return deadline(of: session)
    }

    /// Ends one session, and the applications' sign-ins it opened.
    public func close(_ session: UserSession, on database: any Database) async throws {
        try await session.delete(on: database)
        try await SingleSignOut(clock: clock).end(.sessions([session.id!]), on: database)
    }

    /// The open sessions of an agent, last used first. An expired session stays in the table until the sweep or its
    /// next request deletes it, and is not open.
    public func sessions(of agentID: UUID, on database: any Database) async throws -> [UserSession] {
        let live = Self.liveSince(clock.now)
        return try await UserSession.query(on: database).filter(\.$agent.$id == agentID)
            .filter(\.$lastSeenAt >= live.lastSeen).filter(\.$createdAt >= live.created)
            .sort(\.$lastSeenAt, .descending).all()
    }

    /// Sessions deleted per transaction by `purgeExpired`.
    static let purgeBatchSize = 10_000

    /// Deletes the sessions past their idle or absolute limit, 10,000 per transaction, each recorded as expired;
    /// returns how many. Most are never resumed (a browser drops the cookie when it closes), so without this they
    /// would stay in the table for ever. Safe when several instances purge at once: each records what it deleted.
    public func purgeExpired(at instant: Date, audit: AuditLog, on database: any Database) async throws -> Int {
        try await database.deleteInRounds(of: Self.purgeBatchSize) { transaction in
            let sql = transaction as! any SQLDatabase
            let live = Self.liveSince(instant)
            let ids = try await sql.select().column("id").from(UserSession.schema)
                .where("last_seen_at", .lessThan, live.lastSeen).orWhere("created_at", .lessThan, live.created)
                .limit(Self.purgeBatchSize).all().map { try $0.decode(column: "id", as: UUID.self) }
            guard !ids.isEmpty else { return (0, 0) }
            let ended = try await sql.delete(from: UserSession.schema).where(SQLIDList("id", in: ids))
                .returning("id", "agent_id").all()
            if !ended.isEmpty {
                try await audit.recordAll(
                    try ended.map { row in
                        AuditLog.Entry(
                            action: .sessionExpired,
                            target: ("agent", try row.decode(column: "agent_id", as: UUID.self).uuidString),
                            organisationID: nil,
                            details: ["session": try row.decode(column: "id", as: UUID.self).uuidString])
                    }, by: .system, on: transaction)
            }
            return (ids.count, ended.count)
        }
    }

    /// Ends the session `id` if it is one of `agentID`'s; tells whether it was.
    public func close(_ id: UUID, of agentID: UUID, on database: any Database) async throws -> Bool {
        try await ended(
            (database as! any SQLDatabase).delete(from: UserSession.schema)
                .where("id", .equal, id).where("agent_id", .equal, agentID), on: database) > 0
    }

    /// Ends every session of an agent but `kept`; returns how many.
    public func closeOthers(of agentID: UUID, keeping kept: UUID, on database: any Database) async throws -> Int {
        try await ended(
            (database as! any SQLDatabase).delete(from: UserSession.schema)
                .where("agent_id", .equal, agentID).where("id", .notEqual, kept), on: database)
    }

    /// Ends every session of an agent, e.g. after a password reset or when an administrator disables the account or
    /// ends its sessions; returns how many.
    @discardableResult
    public func closeAll(of agentID: UUID, on database: any Database) async throws -> Int {
        try await ended(
            (database as! any SQLDatabase).delete(from: UserSession.schema).where("agent_id", .equal, agentID),
            on: database)
    }

    /// Runs a deletion of sessions and ends the applications' sign-ins they opened; returns how many ended.
    private func ended(_ deletion: SQLDeleteBuilder, on database: any Database) async throws -> Int {
        let ids = try await deletion.returning("id").all().map { try $0.decode(column: "id", as: UUID.self) }
        try await SingleSignOut(clock: clock).end(.sessions(ids), on: database)
        return ids.count
    }

    /// The session cookie: HttpOnly, SameSite=Lax, Path=/, no Domain; Secure with the `__Host-` prefix over https.
    /// Without `maxAge` it lasts as long as the browser runs.
    public func cookie(_ token: String, maxAge: Int? = nil) -> HTTPCookies.Value {
        HTTPCookies.Value(
            string: token, maxAge: maxAge, path: "/", isSecure: secureCookies, isHTTPOnly: true, sameSite: .lax)
    }

    /// A cookie that makes the browser forget the session.
    public var expiredCookie: HTTPCookies.Value {
        HTTPCookies.Value(
            string: "", expires: Date(timeIntervalSince1970: 0), maxAge: 0, path: "/", isSecure: secureCookies,
            isHTTPOnly: true, sameSite: .lax)
    }
}

/// A session found by its cookie, with what every page shows of its agent.
public struct ResumedSession: Sendable {
    public let session: UserSession
    public let expired: Bool
    /// Unread notifications, counted up to `CurrentUser.unreadCountBound`.
    public let unreadNotifications: Int
    /// The organismes the agent is a correspondent of, with their applications.
    public let designations: [Authorization.Designation]
    /// Whether the agent has confirmed a second factor (checked where it is required).
    public let hasSecondFactor: Bool
}

/// The time a session has left, told to the page so that it can warn before the end (RGAA 13.1, WCAG 2.2.1).
public struct SessionDeadline: Sendable, Encodable {
    public let secondsLeft: Int
    /// False when the 12-hour limit comes before the idle limit: then nothing can push it back.
    public let canBeExtended: Bool
}

/// Loads the signed-in person from the session cookie for every request. Future-based: a request without a session
/// pays for no task, and one with a session resumes it in a task on its own event loop, where its database
/// connection answers (the lookup is one short statement; Vapor would run an `AsyncMiddleware` on Swift's threads,
/// a thread hop each way).
struct SessionMiddleware: Middleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        let store = request.application.portal.sessions
        guard let token = request.cookies[store.cookieName]?.string, !token.isEmpty else {
            return next.respond(to: request)
        }
        return request.eventLoop.makeFutureWithTaskOnTheLoop { try await resume(token, of: request) }
            .flatMap { sessionEnded in
                next.respond(to: request).map { response in
                    if sessionEnded, response.cookies[store.cookieName] == nil {
                        response.cookies[store.cookieName] = store.expiredCookie
                    }
                    return response
                }
            }
    }

    /// Sets the request's signed-in person from the session behind `token`; tells whether that session has ended
    /// (unknown or expired), so that the browser forgets its cookie.
    private func resume(_ token: String, of request: Request) async throws -> Bool {
        guard let resumed = try await request.application.portal.sessions.resume(token: token, on: request.db)
        else { return true }
        let session = resumed.session
        if resumed.expired {
            try await request.application.portal.audit.record(
                .sessionExpired, by: AuditContext(actorID: session.$agent.id, ip: request.clientIP), on: request.db)
            return true
        }
        request.currentUser = CurrentUser(
            agent: session.agent, session: session, designations: resumed.designations,
            unreadNotifications: resumed.unreadNotifications, hasSecondFactor: resumed.hasSecondFactor)
        return false
    }
}
