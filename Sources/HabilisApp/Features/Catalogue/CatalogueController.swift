import Fluent
import SQLKit
import Vapor

/// The catalogue, home page of a signed-in agent: every active application with what the agent can do with it, and
/// « Accéder à l'application », the way into one.
struct CatalogueController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(use: index)
        routes.get(Paths.openApplication.pathComponents, use: open)
    }

    /// Visitors go to the sign-in page; agents see "Toutes les applications de l'offre de services".
    func index(req: Request) async throws -> Response {
        guard let user = req.currentUser else { return req.redirect(to: Paths.signIn) }
        let entries = try await CatalogueEntry.all(for: user.id, on: req.db)
        let page = CataloguePage(
            frame: PageFrame(req, title: "Applications"), firstName: user.agent.firstName,
            applications: entries.map(CataloguePage.Row.init))
        return req.page(page)
    }

    /// « Accéder à l'application » (catalogue, Mes habilitations, the acceptance mail): a third-party-initiated
    /// login (OIDC Core §4) when the application's client has an initiate-login URI, so that the agent lands signed
    /// in; otherwise its launch URL. A visitor signs in first and comes back here; without a right, the door.
    func open(req: Request) async throws -> Response {
        // Application codes are short: anything longer is no application, and never goes into a cookie.
        guard let code = req.parameters.get("code"), !code.isEmpty, code.utf8.count <= 100 else {
            throw Abort(.notFound)
        }
        guard let user = req.currentUser else {
            return SignInReturn.signIn(returningTo: Paths.openApplication(code), req)
        }
        guard
            let application = try await BusinessApplication.query(on: req.db).filter(\.$code == code)
                .filter(\.$isActive == true).first()
        else { throw Abort(.notFound) }
        let provider = req.portal.provider
        switch try await provider.door(agentID: user.id, application: application, on: req.db) {
        case .closed(let application, let pending):
            return DoorPage.response(application: application, pending: pending, req)
        case .open:
            let initiateLoginURI = try await (req.db as! any SQLDatabase).raw(
                """
                SELECT initiate_login_uri FROM oidc_clients
                WHERE application_id = \(bind: application.id!) AND initiate_login_uri IS NOT NULL
                ORDER BY created_at LIMIT 1
                """
            ).first(decodingColumn: "initiate_login_uri", as: String.self)
            let location =
                initiateLoginURI?.adding([
                    ("iss", provider.issuer), ("login_hint", user.agent.email),
                    ("target_link_uri", application.launchURL),
                ]) ?? application.launchURL
            return req.redirect(to: location)
        }
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
        /// « Consultation, Rédaction », on an application with profiles.
        let heldProfiles: String?
        /// A right held on an application with profiles not held, nothing pending: ask for another one.
        let otherProfileURL: String?
    }

    let frame: PageFrame
    let firstName: String
    let applications: [Row]
}

extension CataloguePage.Row {
    init(_ entry: CatalogueEntry) {
        id = entry.code.lowercased()
        name = entry.name
        summary = entry.description
        launchURL = Paths.openApplication(entry.code)
        isHeld = entry.isHeld
        // A right held with a request pending asks for another profile: both are shown.
        let pending = entry.pendingRequest
        isPending = pending != nil
        isLocked = !isHeld && pending == nil
        pendingSince = pending.map { ParisCalendar.longDate($0.createdAt) }
        stateLabel =
            isHeld
            ? (entry.heldUntil.map { "accès ouvert jusqu’au \(RightValidity.lastDay(of: $0))" } ?? "accès ouvert")
                + (entry.heldProfiles.isEmpty
                    ? ""
                    : ", profil\(entry.heldProfiles.count > 1 ? "s" : "") \(entry.heldProfiles.joined(separator: ", "))")
            : pendingSince.map { "demande en cours depuis le \($0)" } ?? "accès non attribué"
        requestURL = Paths.requestAccess(entry.code)
        autoAcceptOn = pending.map { ParisCalendar.longDate($0.dueAt) }
        pendingRequestURL = pending.map { Paths.accessRequest($0.id) }
        cancelURL = pending.map { Paths.cancelAccessRequest($0.id) }
        heldProfiles = entry.heldProfiles.isEmpty ? nil : entry.heldProfiles.joined(separator: ", ")
        otherProfileURL = entry.offersAnotherProfile ? Paths.requestAccess(entry.code) : nil
    }
}
