import Fluent
import Vapor

/// "Mes informations" › "Mes habilitations": the history of one's requests and the list of one's rights.
/// Signed-in agents, about themselves only.
struct MyRightsController: RouteCollection {
    static let perPage = 20

    func boot(routes: any RoutesBuilder) throws {
        routes.get(Paths.myRights.pathComponents, use: index)
    }

    /// Both expandable blocks of the guide; the history is paginated, newest first.
    func index(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let history = try await MyRightsRecords.history(
            of: user.id, page: Pagination.page(from: req), perPage: Self.perPage, on: req.db)
        let pagination = Pagination(
            page: Pagination.page(from: req), perPage: Self.perPage, total: history.total, baseURL: Paths.myRights,
            anchor: "#historique")
        let grants = try await MyRightsRecords.grants(of: user.id, on: req.db)
        let page = MyRightsPage(
            frame: PageFrame(req, title: "Mes habilitations"),
            history: history.entries.map(MyRightsPage.HistoryRow.init),
            historyOpen: req.query[Int.self, at: "page"] != nil,
            pagination: pagination,
            grants: grants.map(MyRightsPage.GrantRow.init))
        return req.page(page)
    }
}

/// "Mes habilitations".
struct MyRightsPage {
    /// One request of the history.
    struct HistoryRow {
        let applicationName: String
        let createdOn: String
        let statusLabel: String
        let decidedBy: String?
        let decidedOn: String?
        let refusalReason: String?
        let url: String

    }

    /// One current right, with where it came from.
    struct GrantRow {
        let applicationName: String
        let grantedOn: String
        let origin: String
        let launchURL: String
        /// « 12 mars 2027 » for a right that ends by itself.
        let lastDay: String?
        /// « Demander le renouvellement », for a right that ends and has no renewal pending.
        let renewalURL: String?
        /// The pending renewal, to follow it.
        let pendingRenewalURL: String?

        /// Where a right came from: the request that gave it (`requestStatus`), or a direct grant.
        static func origin(requestStatus: AccessRequest.Status?, granterName: String?) -> String {
            guard let requestStatus else { return "attribuée par \(granterName ?? "un administrateur")" }
            return requestStatus == .autoAccepted
                ? "demande acceptée automatiquement" : "demande acceptée par \(granterName ?? "un valideur")"
        }
    }

    let frame: PageFrame
    let history: [HistoryRow]
    let historyOpen: Bool
    let pagination: Pagination
    let grants: [GrantRow]
}

extension MyRightsPage.HistoryRow {
    init(_ request: MyRightsRecords.HistoryEntry) {
        applicationName = request.applicationName
        createdOn = ParisCalendar.shortDate(request.createdAt)
        statusLabel = request.status.label
        decidedBy =
            request.status == .autoAccepted
            ? "acceptation automatique" : request.status == .cancelled ? "vous-même" : request.deciderName
        decidedOn = request.decidedAt.map(ParisCalendar.shortDate)
        refusalReason = request.refusalReason
        url = Paths.accessRequest(request.id)
    }
}

extension MyRightsPage.GrantRow {
    init(_ grant: MyRightsRecords.GrantEntry) {
        applicationName = grant.applicationName
        grantedOn = ParisCalendar.shortDate(grant.grantedAt)
        launchURL = Paths.openApplication(grant.applicationCode)
        origin = Self.origin(requestStatus: grant.requestStatus, granterName: grant.granterName)
        lastDay = grant.expiresAt.map(RightValidity.lastDay)
        renewalURL = grant.expiresAt != nil && grant.renewalID == nil ? Paths.renewGrant(grant.grantID) : nil
        pendingRenewalURL = grant.renewalID.map { Paths.accessRequest($0) }
    }
}
