import Fluent
import Vapor

/// "Mes informations" › "Mes sessions": where and when the person is signed in, and ending a session left open on
/// another computer, or all of them but this one. Signed-in agents, about themselves only.
struct MySessionsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(Paths.mySessions.pathComponents, use: index)
        routes.post(Paths.endMyOtherSessions.pathComponents, use: endOthers)
        routes.post(Paths.endMySession.pathComponents, use: end)
        routes.post(Paths.extendMySession.pathComponents, use: extend)
    }

    /// "Rester connecté", from the warning every page shows before the session ends: 204, so that the page stays
    /// as it is (with or without JavaScript), with the new time left for the page's timer.
    func extend(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let deadline = try await req.portal.sessions.extend(user.session, on: req.db)
        let response = Response(status: .noContent)
        response.headers.replaceOrAdd(name: "X-Session-Seconds-Left", value: String(deadline.secondsLeft))
        return response
    }

    /// The open sessions, this one first among equals, with a button to end each of the others.
    func index(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let sessions = try await req.portal.sessions.sessions(of: user.id, on: req.db)
        let applications = try await SingleSignOut.applications(signedIntoBy: sessions.compactMap(\.id), on: req.db)
        let notice: String? =
            switch req.query[String.self, at: "fermees"].flatMap(Int.init) {
            case .none: nil
            case 0: "Aucune autre session n’était ouverte."
            case 1: "Une session a été fermée."
            case let count?: "\(count) sessions ont été fermées."
            }
        let page = MySessionsPage(
            frame: PageFrame(req, title: "Mes sessions", notice: notice),
            rows: sessions.map { session in
                MySessionsPage.Row(
                    openedAt: ParisCalendar.longDateTime(session.createdAt),
                    lastSeenAt: ParisCalendar.longDateTime(session.lastSeenAt),
                    ip: session.ip ?? "inconnue", isCurrent: session.id == user.session.id,
                    applications: applications[session.id!]?.joined(separator: ", ") ?? "aucune",
                    endURL: Paths.endMySession(session.id!))
            },
            endOthersURL: Paths.endMyOtherSessions)
        return req.page(page)
    }

    /// "Fermer cette session": one of mine, not this one (signing out ends this one).
    func end(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)), id != user.session.id else {
            throw Abort(.notFound)
        }
        let sessions = req.portal.sessions
        let audit = req.portal.audit
        let context = req.auditContext
        let ended = try await req.db.atomically { database in
            guard try await sessions.close(id, of: user.id, on: database) else { return false }
            try await audit.record(.sessionEnded, by: context, target: ("agent", user.id.uuidString), on: database)
            return true
        }
        // Someone else's session, or one already ended (from another tab): the list, the same answer for both, so
        // that ids cannot be probed.
        return req.redirect(to: Paths.mySessions + (ended ? "?fermees=1" : ""))
    }

    /// "Fermer toutes mes autres sessions".
    func endOthers(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let sessions = req.portal.sessions
        let audit = req.portal.audit
        let context = req.auditContext
        let count = try await req.db.atomically { database in
            let count = try await sessions.closeOthers(of: user.id, keeping: user.session.id!, on: database)
            if count > 0 {
                try await audit.record(
                    .otherSessionsEnded, by: context, target: ("agent", user.id.uuidString),
                    details: ["count": String(count)], on: database)
            }
            return count
        }
        return req.redirect(to: Paths.mySessions + "?fermees=\(count)")
    }
}

/// "Mes sessions".
struct MySessionsPage {
    /// One open session.
    struct Row {
        let openedAt: String
        let lastSeenAt: String
        let ip: String
        let isCurrent: Bool
        /// The applications this session signed into (single sign-on), still signed in.
        let applications: String
        let endURL: String
    }

    let frame: PageFrame
    let rows: [Row]
    let endOthersURL: String
}
