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

    /// The time left that a page gives its warning script.
    static func secondsLeft(_ page: Page) -> Int? {
        guard let range = page.html.range(of: "data-seconds-left=\"") else { return nil }
        return Int(page.html[range.upperBound...].prefix { $0.isNumber })
    }

    @Test("every signed-in page carries the warning of the session's end with the time it has left")
    func warningOnEveryPage() async throws {
        try await withTestApp { context in
            let browser = context.browser()
            try await browser.get(Paths.signIn)
            let signInForm = try await browser.post(Paths.signIn, [("email", DemoWorld.agentEmail)])
            #expect(signInForm.contains("votre session se ferme après 30 minutes sans activité"))
            #expect(Self.secondsLeft(signInForm) == nil, "no warning before sign-in")
            try await browser.signIn(DemoWorld.agentEmail)

            context.clock.advance(by: 40)
            for path in [Paths.home, Paths.myRights, Paths.mySessions] {
                let page = try await browser.get(path)
                #expect(Self.secondsLeft(page) == 30 * 60 - 40, "\(path)")
                #expect(page.html.contains("<dialog id=\"session-warning\""))
                #expect(page.contains("Rester connecté"))
                #expect(page.html.contains("action=\"\(Paths.extendMySession)\""))
                #expect(page.html.contains("<script src=\"/static/session.js\" defer></script>"))
            }
            // `last_seen_at` is written once a minute: the next page counts from now.
            context.clock.advance(by: 5 * 60)
            #expect(Self.secondsLeft(try await browser.get(Paths.home)) == 30 * 60)
        }
    }

    @Test("« Rester connecté » counts the idle limit from now: 25 + 25 quiet minutes and the session goes on")
    func extendTheSession() async throws {
        try await withTestApp { context in
            let browser = context.browser()
            try await browser.signIn(DemoWorld.agentEmail)
            context.clock.advance(by: 45)
            let extended = try await browser.post(Paths.extendMySession, [])
            #expect(extended.status == .noContent)
            #expect(extended.headers.first(name: "X-Session-Seconds-Left") == "1800")
            let session = try #require(try await UserSession.query(on: context.db).first())
            #expect(session.lastSeenAt == context.clock.now)

            context.clock.advance(by: 25 * 60)
            #expect(try await browser.post(Paths.extendMySession, []).status == .noContent)
            context.clock.advance(by: 25 * 60)
            #expect(try await browser.get(Paths.home).status == .ok)

            // An ended session cannot be extended: its form token died with it (the script reads any answer but 204
            // as the end), and a visitor is sent to the sign-in page.
            context.clock.advance(by: 31 * 60)
            let late = try await browser.post(Paths.extendMySession, [])
            #expect(late.status == .forbidden)
            #expect(try await UserSession.query(on: context.db).count() == 0)
            let visitor = context.browser()
            try await visitor.get(Paths.signIn)
            let refused = try await visitor.post(Paths.extendMySession, [])
            #expect(refused.status == .seeOther && refused.location == Paths.signIn)
        }
    }

    @Test("ten minutes before the 12-hour limit the warning says it cannot be pushed back")
    func absoluteLimitWarning() async throws {
        try await withTestApp { context in
            let browser = context.browser()
            try await browser.signIn(DemoWorld.agentEmail)
            for _ in 0..<(11 * 3 + 2) {
                context.clock.advance(by: 20 * 60)
                _ = try await browser.get(Paths.home)
            }
            context.clock.advance(by: 10 * 60)
            let page = try await browser.get(Paths.home)
            #expect(page.status == .ok)
            #expect(Self.secondsLeft(page) == 10 * 60)
            #expect(page.contains("durée maximale de 12 heures"))
            #expect(!page.contains("Rester connecté"))
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
