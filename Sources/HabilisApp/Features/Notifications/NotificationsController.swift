import Fluent
import Vapor

/// The in-portal notifications of the signed-in person, newest first.
struct NotificationsController: RouteCollection {
    static let perPage = 30

    func boot(routes: any RoutesBuilder) throws {
        routes.get(Paths.notifications.pathComponents, use: index)
        routes.post(Paths.notificationsRead.pathComponents, use: markRead)
    }

    /// The list; unread ones are marked as such (reading them is an explicit action, never a side effect of GET).
    func index(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let query = Notification.query(on: req.db).filter(\.$agent.$id == user.id)
        let pagination = Pagination(
            page: Pagination.page(from: req), perPage: Self.perPage, total: try await query.countRows(),
            baseURL: Paths.notifications)
        let rows = try await query.copy().sort(\.$createdAt, .descending)
            .range(pagination.offset..<(pagination.offset + Self.perPage)).all()
        let page = NotificationsPage(
            frame: PageFrame(req, title: "Mes notifications"),
            notifications: rows.map {
                NotificationsPage.Row(
                    message: $0.message, link: $0.link, createdOn: ParisCalendar.longDateTime($0.createdAt),
                    isUnread: $0.readAt == nil)
            },
            hasUnread: user.unreadNotifications > 0, markReadAction: Paths.notificationsRead, pagination: pagination)
        return req.page(page)
    }

    /// "Tout marquer comme lu".
    func markRead(req: Request) async throws -> Response {
        let user = try req.requireUser()
        try await Notification.query(on: req.db)
            .filter(\.$agent.$id == user.id)
            .filter(\.$readAt == nil)
            .set(\.$readAt, to: req.portal.clock.now)
            .update()
        return req.redirect(to: Paths.notifications)
    }
}

/// "Mes notifications".
struct NotificationsPage {
    /// One notification.
    struct Row {
        let message: String
        let link: String?
        let createdOn: String
        let isUnread: Bool
    }

    let frame: PageFrame
    let notifications: [Row]
    let hasUnread: Bool
    let markReadAction: String
    let pagination: Pagination
}
