import Fluent
import Vapor

/// "Mes informations" › "Mes habilitations": the history of one's requests and the list of one's rights.
/// Signed-in agents, about themselves only.
struct MyRightsController: RouteCollection {
    static let perPage = 20

    func boot(routes: any RoutesBuilder) throws {
        routes.get("mes-informations", use: index)
    }

    /// Both expandable blocks of the guide; the history is paginated, newest first.
    func index(req: Request) async throws -> View {
        let user = try req.requireUser()
        let history = AccessRequest.query(on: req.db).filter(\.$agent.$id == user.id)
        let total = try await history.count()
        let pagination = Pagination(
            page: Pagination.page(from: req), perPage: Self.perPage, total: total, baseURL: Paths.myRights,
            anchor: "#historique")
        let requests = try await history.copy()
            .sort(\.$createdAt, .descending)
            .range(pagination.offset..<(pagination.offset + Self.perPage))
            .with(\.$application).with(\.$decidedBy)
            .all()
        let grants = try await Grant.query(on: req.db)
            .filter(\.$agent.$id == user.id)
            .filter(\.$revokedAt == nil)
            .with(\.$application).with(\.$grantedBy).with(\.$accessRequest)
            .sort(\.$grantedAt, .descending)
            .all()
        let page = MyRightsPage(
            frame: PageFrame(req, title: "Mes habilitations"),
            history: requests.map(MyRightsPage.HistoryRow.init),
            historyOpen: req.query[Int.self, at: "page"] != nil,
            pagination: pagination,
            grants: grants.map(MyRightsPage.GrantRow.init))
        return try await req.view.render("MyRights/index", page)
    }
}

/// "Mes habilitations".
struct MyRightsPage: Encodable {
    /// One request of the history.
    struct HistoryRow: Encodable {
        let applicationName: String
        let createdOn: String
        let statusLabel: String
        let decidedBy: String?
        let decidedOn: String?
        let refusalReason: String?
        let url: String

        init(_ request: AccessRequest) {
            applicationName = request.application.name
            createdOn = ParisCalendar.shortDate(request.createdAt)
            statusLabel = request.status.label
            decidedBy =
                request.status == .autoAccepted
                ? "acceptation automatique" : request.status == .cancelled ? "vous-même" : request.decidedBy?.fullName
            decidedOn = request.decidedAt.map(ParisCalendar.shortDate)
            refusalReason = request.refusalReason
            url = Paths.accessRequest(request.id!)
        }
    }

    /// One current right, with where it came from.
    struct GrantRow: Encodable {
        let applicationName: String
        let grantedOn: String
        let origin: String
        let launchURL: String

        init(_ grant: Grant) {
            applicationName = grant.application.name
            grantedOn = ParisCalendar.shortDate(grant.grantedAt)
            launchURL = grant.application.launchURL
            if let request = grant.accessRequest {
                origin =
                    request.status == .autoAccepted
                    ? "demande acceptée automatiquement"
                    : "demande acceptée par \(grant.grantedBy?.fullName ?? "un valideur")"
            } else {
                origin = "attribuée par \(grant.grantedBy?.fullName ?? "un administrateur")"
            }
        }
    }

    let frame: PageFrame
    let history: [HistoryRow]
    let historyOpen: Bool
    let pagination: Pagination
    let grants: [GrantRow]
}
