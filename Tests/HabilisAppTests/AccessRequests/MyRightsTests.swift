import Fluent
import Foundation
import Testing
import Vapor

@testable import HabilisApp

@Suite("Mes habilitations: the history of requests and the list of rights")
struct MyRightsTests {
    @Test("the history is newest first, in French, and paginated")
    func history() async throws {
        try await withTestApp { context in
            let charenne = try await Given.agent(DemoWorld.agentEmail, on: context.db)
            let application = try await Given.application("GREVE", on: context.db)
            for day in 0..<25 {
                let request = AccessRequest(
                    agentID: charenne.id!, applicationID: application.id!, organisationID: charenne.$organisation.id,
                    justification: nil, routedTo: .correspondents,
                    createdAt: testEpoch.addingTimeInterval(Double(day - 40) * 86_400),
                    dueAt: testEpoch.addingTimeInterval(Double(day - 30) * 86_400))
                request.status = day == 24 ? .refused : .cancelled
                try await request.create(on: context.db)
            }
            let browser = context.browser()
            try await browser.signIn(DemoWorld.agentEmail)
            let first = try await browser.get(Paths.myRights)
            #expect(first.contains("Historique de vos demandes (25)"))
            #expect(first.contains("Liste de vos habilitations (1)"))
            #expect(first.contains("Page 1 sur 2"))
            #expect(first.text.range(of: "refusée")!.lowerBound < first.text.range(of: "annulée")!.lowerBound)
            let second = try await browser.get(Paths.myRights + "?page=2")
            #expect(second.contains("Page 2 sur 2"))
            #expect(second.html.contains("<details class=\"block\" id=\"historique\" open>"))
            let beyond = try await browser.get(Paths.myRights + "?page=9")
            #expect(beyond.contains("Page 2 sur 2"))
            #expect(beyond.contains("Historique de vos demandes (25)"))
            #expect(
                beyond.text.components(separatedBy: "annulée").count
                    == second.text.components(separatedBy: "annulée").count)
            #expect(try await browser.get(Paths.myRights + "?page=99999999999999999999").status.code < 500)
        }
    }

    @Test("rights show the date and where they came from")
    func rights() async throws {
        try await withTestApp { context in
            let browser = context.browser()
            try await browser.signIn(DemoWorld.agentEmail)
            let page = try await browser.get(Paths.myRights)
            #expect(page.contains("Accords locaux (Consultation) 02/03/2026 sans limite attribuée par Marie Durand"))
        }
    }
}
