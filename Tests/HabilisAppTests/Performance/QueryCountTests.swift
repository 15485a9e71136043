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
        let applications = try await BusinessApplication.query(on: context.db).sort(\.$code).all()
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
        try await withTestApp { context in
            QueryCounter.watch(context)
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

    @Test("the code redirect, a refresh grant and userinfo keep their number of statements as sign-ins and rights grow")
    func singleSignOnSteps() async throws {
        try await withTestApp { context in
            QueryCounter.watch(context)
            let application = try await RelyingParty.register(context)
            let agent = context.browser()
            try await agent.signIn(DemoWorld.agentEmail)
            /// The statements of one code redirect, one refresh and one userinfo call, with the refresh token that
            /// comes next.
            func measure(
                refreshing token: String
            ) async throws -> (authorize: Int, refresh: Int, userinfo: Int, next: String) {
                let authorizeID = UUID().uuidString
                let answer = try await agent.get(
                    application.authorizePath(), headers: [("X-Request-Id", authorizeID)])
                #expect(answer.status == .found)
                let refreshID = UUID().uuidString
                let (page, json) = try await application.token(
                    [("grant_type", "refresh_token"), ("refresh_token", token)],
                    headers: [("X-Request-Id", refreshID)])
                #expect(page.status == .ok, "\(page.html)")
                let userinfoID = UUID().uuidString
                let userinfo = try await context.browser().get(
                    Paths.oidcUserinfo,
                    headers: [
                        ("Authorization", "Bearer \(try #require(json["access_token"] as? String))"),
                        ("X-Request-Id", userinfoID),
                    ])
                #expect(userinfo.status == .ok)
                return (
                    QueryCounter.count(for: authorizeID), QueryCounter.count(for: refreshID),
                    QueryCounter.count(for: userinfoID), try #require(json["refresh_token"] as? String)
                )
            }
            let (_, first) = try await application.exchange(try await application.code(for: agent))
            let before = try await measure(refreshing: try #require(first["refresh_token"] as? String))
            try await grow(context, by: 10)
            for _ in 0..<5 { _ = try await application.exchange(try await application.code(for: agent)) }
            let after = try await measure(refreshing: before.next)
            #expect(after.authorize == before.authorize)
            #expect(after.refresh == before.refresh)
            #expect(after.userinfo == before.userinfo)
            // A refresh: the client with the failures of its source, the token's sign-in with its door, then the token
            // taken with the audit event and the next token (one statement on PostgreSQL). A code redirect: the
            // session, the client, the door, then the code with its audit event. Userinfo: the client, the sign-in
            // with its door. Each used to take more (Fluent's eager loads, the agent read again after the door, a
            // transaction for the code). SQLite runs a transaction's statements on the connection's own logger, which does
            // not carry the request id: only those before the transaction are counted there.
            let onPostgres = TestDatabase.serverURL != nil
            #expect(before.refresh == (onPostgres ? 3 : 2), "a refresh ran \(before.refresh) statements")
            #expect(before.userinfo == 2, "userinfo ran \(before.userinfo) statements")
            #expect(before.authorize == (onPostgres ? 4 : 3), "a code redirect ran \(before.authorize) statements")
        }
    }

    @Test("re-routing the pending requests of an organisme or of an application runs the same number of statements")
    func reroutingStaysFlat() async throws {
        try await withTestApp { context in
            QueryCounter.watch(context)
            let routing = context.app.portal.routing
            let carsat = try await Given.organisation("CARSAT-RA", on: context.db)
            // An application managed locally among those `grow` asks for.
            let target = try #require(
                try await BusinessApplication.query(on: context.db).sort(\.$code).all().prefix(3).first {
                    $0.accessMode == .local
                })
            /// Switches the target's mode and re-routes its requests, then those of CARSAT-RA; the statements of
            /// each. The database is used outside a transaction so that every statement carries the tag (Fluent
            /// logs a transaction's statements with the connection's logger).
            func reroute(to mode: BusinessApplication.AccessMode) async throws -> (counts: [Int], moved: Int) {
                target.accessMode = mode
                try await target.save(on: context.db)
                let applicationTag = UUID().uuidString
                let moved = try await routing.reroutePending(
                    ofApplication: target.id!, on: tagged(context, applicationTag))
                let organisationTag = UUID().uuidString
                _ = try await routing.reroutePending(of: carsat.id!, on: tagged(context, organisationTag))
                return ([QueryCounter.count(for: applicationTag), QueryCounter.count(for: organisationTag)], moved)
            }
            try await grow(context, by: 2)
            let before = try await reroute(to: .central)
            _ = try await reroute(to: .local)
            try await grow(context, by: 25)
            let after = try await reroute(to: .central)
            #expect(before.counts.allSatisfy { $0 > 0 })
            #expect(after.counts == before.counts, "\(before.counts) then \(after.counts) statements")
            // Each time, the target's pending requests went to the administrators: 25 more the second time.
            #expect(before.moved >= 2)
            #expect(after.moved == before.moved + 25)
            let routes = try await AccessRequest.query(on: context.db).filter(\.$application.$id == target.id!)
                .filter(\.$status == .pending).all().map(\.routedTo)
            #expect(routes.count >= 27)
            #expect(routes.allSatisfy { $0 == .administrators })
        }
    }

    /// The test database with a logger whose `request-id` is `tag`, as a request's would be.
    func tagged(_ context: TestContext, _ tag: String) -> any Database {
        var logger = context.app.logger
        logger[metadataKey: "request-id"] = .string(tag)
        return context.app.databases.database(logger: logger, on: context.app.eventLoopGroup.any())!
    }
}
