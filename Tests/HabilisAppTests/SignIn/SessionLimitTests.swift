import Fluent
import Foundation
import Testing
import Vapor

@testable import HabilisApp

@Suite("Sessions end after 30 idle minutes or 12 hours")
struct SessionLimitTests {
    @Test("a session unused for more than 30 minutes ends")
    func idleTimeout() async throws {
        try await withTestApp { context in
            let browser = context.browser()
            try await browser.signIn(DemoWorld.agentEmail)
            context.clock.advance(by: 29 * 60)
            #expect(try await browser.get(Paths.home).status == .ok)
            context.clock.advance(by: 31 * 60)
            let page = try await browser.get(Paths.home)
            #expect(page.location == Paths.signIn)
            #expect(try await UserSession.query(on: context.db).count() == 0)
            #expect(try await context.auditActions().contains("session.expired"))
        }
    }

    @Test("an active session still ends 12 hours after sign-in")
    func absoluteTimeout() async throws {
        try await withTestApp { context in
            let browser = context.browser()
            try await browser.signIn(DemoWorld.agentEmail)
            for _ in 0..<(12 * 3) {
                context.clock.advance(by: 20 * 60)
                _ = try await browser.get(Paths.home)
            }
            context.clock.advance(by: 20 * 60)
            #expect(try await browser.get(Paths.home).location == Paths.signIn)
        }
    }

    @Test("disabling an account ends its sessions at the next request")
    func disabledAccount() async throws {
        try await withTestApp { context in
            let browser = context.browser()
            try await browser.signIn(DemoWorld.agentEmail)
            try await Agent.query(on: context.db).filter(\.$email == DemoWorld.agentEmail)
                .set(\.$status, to: .disabled).update()
            #expect(try await browser.get(Paths.home).location == Paths.signIn)
        }
    }

    @Test("the cookie is HttpOnly and SameSite=Lax; over https it is Secure with the __Host- prefix")
    func cookieFlags() async throws {
        try await withTestApp { context in
            let page = try await context.browser().signIn(DemoWorld.agentEmail)
            let cookie = try #require(page.headers[.setCookie].first { $0.hasPrefix("habilis_session=") })
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Lax"))
            #expect(cookie.contains("Path=/"))
            #expect(!cookie.contains("Domain"))
            #expect(!cookie.contains("Expires"))
        }
        let overHTTPS: (inout Settings) -> Void = { $0.baseURL = "https://habilis.example.fr" }
        try await withTestApp(settings: overHTTPS) { context in
            let page = try await context.browser().signIn(DemoWorld.agentEmail)
            let cookie = try #require(page.headers[.setCookie].first { $0.hasPrefix("__Host-habilis_session=") })
            #expect(cookie.contains("Secure"))
            #expect(cookie.contains("HttpOnly"))
            #expect(page.headers.first(name: "Strict-Transport-Security") != nil)
        }
    }
}
