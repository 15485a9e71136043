import Fluent
import Foundation
import Testing
import Vapor

@testable import HabilisApp

@Suite("Forms carry a CSRF token; every response carries the security headers")
struct CSRFAndHeadersTests {
    @Test("a sign-in posted without the token, with a made-up one, or from another site is refused")
    func csrfRefused() async throws {
        try await withTestApp { context in
            let fields = [("email", DemoWorld.agentEmail), ("password", demoPassword)]
            for (csrf, headers) in [
                ("", [(String, String)]()),
                ("jeton-invente", []),
                (nil, [("Origin", "https://evil.example")]),
                (nil, [("Sec-Fetch-Site", "cross-site")]),
                (nil, [("Origin", "null")]),
            ] as [(String?, [(String, String)])] {
                let browser = context.browser()
                try await browser.get(Paths.signIn)
                let page = try await browser.post(Paths.signInPassword, fields, csrf: csrf, headers: headers)
                #expect(page.status == .forbidden)
                #expect(page.contains("Ce formulaire a expiré ou ne vient pas de ce site."))
                #expect(browser.cookies["habilis_session"] == nil)
            }
            #expect(try await UserSession.query(on: context.db).count() == 0)
            let refusals = try await AuditEvent.query(on: context.db).filter(\.$action == "csrf.rejected").count()
            #expect(refusals == 5)
        }
    }

    @Test("a signed-in form needs the session's token, not a visitor's")
    func sessionBoundToken() async throws {
        try await withTestApp { context in
            let visitor = context.browser()
            let visitorToken = try #require(try await visitor.get(Paths.signIn).csrfToken)
            let browser = context.browser()
            try await browser.signIn(DemoWorld.agentEmail)
            let page = try await browser.post(Paths.signOut, csrf: visitorToken)
            #expect(page.status == .forbidden)
            #expect(try await UserSession.query(on: context.db).count() == 1)
        }
    }

    @Test("the same origin passes, including the null origin a no-referrer page gives, when same-origin")
    func sameOrigin() async throws {
        try await withTestApp { context in
            let browser = context.browser()
            try await browser.get(Paths.signIn)
            let page = try await browser.post(
                Paths.signIn, [("email", DemoWorld.agentEmail)],
                headers: [("Origin", "http://127.0.0.1:8080"), ("Sec-Fetch-Site", "same-origin")])
            #expect(page.status == .ok)
            let null = try await browser.post(
                Paths.signIn, [("email", DemoWorld.agentEmail)],
                headers: [("Origin", "null"), ("Sec-Fetch-Site", "same-origin")])
            #expect(null.status == .ok)
        }
    }

    @Test("security headers are on pages, redirects, 403, 404 and errors")
    func headers() async throws {
        try await withTestApp { context in
            let browser = context.browser()
            let pages = [
                try await browser.get(Paths.signIn),
                try await browser.get(Paths.home),
                try await browser.get("/nulle-part"),
                try await browser.post(Paths.signIn, csrf: ""),
            ]
            #expect(pages.map(\.status) == [.ok, .seeOther, .notFound, .forbidden])
            for page in pages {
                #expect(page.headers.first(name: "Content-Security-Policy")?.contains("frame-ancestors 'none'") == true)
                #expect(page.headers.first(name: "X-Content-Type-Options") == "nosniff")
                #expect(page.headers.first(name: "X-Frame-Options") == "DENY")
                #expect(page.headers.first(name: "Referrer-Policy") == "no-referrer")
                #expect(page.headers.first(name: .cacheControl) == "no-store")
            }
            #expect(pages[2].contains("Page introuvable"))
        }
    }

    @Test("files of the repository are never served")
    func noSourceFiles() async throws {
        try await withTestApp { context in
            for path in ["/Package.swift", "/.git/config", "/.env", "/../Package.swift", "/static/../Package.swift"] {
                let page = try await context.browser().get(path)
                #expect(page.status == .notFound || page.status == .badRequest || page.status == .forbidden)
                #expect(!page.html.contains("swift-tools-version"))
            }
            #expect(try await context.browser().get("/static/habilis.css").status == .ok)
        }
    }

    @Test("health and readiness probes answer")
    func probes() async throws {
        try await withTestApp { context in
            let health = try await context.browser().get(Paths.health)
            let readiness = try await context.browser().get(Paths.readiness)
            #expect(health.html == "ok")
            #expect(readiness.status == .ok)
        }
    }

    @Test("a visitor's CSRF cookie is set by pages with forms, not by probes, files or redirects")
    func csrfCookieOnlyWithForms() async throws {
        try await withTestApp { context in
            for path in [Paths.health, Paths.readiness, "/static/habilis.css", Paths.myRights] {
                let answer = try await context.browser().get(path)
                #expect(answer.status.code < 500)
                #expect(!answer.headers[.setCookie].contains { $0.hasPrefix("habilis_csrf=") }, "\(path)")
            }
            let visitor = context.browser()
            let signIn = try await visitor.get(Paths.signIn)
            let cookie = try #require(signIn.headers[.setCookie].first { $0.hasPrefix("habilis_csrf=") })
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"))
            #expect(cookie.hasPrefix("habilis_csrf=\(try #require(signIn.csrfToken));"))
            // Once set, the cookie's token is kept: the next page carries it and sets nothing.
            let again = try await visitor.get(Paths.signIn)
            #expect(again.csrfToken == signIn.csrfToken)
            #expect(!again.headers[.setCookie].contains { $0.hasPrefix("habilis_csrf=") })
        }
    }
}
