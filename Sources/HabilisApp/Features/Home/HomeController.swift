import Fluent
import Vapor

/// The signed-in home ("Applications") and the "Mes informations" overview. Signed-in agents only.
struct HomeController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(use: home)
        routes.get("mes-informations", use: myInformation)
    }

    /// Visitors go to the sign-in page; agents see the applications of the service offer.
    func home(req: Request) async throws -> Response {
        guard let user = req.currentUser else { return req.redirect(to: Paths.signIn) }
        let applications = try await BusinessApplication.query(on: req.db)
            .filter(\.$isActive == true)
            .sort(\.$position)
            .all()
        let held = try await Grant.query(on: req.db)
            .filter(\.$agent.$id == user.id)
            .filter(\.$revokedAt == nil)
            .all(\.$application.$id)
        let page = HomePage(
            frame: PageFrame(req, title: "Applications"),
            firstName: user.agent.firstName,
            applications: applications.map { application in
                HomePage.Row(
                    name: application.name, summary: application.summary, launchURL: application.launchURL,
                    isHeld: held.contains(application.id!))
            })
        return try await req.view.render("Home/index", page).encodeResponse(for: req)
    }

    /// The sections of "Mes informations", with the identity of the person.
    func myInformation(req: Request) async throws -> View {
        let user = try req.requireUser()
        let organisation = try await user.agent.$organisation.get(on: req.db)
        let page = MyInformationPage(
            frame: PageFrame(req, title: "Mes informations"), fullName: user.agent.fullName, email: user.agent.email,
            organisationName: organisation.name)
        return try await req.view.render("Home/my-information", page)
    }
}

/// The applications of the service offer as the signed-in home lists them.
struct HomePage: Encodable {
    /// One application.
    struct Row: Encodable {
        let name: String
        let summary: String
        let launchURL: String
        let isHeld: Bool
    }

    let frame: PageFrame
    let firstName: String
    let applications: [Row]
}

/// "Mes informations".
struct MyInformationPage: Encodable {
    let frame: PageFrame
    let fullName: String
    let email: String
    let organisationName: String
}
