import Foundation
import Testing
import Vapor

@testable import HabilisApp

@Suite("A URL with parameters is written once: links fill it in, routes register its pattern")
struct PathTemplateTests {
    let id = UUID(uuidString: "0194F3A2-7C1B-7D3E-8A4F-1B2C3D4E5F60")!

    @Test("links fill the parameters in order: identifiers in lower case, codes percent-encoded")
    func links() {
        #expect(Paths.decideRequest(id) == "/demandes-a-traiter/0194f3a2-7c1b-7d3e-8a4f-1b2c3d4e5f60/decision")
        #expect(Paths.agentRights(id) == "/agents/0194f3a2-7c1b-7d3e-8a4f-1b2c3d4e5f60")
        #expect(Paths.requestAccess("GREVE") == "/applications/GREVE/demande")
        #expect(Paths.requestAccess("A/B C?") == "/applications/A%2FB%20C%3F/demande")
        #expect(
            Paths.adminRotateClientSecret(id, "habilis-abc")
                == "/administration/applications/0194f3a2-7c1b-7d3e-8a4f-1b2c3d4e5f60/clients/habilis-abc/secret")
    }

    @Test("routes are the same patterns, also inside a group")
    func routes() {
        #expect(Paths.decideRequest.pathComponents.map(\.description) == ["demandes-a-traiter", ":id", "decision"])
        #expect(
            Paths.adminAgentStatus.pathComponents(under: Paths.administration).map(\.description)
                == ["agents", ":id", "statut"])
        #expect(
            Paths.adminRemoveClient.pathComponents(under: Paths.adminApplicationClients.pattern).map(\.description)
                == [":client", "suppression"])
    }

    @Test("the pages of one record answer at their links")
    func pagesOfOneRecord() async throws {
        try await withTestApp { context in
            let admin = context.browser()
            try await admin.signIn(DemoWorld.administratorEmail)
            let agent = try await Given.agent(DemoWorld.agentEmail, on: context.db)
            let organisation = try await agent.$organisation.get(on: context.db)
            let application = try await Given.application("GREVE", on: context.db)
            for url in [
                Paths.adminAgent(agent.id!), Paths.adminOrganisation(organisation.id!),
                Paths.adminApplication(application.id!), Paths.adminApplicationClients(application.id!),
                Paths.adminNewApplicationClient(application.id!), Paths.agentRights(agent.id!),
            ] {
                #expect(try await admin.get(url).status == .ok, "\(url)")
            }
        }
    }
}
