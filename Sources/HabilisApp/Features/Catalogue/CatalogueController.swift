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
        let entries = try await CatalogueEntry.all(for: user.id, on: req.db)
        let page = CataloguePage(
            frame: PageFrame(req, title: "Applications"), firstName: user.agent.firstName,
            applications: entries.map {
                CataloguePage.Row($0, issuer: req.portal.provider.issuer, loginHint: user.agent.email)
            })
        return req.page(page)
    }
}

/// The catalogue as the template shows it.
struct CataloguePage {
    /// One application: held (open it), pending (since when, accepted when), or locked (ask for it).
    struct Row {
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

    }

    let frame: PageFrame
    let firstName: String
    let applications: [Row]
}

extension CataloguePage.Row {
    /// « Accéder à l'application » starts a third-party-initiated login (OIDC Core §4) when the application's
    /// client has an initiate-login URI, so that the agent lands signed in; otherwise it opens the launch URL.
    init(_ entry: CatalogueEntry, issuer: String, loginHint: String) {
        id = entry.code.lowercased()
        name = entry.name
        summary = entry.description
        launchURL =
            entry.initiateLoginURI?.adding([
                ("iss", issuer), ("login_hint", loginHint), ("target_link_uri", entry.launchURL),
            ]) ?? entry.launchURL
        isHeld = entry.isHeld
        let pending = isHeld ? nil : entry.pendingRequest
        isPending = pending != nil
        isLocked = !isHeld && pending == nil
        pendingSince = pending.map { ParisCalendar.longDate($0.createdAt) }
        stateLabel =
            isHeld
            ? "accès ouvert" : pendingSince.map { "demande en cours depuis le \($0)" } ?? "accès non attribué"
        requestURL = Paths.requestAccess(entry.code)
        autoAcceptOn = pending.map { ParisCalendar.longDate($0.dueAt) }
        pendingRequestURL = pending.map { Paths.accessRequest($0.id) }
        cancelURL = pending.map { Paths.cancelAccessRequest($0.id) }
    }
}
