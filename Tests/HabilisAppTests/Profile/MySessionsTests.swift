import Fluent
import Foundation
import Testing
import Vapor

@testable import HabilisApp

@Suite("Mes sessions: each person sees their open sessions and ends them; administrators end an account's sessions")
struct MySessionsTests {
    /// The "Fermer" buttons of the page: the sessions other than this one.
    static func endURLs(_ page: Page) -> [String] {
        let pattern = #"/mes-informations/sessions/[0-9a-f-]{36}/fermer"#
        let regex = try! NSRegularExpression(pattern: pattern)
        return regex.matches(in: page.html, range: NSRange(page.html.startIndex..., in: page.html)).map {
            String(page.html[Range($0.range, in: page.html)!])
        }
    }

    @Test("the agent sees both sessions and ends the other one: that browser must sign in again, this one goes on")
    func endAnother() async throws {
        try await withTestApp { context in
            let laptop = context.browser()
            try await laptop.signIn(DemoWorld.agentEmail)
            let phone = context.browser()
            try await phone.signIn(DemoWorld.agentEmail)

            let page = try await laptop.get(Paths.mySessions)
            #expect(page.status == .ok)
            #expect(page.html.contains("href=\"\(Paths.mySessions)\""), "in the menu of Mes informations")
            #expect(page.contains("Cette session"))
            #expect(page.contains("Fermer toutes mes autres sessions"))
            let others = Self.endURLs(page)
            #expect(others.count == 1)

            let ended = try await laptop.post(try #require(others.first), [])
            #expect(ended.status == .seeOther)
            #expect(try await laptop.get(try #require(ended.location)).contains("Une session a été fermée."))
            let afterwards = try await phone.get(Paths.home)
            #expect(afterwards.status == .seeOther && afterwards.location == Paths.signIn)
            #expect(try await laptop.get(Paths.home).status == .ok)
            #expect(try await UserSession.query(on: context.db).count() == 1)
            #expect(try await context.auditActions().contains("session.ended"))
            #expect(Self.endURLs(try await laptop.get(Paths.mySessions)).isEmpty)
        }
    }

    @Test("another person’s session, this session or an unknown id cannot be ended from the page: nothing ends")
    func onlyOwnOtherSessions() async throws {
        try await withTestApp { context in
            let charenne = context.browser()
            try await charenne.signIn(DemoWorld.agentEmail)
            let petit = context.browser()
            try await petit.signIn(DemoWorld.cafAgentEmail)
            let petitAgent = try await Given.agent(DemoWorld.cafAgentEmail, on: context.db)
            let petitSession = try #require(
                try await UserSession.query(on: context.db).filter(\.$agent.$id == petitAgent.id!).first())
            let charenneAgent = try await Given.agent(DemoWorld.agentEmail, on: context.db)
            let ownSession = try #require(
                try await UserSession.query(on: context.db).filter(\.$agent.$id == charenneAgent.id!).first())

            try await charenne.get(Paths.mySessions)
            #expect(try await charenne.post(Paths.endMySession(ownSession.id!), []).status == .notFound)
            // Another's session and an unknown one answer as one already ended: the list, without notice.
            for id in [petitSession.id!, UUID()] {
                #expect(try await charenne.post(Paths.endMySession(id), []).location == Paths.mySessions, "\(id)")
            }
            #expect(try await UserSession.query(on: context.db).count() == 2)
            #expect(try await petit.get(Paths.home).status == .ok)
            #expect(try await charenne.get(Paths.home).status == .ok)
            #expect(!(try await context.auditActions().contains("session.ended")))
        }
    }

    @Test("« Fermer toutes mes autres sessions » keeps this one only, and says how many were closed")
    func endAllOthers() async throws {
        try await withTestApp { context in
            var browsers: [TestBrowser] = []
            for _ in 0..<3 {
                let browser = context.browser()
                try await browser.signIn(DemoWorld.agentEmail)
                browsers.append(browser)
            }
            let current = browsers[0]
            try await current.get(Paths.mySessions)
            let ended = try await current.post(Paths.endMyOtherSessions, [])
            #expect(try await current.get(try #require(ended.location)).contains("2 sessions ont été fermées."))
            for other in browsers.dropFirst() {
                #expect(try await other.get(Paths.home).location == Paths.signIn)
            }
            #expect(try await current.get(Paths.home).status == .ok)
            let event = try #require(
                try await AuditEvent.query(on: context.db).filter(\.$action == "session.others_ended").first())
            #expect(event.details.contains("\"count\":\"2\""))
            // Nothing left to close: said so, and no event.
            let again = try await current.post(Paths.endMyOtherSessions, [])
            #expect(
                try await current.get(try #require(again.location)).contains("Aucune autre session n’était ouverte."))
            #expect(try await AuditEvent.query(on: context.db).filter(\.$action == "session.others_ended").count() == 1)
        }
    }

    @Test("an administrator ends every session of an account; the agent is asked to sign in again")
    func administratorEndsSessions() async throws {
        try await withTestApp { context in
            let agent = context.browser()
            try await agent.signIn(DemoWorld.agentEmail)
            let charenne = try await Given.agent(DemoWorld.agentEmail, on: context.db)
            let admin = context.browser()
            try await admin.signIn(DemoWorld.administratorEmail)

            let page = try await admin.get(Paths.adminAgent(charenne.id!))
            #expect(page.contains("Sessions ouvertes : 1."))
            let ended = try await admin.post(Paths.adminEndAgentSessions(charenne.id!), [])
            #expect(ended.status == .seeOther)
            #expect(try await agent.get(Paths.home).location == Paths.signIn)
            #expect(try await admin.get(Paths.home).status == .ok)
            #expect(try await admin.get(Paths.adminAgent(charenne.id!)).contains("Sessions ouvertes : 0."))
            let event = try #require(
                try await AuditEvent.query(on: context.db).filter(\.$action == "session.ended_by_administrator")
                    .first())
            #expect(event.targetID == charenne.id!.uuidString)
            #expect(event.details.contains("\"count\":\"1\""))
            // Sent again (a double click, another administrator): none left, the page without notice, no event.
            let again = try await admin.post(Paths.adminEndAgentSessions(charenne.id!), [])
            #expect(again.location == Paths.adminAgent(charenne.id!))
            #expect(
                try await AuditEvent.query(on: context.db).filter(\.$action == "session.ended_by_administrator")
                    .count() == 1)

            // Their own sessions are in "Mes sessions", not here.
            let adminAgent = try await Given.agent(DemoWorld.administratorEmail, on: context.db)
            #expect(!(try await admin.get(Paths.adminAgent(adminAgent.id!))).contains("Fermer ses sessions"))
            #expect(try await admin.post(Paths.adminEndAgentSessions(adminAgent.id!), []).status == .forbidden)
        }
    }
}
