import Fluent
import Foundation
import Testing
import Vapor

@testable import HabilisApp

@Suite("Repeated failures are throttled per account and per source")
struct ThrottlingTests {
    @Test("after 10 failures the account is held for 15 minutes, even with the right password")
    func perAccount() async throws {
        try await withTestApp { context in
            let browser = context.browser()
            for _ in 0..<10 {
                let page = try await browser.signIn(DemoWorld.agentEmail, password: "mauvais mot de passe")
                #expect(page.fieldError("password") == "Identifiant ou mot de passe incorrect.")
            }
            let held = try await browser.signIn(DemoWorld.agentEmail)
            #expect(held.status == .unprocessableEntity)
            #expect(held.fieldError("password")?.hasPrefix("Trop de tentatives de connexion.") == true)
            #expect(browser.cookies["habilis_session"] == nil)
            #expect(try await context.auditActions().contains("sign_in.throttled"))

            context.clock.advance(by: 16 * 60)
            #expect(try await browser.signIn(DemoWorld.agentEmail).status == .seeOther)
        }
    }

    @Test("an unknown address is held exactly like a real one")
    func unknownAccountHeldToo() async throws {
        try await withTestApp { context in
            let browser = context.browser()
            for _ in 0..<10 { try await browser.signIn("inconnu@caf.fr", password: "mauvais mot de passe") }
            let held = try await browser.signIn("inconnu@caf.fr", password: "mauvais mot de passe")
            #expect(held.fieldError("password")?.hasPrefix("Trop de tentatives de connexion.") == true)
        }
    }

    @Test("50 failures from one source hold that source for every account")
    func perSource() async throws {
        try await withTestApp { context in
            let browser = context.browser()
            for index in 0..<50 {
                try await browser.signIn("inconnu\(index)@caf.fr", password: "mauvais mot de passe")
            }
            let held = try await browser.signIn(DemoWorld.agentEmail)
            #expect(held.fieldError("password")?.hasPrefix("Trop de tentatives de connexion.") == true)
        }
    }

    @Test("a success clears the account's failures")
    func successClears() async throws {
        try await withTestApp { context in
            let browser = context.browser()
            for _ in 0..<9 { try await browser.signIn(DemoWorld.agentEmail, password: "mauvais mot de passe") }
            #expect(try await browser.signIn(DemoWorld.agentEmail).status == .seeOther)
            let other = context.browser()
            for _ in 0..<9 { try await other.signIn(DemoWorld.agentEmail, password: "mauvais mot de passe") }
            #expect(try await other.signIn(DemoWorld.agentEmail).status == .seeOther)
        }
    }
}
