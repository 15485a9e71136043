import Fluent
import Vapor

/// The catalogue, home page of a signed-in agent: every active application with what the agent can do with it.
struct CatalogueController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(use: index)
    }

    /// Visitors go to the sign-in page; agents see "Toutes les applications de l'offre de services".
    func index(req: Request) async throws -> Response {
        guard let user = req.currentUser else { return req.redirect(to: Paths.signIn) }
        let applications = try await BusinessApplication.query(on: req.db)
            .filter(\.$isActive == true)
            .sort(\.$position)
            .sort(\.$name)
            .all()
        let held = try await Grant.query(on: req.db)
            .filter(\.$agent.$id == user.id)
            .filter(\.$revokedAt == nil)
            .all(\.$application.$id)
        let pending = try await AccessRequest.query(on: req.db)
            .filter(\.$agent.$id == user.id)
            .filter(\.$status == .pending)
            .all()
        let pendingByApplication = Dictionary(pending.map { ($0.$application.id, $0) }) { first, _ in first }
        let page = CataloguePage(
            frame: PageFrame(req, title: "Applications"),
            firstName: user.agent.firstName,
            applications: applications.map { application in
                CataloguePage.Row(
                    application: application, isHeld: held.contains(application.id!),
                    pending: pendingByApplication[application.id!], csrfToken: req.csrfToken)
            })
        return try await req.view.render("Catalogue/index", page).encodeResponse(for: req)
    }
}

/// The catalogue as the template shows it.
struct CataloguePage: Encodable {
    /// One application: held (open it), pending (since when, accepted when), or locked (ask for it).
    struct Row: Encodable {
        let id: String
        let name: String
        let summary: String
        let launchURL: String
        let isHeld: Bool
        let isPending: Bool
        let isLocked: Bool
        let stateLabel: String
        let requestURL: String
        let pendingSince: String?
        let autoAcceptOn: String?
        let pendingRequestURL: String?
        let cancelURL: String?

        init(application: BusinessApplication, isHeld: Bool, pending: AccessRequest?, csrfToken: String) {
            id = application.code.lowercased()
            name = application.name
            summary = application.summary
            launchURL = application.launchURL
            self.isHeld = isHeld
            isPending = !isHeld && pending != nil
            isLocked = !isHeld && pending == nil
            stateLabel =
                isHeld
                ? "accès ouvert"
                : pending.map { "demande en cours depuis le \(ParisCalendar.longDate($0.createdAt))" }
                    ?? "accès non attribué"
            requestURL = Paths.requestAccess(application.code)
            pendingSince = pending.map { ParisCalendar.longDate($0.createdAt) }
            autoAcceptOn = pending.map { ParisCalendar.longDate($0.dueAt) }
            pendingRequestURL = pending.map { Paths.accessRequest($0.id!) }
            cancelURL = pending.map { Paths.cancelAccessRequest($0.id!) }
        }
    }

    let frame: PageFrame
    let firstName: String
    let applications: [Row]
}
