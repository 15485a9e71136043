import Fluent
import Foundation
import NIOConcurrencyHelpers
import Testing
import Vapor

@testable import HabilisApp

@Suite("The timed work has database connections of its own")
struct BackgroundPoolTests {
    @Test("on PostgreSQL the sweep and the outbox run while the pages hold every connection of their pool")
    func sweepBesideBusyPages() async throws {
        let postgres = try PrivatePostgres()
        defer { postgres.destroy() }
        let url = postgres.url
        // The pool keeps the test default's long wait: a first connection to a server started a moment ago,
        // while the rest of the suite runs, once took more than 5 s.
        let ownServer: (inout Settings) -> Void = { settings in settings.databaseURL = url }
        try await withTestApp(settings: ownServer) { context in
            let asked = try await requestAccess("GREVE", as: DemoWorld.agentEmail, context: context)
            #expect(asked.status == .seeOther || asked.status == .ok, "\(asked.status) \(asked.html.prefix(300))")
            _ = try await context.deliverMail()
            let request = try #require(try await Given.requests(of: DemoWorld.agentEmail, on: context.db).first)
            context.clock.set(request.dueAt)

            // Every connection the pages have, on every event loop, is taken for as long as the sweep lasts.
            let app = context.app
            let released = NIOLockedValueBox(false)
            var holders: [Task<Void, any Error>] = []
            for eventLoop in app.eventLoopGroup.makeIterator() {
                for _ in 0..<app.settings.postgresConnectionsPerEventLoop {
                    let pages = try #require(app.databases.database(.psql, logger: app.logger, on: eventLoop))
                    holders.append(
                        Task {
                            try await pages.withConnection { _ in
                                while !released.withLockedValue({ $0 }) { try await Task.sleep(for: .milliseconds(20)) }
                            }
                        })
                }
            }
            defer { released.withLockedValue { $0 = true } }
            // A page waits meanwhile…
            try await Task.sleep(for: .milliseconds(200))
            let pageServed = NIOLockedValueBox(false)
            let page = Task {
                let agents = try await Agent.query(on: app.db).count()
                pageServed.withLockedValue { $0 = true }
                return agents
            }

            // …while the timed work goes on, on its own connections.
            let outcome = try await app.sweep(asOf: request.dueAt)
            #expect(outcome.accessRequests.autoAccepted == 1)
            #expect(try await app.portal.dispatcher.dispatchDue(on: app.backgroundDB) == 2)
            #expect(!pageServed.withLockedValue { $0 }, "the page had a connection the test holds")

            released.withLockedValue { $0 = true }
            for holder in holders { try await holder.value }
            #expect(try await page.value > 0)
            #expect(try await AccessRequest.find(request.id, on: context.db)?.status == .autoAccepted)
            let toAgent = try context.mailbox.to(DemoWorld.agentEmail)
            #expect(toAgent.last?.text.contains("acceptée automatiquement") == true)
        }
    }
}
