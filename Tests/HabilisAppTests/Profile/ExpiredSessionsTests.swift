import Fluent
import Foundation
import Testing
import Vapor

@testable import HabilisApp

/// A session whose browser never comes back: most of them, since a browser drops the cookie when it closes.
@Suite("Expired sessions: gone from « Mes sessions » at once, from the database at the next sweep, recorded")
struct ExpiredSessionsTests {
    @Test("a session idle for 30 minutes is no longer listed, the sweep deletes it and records it as expired")
    func purge() async throws {
        try await withTestApp { context in
            let laptop = context.browser()
            try await laptop.signIn(DemoWorld.agentEmail)
            let phone = context.browser()
            try await phone.signIn(DemoWorld.agentEmail)
            #expect(MySessionsTests.endURLs(try await phone.get(Paths.mySessions)).count == 1)

            // The phone goes on; the laptop's browser was closed 31 minutes ago.
            context.clock.advance(by: 20 * 60)
            #expect(try await phone.get(Paths.home).status == .ok)
            context.clock.advance(by: 11 * 60)
            let page = try await phone.get(Paths.mySessions)
            #expect(page.contains("Cette session"))
            #expect(MySessionsTests.endURLs(page).isEmpty, "the expired session is not offered as open")
            #expect(try await UserSession.query(on: context.db).count() == 2)

            let outcome = try await context.app.sweep(asOf: context.clock.now)
            #expect(outcome.sessionsPurged == 1)
            #expect(try await UserSession.query(on: context.db).count() == 1)
            let agent = try await Given.agent(DemoWorld.agentEmail, on: context.db)
            let expired = try await AuditEvent.query(on: context.db).filter(\.$action == "session.expired").all()
            #expect(expired.map(\.targetID) == [agent.id!.uuidString])
            #expect(try await context.app.sweep(asOf: context.clock.now).sessionsPurged == 0)
            // A sweep run ahead of time (`habilis sweep --as-of`) judges expiry by the clock: the phone stays.
            #expect(
                try await context.app.sweep(asOf: context.clock.now.addingTimeInterval(11 * 86_400)).sessionsPurged == 0
            )

            // The laptop comes back: it signs in again, and the phone goes on.
            let back = try await laptop.get(Paths.home)
            #expect(back.status == .seeOther && back.location == Paths.signIn)
            #expect(try await phone.get(Paths.home).status == .ok)
            #expect(try await AuditEvent.query(on: context.db).filter(\.$action == "session.expired").count() == 1)
        }
    }
}
