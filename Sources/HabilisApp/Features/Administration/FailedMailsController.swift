import Fluent
import SQLKit
import Vapor

/// "Courriels en échec": the mails the dispatcher gave up on after its attempts (an address the mail server refuses,
/// a message it rejects), with the last error, newest first, and sending one again. Administrators only.
struct FailedMailsController: RouteCollection {
    static let perPage = 50

    func boot(routes: any RoutesBuilder) throws {
        let admin = routes.grouped(Paths.administration.pathComponents).grouped(AdministratorGuard())
        admin.get(Paths.adminFailedMails.pathComponents(under: Paths.administration), use: index)
        admin.post(Paths.adminRetryMail.pathComponents(under: Paths.administration), use: retry)
    }

    /// The failed mails, 50 a page, without their bodies.
    func index(req: Request) async throws -> Response {
        let query = OutboxMessage.query(on: req.db).filter(\.$status == .failed)
        let pagination = Pagination(
            page: Pagination.page(from: req), perPage: Self.perPage, total: try await query.countRows(),
            baseURL: Paths.adminFailedMails)
        let messages = try await query.copy()
            .field(\.$id).field(\.$recipient).field(\.$subject).field(\.$attempts).field(\.$lastError)
            .field(\.$createdAt)
            .sort(\.$createdAt, .descending).sort(\.$id)
            .range(pagination.offset..<(pagination.offset + Self.perPage)).all()
        // Back-channel logouts the applications never accepted: their sessions may outlive the agent's.
        let logouts = try await BackchannelLogout.query(on: req.db).filter(\.$status == .failed)
            .with(\.$client) { $0.with(\.$application) }.sort(\.$createdAt, .descending).limit(Self.perPage).all()
        let notice =
            req.query[String.self, at: "renvoye"] == "1"
            ? "Le courriel repart dans la file d’envoi : il sera envoyé dans les prochaines secondes." : nil
        return req.page(
            FailedMailsPage(
                frame: PageFrame(req, title: "Courriels en échec", notice: notice),
                rows: messages.map {
                    FailedMailsPage.Row(
                        recipient: $0.recipient, subject: $0.subject,
                        createdAt: ParisCalendar.longDateTime($0.createdAt),
                        attempts: $0.attempts, lastError: $0.lastError ?? "—", retryURL: Paths.adminRetryMail($0.id!))
                },
                pagination: pagination,
                failedLogouts: logouts.map {
                    FailedMailsPage.LogoutRow(
                        application: $0.client.application.name, client: $0.client.name,
                        uri: $0.client.backchannelLogoutURI ?? "—", createdAt: ParisCalendar.longDateTime($0.createdAt),
                        attempts: $0.attempts, lastError: $0.lastError ?? "—")
                }))
    }

    /// "Renvoyer": back in the outbox with fresh attempts, if it is still a failed mail.
    func retry(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)) else { throw Abort(.notFound) }
        let audit = req.portal.audit
        let context = req.auditContext
        let now = req.portal.clock.now
        let retried = try await req.db.atomically { database in
            let claimed = try await (database as! any SQLDatabase).update(OutboxMessage.schema)
                .set("status", to: OutboxMessage.Status.pending.rawValue)
                .set("attempts", to: 0)
                .set("next_attempt_at", to: now)
                .set("last_error", to: SQLLiteral.null)
                .where("id", .equal, id)
                .where("status", .equal, OutboxMessage.Status.failed.rawValue)
                .returning("id").all()
            guard !claimed.isEmpty else { return false }
            try await audit.record(.mailRetried, by: context, target: ("outbox_message", id.uuidString), on: database)
            return true
        }
        // No longer failed (sent again from another tab, or by another administrator): the list, without it.
        return req.redirect(to: Paths.adminFailedMails + (retried ? "?renvoye=1" : ""))
    }
}

/// "Courriels en échec".
struct FailedMailsPage {
    /// One failed mail.
    struct Row {
        let recipient: String
        let subject: String
        let createdAt: String
        let attempts: Int
        let lastError: String
        let retryURL: String
    }

    /// One back-channel logout no application accepted.
    struct LogoutRow {
        let application: String
        let client: String
        let uri: String
        let createdAt: String
        let attempts: Int
        let lastError: String
    }

    let frame: PageFrame
    let rows: [Row]
    let pagination: Pagination
    let failedLogouts: [LogoutRow]
}
