import Fluent
import Vapor

/// "Mes informations" › "Mes contacts": the correspondents of the agent's organisme(s). Signed-in agents.
struct ContactsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(Paths.myContacts.pathComponents, use: index)
    }

    /// One block per organisme of the agent, with its correspondents or the administrators' address.
    func index(req: Request) async throws -> Response {
        let user = try req.requireUser()
        var organisationIDs = [user.agent.$organisation.id]
        if let second = user.agent.$secondOrganisation.id { organisationIDs.append(second) }
        var blocks: [ContactsPage.Block] = []
        for id in organisationIDs {
            guard let organisation = try await Organisation.find(id, on: req.db) else { continue }
            let people = try await req.portal.routing.activeCorrespondents(of: id, for: nil, on: req.db)
            blocks.append(
                ContactsPage.Block(
                    organisationName: organisation.name,
                    contacts: people.map {
                        ContactsPage.Contact(
                            firstName: $0.firstName, lastName: $0.lastName, email: $0.contactEmail ?? $0.email)
                    }))
        }
        let page = ContactsPage(
            frame: PageFrame(req, title: "Mes contacts"), blocks: blocks,
            webmasterEmail: req.runtimeSettings.webmasterEmail, faqURL: Paths.faq)
        return req.page(page)
    }
}

/// "Mes contacts".
struct ContactsPage {
    /// A correspondent.
    struct Contact {
        let firstName: String
        let lastName: String
        let email: String
    }

    /// The correspondents of one organisme.
    struct Block {
        let organisationName: String
        let contacts: [Contact]
    }

    let frame: PageFrame
    let blocks: [Block]
    let webmasterEmail: String
    let faqURL: String
}
