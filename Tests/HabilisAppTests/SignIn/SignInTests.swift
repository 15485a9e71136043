import Fluent
import Foundation
import Testing
import Vapor

@testable import HabilisApp

@Suite("Sign-in in two steps, as the guide shows it")
struct SignInTests {
    @Test("the e-mail step leads to the password step, which recalls the identifier")
    func twoSteps() async throws {
        try await withTestApp { context in
            let browser = context.browser()
            let first = try await browser.get(Paths.signIn)
            #expect(first.status == .ok)
            #expect(first.contains("Entrez votre adresse e-mail professionnelle :"))
            #expect(first.contains("Suivant"))

            let second = try await browser.post(Paths.signIn, [("email", "  A.Charenne@LassuranceRetraite.fr ")])
            #expect(second.status == .ok)
            #expect(second.contains("a.charenne@lassuranceretraite.fr, rappel de votre identifiant de connexion"))
            #expect(second.contains("Entrez votre mot de passe"))
            #expect(second.contains("Retour"))
            #expect(second.contains("Se connecter"))
            #expect(
                second.contains("Vous avez oublié votre mot de passe ? Cliquez ici pour créer un nouveau mot de passe"))

            let back = try await browser.post(Paths.signInBack, [("email", "a.charenne@lassuranceretraite.fr")])
            #expect(back.contains("Entrez votre adresse e-mail professionnelle :"))
            #expect(back.inputValue(named: "email") == "a.charenne@lassuranceretraite.fr")
        }
    }

    @Test("the right password opens a session and shows the signed-in frame")
    func success() async throws {
        try await withTestApp { context in
            let browser = context.browser()
            let response = try await browser.signIn(DemoWorld.agentEmail)
            #expect(response.status == .seeOther)
            #expect(response.location == Paths.home)
            #expect(browser.cookies["habilis_session"] != nil)

            let home = try await browser.get(Paths.home)
            #expect(home.contains("Aristide Charenne"))
            #expect(home.contains("Se déconnecter"))
            #expect(home.contains("Mes informations"))
            #expect(home.contains("Accéder à l’application"))

            #expect(try await UserSession.query(on: context.db).count() == 1)
            #expect(try await context.auditActions().contains("sign_in.succeeded"))
            let agent = try #require(
                try await Agent.query(on: context.db).filter(\.$email == DemoWorld.agentEmail).first())
            #expect(agent.lastSignInAt == testEpoch)
        }
    }

    @Test("the password step looks the same whether or not the account exists")
    func noEnumerationOnPasswordStep() async throws {
        try await withTestApp { context in
            func normalised(_ email: String) async throws -> String {
                let browser = context.browser()
                try await browser.get(Paths.signIn)
                let page = try await browser.post(Paths.signIn, [("email", email)])
                return page.html.replacingOccurrences(of: email, with: "EMAIL")
                    .replacingOccurrences(of: browser.csrfToken ?? "-", with: "TOKEN")
            }
            let existing = try await normalised(DemoWorld.agentEmail)
            let unknown = try await normalised("personne.inconnue@lassuranceretraite.fr")
            #expect(existing == unknown)
        }
    }

    @Test("a failed sign-in says the same thing whatever the cause")
    func sameMessageForEveryFailure() async throws {
        try await withTestApp { context in
            let disabled = try #require(
                try await Agent.query(on: context.db).filter(\.$email == DemoWorld.cafAgentEmail).first())
            disabled.status = .disabled
            try await disabled.update(on: context.db)

            var messages: [String?] = []
            for (email, password) in [
                (DemoWorld.agentEmail, "pas le bon mot de passe"),
                ("inconnu@lassuranceretraite.fr", demoPassword),
                (DemoWorld.cafAgentEmail, demoPassword),
            ] {
                let browser = context.browser()
                let page = try await browser.signIn(email, password: password)
                #expect(page.status == .unprocessableEntity)
                #expect(browser.cookies["habilis_session"] == nil)
                messages.append(page.fieldError("password"))
            }
            #expect(messages.allSatisfy { $0 == "Identifiant ou mot de passe incorrect." })
            #expect(try await UserSession.query(on: context.db).count() == 0)
            let reasons = try await AuditEvent.query(on: context.db).filter(\.$action == "sign_in.failed").all()
                .map(\.details)
            #expect(reasons.contains { $0.contains("wrong_password") })
            #expect(reasons.contains { $0.contains("unknown_account") })
            #expect(reasons.contains { $0.contains("account_disabled") })
        }
    }

    @Test("an empty password is asked again beside the field")
    func emptyPassword() async throws {
        try await withTestApp { context in
            let page = try await context.browser().signIn(DemoWorld.agentEmail, password: "")
            #expect(page.status == .unprocessableEntity)
            #expect(page.fieldError("password") == "Saisissez votre mot de passe.")
            #expect(page.title?.hasPrefix("Erreur : ") == true)
        }
    }

    @Test("sign-out ends the session on the server: the old cookie opens nothing")
    func signOut() async throws {
        try await withTestApp { context in
            let browser = context.browser()
            try await browser.signIn(DemoWorld.agentEmail)
            let stolen = try #require(browser.cookies["habilis_session"])
            try await browser.get(Paths.home)
            let out = try await browser.post(Paths.signOut)
            #expect(out.status == .seeOther)
            #expect(out.location == Paths.signIn + "?message=deconnecte")
            #expect(browser.cookies["habilis_session"] == nil)
            let notice = try await browser.get(out.location!)
            #expect(notice.contains("Vous êtes déconnecté de l’espace Organismes."))

            let replay = context.browser()
            replay.setCookie("habilis_session", stolen)
            let home = try await replay.get(Paths.home)
            #expect(home.status == .seeOther)
            #expect(home.location == Paths.signIn)
            #expect(try await UserSession.query(on: context.db).count() == 0)
            #expect(try await context.auditActions().contains("sign_out"))
        }
    }

    @Test("an unknown session cookie is never adopted")
    func unknownCookie() async throws {
        try await withTestApp { context in
            let browser = context.browser()
            browser.setCookie("habilis_session", "made-up-value")
            let home = try await browser.get(Paths.home)
            #expect(home.location == Paths.signIn)
            #expect(browser.cookies["habilis_session"] == nil)
        }
    }

    @Test("each sign-in gets a new session id")
    func renewedSessionID() async throws {
        try await withTestApp { context in
            let first = context.browser()
            try await first.signIn(DemoWorld.agentEmail)
            let second = context.browser()
            try await second.signIn(DemoWorld.agentEmail)
            #expect(first.cookies["habilis_session"] != second.cookies["habilis_session"])
            let stored = try await UserSession.query(on: context.db).all().map(\.tokenHash)
            #expect(!stored.contains(first.cookies["habilis_session"]!))
        }
    }
}
