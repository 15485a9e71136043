import Fluent
import Foundation
import Testing
import Vapor

@testable import HabilisApp

@Suite("Hostile and oversized input gets a French message beside the field, never a 500")
struct BadInputTests {
    static let hostileEmails = [
        "",
        "   ",
        String(repeating: "a", count: 10_000) + "@caf.fr",
        "<script>alert(1)</script>@caf.fr",
        "' OR 1=1 --",
        "x@caf.fr\r\nBcc: victime@evil.example",
        "nul\u{0}@caf.fr",
        "jean@exämple.fr",
        "sans-arobase.caf.fr",
        "a@b@caf.fr",
        "\u{202E}rf.fac@neaj",
    ]

    @Test("every hostile e-mail on the sign-in step is refused beside the field and kept", arguments: hostileEmails)
    func signInEmail(_ email: String) async throws {
        try await withTestApp { context in
            let browser = context.browser()
            try await browser.get(Paths.signIn)
            let page = try await browser.post(Paths.signIn, [("email", email)])
            #expect(page.status == .unprocessableEntity)
            #expect(page.fieldError("email") != nil)
            #expect(page.html.contains("aria-describedby=\"email-error\""))
            #expect(!page.html.contains("<script>alert"))
            #expect(page.contains("Le formulaire contient une erreur"))
        }
    }

    @Test("every hostile e-mail on the forgotten-password form is refused and sends nothing", arguments: hostileEmails)
    func forgotPasswordEmail(_ email: String) async throws {
        try await withTestApp { context in
            let browser = context.browser()
            try await browser.get(Paths.forgotPassword)
            let page = try await browser.post(Paths.forgotPassword, [("email", email)])
            #expect(page.status == .ok)
            #expect(page.fieldError("email") != nil)
            #expect(try await context.deliverMail().isEmpty)
        }
    }

    @Test("a 10 kB password is simply wrong, and a 10 kB new password is refused beside the field")
    func hugePasswords() async throws {
        try await withTestApp { context in
            let huge = String(repeating: "é", count: 10_000)
            let page = try await context.browser().signIn(DemoWorld.agentEmail, password: huge)
            #expect(page.fieldError("password") == "Identifiant ou mot de passe incorrect.")
            #expect(!page.html.contains(huge))
        }
    }

    @Test("the typed address is kept on error, escaped")
    func keptAndEscaped() async throws {
        try await withTestApp { context in
            let browser = context.browser()
            try await browser.get(Paths.signIn)
            let page = try await browser.post(Paths.signIn, [("email", "\"><b>x</b>")])
            #expect(page.html.contains("value=\"&quot;&gt;&lt;b&gt;x&lt;/b&gt;\""))
        }
    }

    @Test("duplicate fields and undecodable bodies give the form again, not a 500")
    func malformedBodies() async throws {
        try await withTestApp { context in
            let browser = context.browser()
            try await browser.get(Paths.signIn)
            let duplicate = try await browser.post(
                Paths.signIn, [("email", DemoWorld.agentEmail), ("email", "autre@caf.fr")])
            #expect(duplicate.status.code < 500)
            let garbage = try await browser.post(Paths.signIn, [("email[]][", "%%%")])
            #expect(garbage.status.code < 500)
        }
    }

    @Test("a body over the limit gets a 413 page")
    func oversizedBody() async throws {
        try await withTestApp { context in
            let browser = context.browser(live: true)
            try await browser.get(Paths.signIn)
            let page = try await browser.post(Paths.signIn, [("email", String(repeating: "a", count: 300_000))])
            #expect(page.status == .payloadTooLarge)
            #expect(page.contains("Envoi trop volumineux"))
        }
    }
}
