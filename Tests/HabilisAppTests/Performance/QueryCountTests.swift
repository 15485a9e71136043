import Fluent
import Foundation
import Testing
import Vapor

@testable import HabilisApp

@Suite("No N+1: the number of queries of the main pages does not grow with the data")
struct QueryCountTests {
    /// The statements one GET runs.
    func queries(_ browser: TestBrowser, _ path: String) async throws -> Int {
        let id = UUID().uuidString
        let page = try await browser.get(path, headers: [("X-Request-Id", id)])
        #expect(page.status == .ok, "\(path)")
        return QueryCounter.count(for: id)
    }

    /// Adds requests, rights and notifications for the demo agent, pending requests for the correspondent.
    func grow(_ context: TestContext, by count: Int) async throws {
        let charenne = try await Given.agent(DemoWorld.agentEmail, on: context.db)
        let applications = try await BusinessApplication.query(on: context.db).all()
        for index in 0..<count {
            let agent = try await Given.newAgent(
                "charge\(index)-\(UUID().uuidString.prefix(6))@lassuranceretraite.fr", organisation: "CARSAT-RA",
                context: context)
            for application in applications.prefix(3) {
                try await AccessRequest(
                    agentID: agent.id!, applicationID: application.id!, organisationID: agent.$organisation.id,
                    justification: "charge", routedTo: .correspondents, createdAt: testEpoch,
                    dueAt: testEpoch.addingTimeInterval(864_000)
                ).create(on: context.db)
            }
            let history = AccessRequest(
                agentID: charenne.id!, applicationID: applications[index % applications.count].id!,
                organisationID: charenne.$organisation.id, justification: nil, routedTo: .correspondents,
                createdAt: testEpoch.addingTimeInterval(-Double(index) * 86_400), dueAt: testEpoch)
            history.status = .refused
            try await history.create(on: context.db)
            try await Notification(agentID: charenne.id!, message: "Message \(index)", link: nil, createdAt: testEpoch)
                .create(on: context.db)
        }
    }

    @Test("catalogue, history, notifications, queue, contacts and dashboard keep the same number of queries")
    func mainPages() async throws {
        QueryCounter.installed
        try await withTestApp { context in
            let agent = context.browser()
            try await agent.signIn(DemoWorld.agentEmail)
            let marie = context.browser()
            try await marie.signIn(DemoWorld.correspondentEmail)
            let admin = context.browser()
            try await admin.signIn(DemoWorld.administratorEmail)
            let pages: [(TestBrowser, String)] = [
                (agent, Paths.home), (agent, Paths.myRights), (agent, Paths.notifications), (agent, Paths.myContacts),
                (marie, Paths.requestsToDecide), (marie, Paths.myOrganisationAgents), (admin, Paths.adminAudit),
                (admin, Paths.adminAgents),
            ]
            try await grow(context, by: 2)
            var before: [Int] = []
            for (browser, path) in pages { before.append(try await queries(browser, path)) }
            try await grow(context, by: 25)
            var after: [Int] = []
            for (browser, path) in pages { after.append(try await queries(browser, path)) }
            #expect(before.allSatisfy { $0 > 0 })
            for (index, (_, path)) in pages.enumerated() {
                #expect(after[index] == before[index], "\(path): \(before[index]) then \(after[index]) queries")
            }
        }
    }
}
