import Fluent
import Foundation
import Testing
import Vapor

@testable import HabilisApp

@Suite("Forgotten password: a single-use link by mail, then a new password twice")
struct PasswordResetTests {
    let newPassword = "les girafes dansent en hiver"

    /// Asks for a link from the password step, as the guide describes, and returns the path of the mailed link.
    func requestLink(_ context: TestContext, for email: String = DemoWorld.agentEmail) async throws -> String? {
        let browser = context.browser()
        try await browser.get(Paths.signIn)
        try await browser.post(Paths.signIn, [("email", email)])
        let sent = try await browser.post(Paths.forgotPassword, [("email", email)])
        #expect(sent.contains("un message vient d’y être envoyé"))
        let mail = try await context.deliverMail().last { $0.recipient == email }
        return mail?.link(startingWith: "http://127.0.0.1:8080/")?
            .replacingOccurrences(of: "http://127.0.0.1:8080", with: "")
    }

    @Test(
        "administrators and local correspondents need 16 characters (SECURITY.md A15), agents 12",
        arguments: [
            (DemoWorld.administratorEmail, 16), (DemoWorld.correspondentEmail, 16), (DemoWorld.agentEmail, 12),
        ])
    func privilegedAccountsNeedLongerPasswords(email: String, minimum: Int) async throws {
        try await withTestApp { context in
            let path = try #require(try await requestLink(context, for: email))
            let browser = context.browser()
            let form = try await browser.get(path)
            #expect(form.contains("Votre mot de passe doit contenir de \(minimum) à 128 caractères"))
            let token = try #require(form.inputValue(named: "jeton"))

            let fourteen = "zèbres pâles x"
            let answer = try await browser.post(
                Paths.resetPassword, [("jeton", token), ("password", fourteen), ("confirmation", fourteen)])
            if minimum == 16 {
                #expect(answer.status == .unprocessableEntity)
                #expect(
                    answer.fieldError("password")
                        == "Le mot de passe d’un administrateur ou d’un correspondant local doit contenir au moins "
                        + "16 caractères.")
                #expect(answer.contains("Votre mot de passe doit contenir de 16 à 128 caractères"))
                #expect(try await context.browser().signIn(email, password: fourteen).status == .unprocessableEntity)
                let sixteen = "zèbres pâles xyz"
                let done = try await browser.post(
                    Paths.resetPassword, [("jeton", token), ("password", sixteen), ("confirmation", sixteen)])
                #expect(done.status == .seeOther)
                #expect(try await context.browser().signIn(email, password: sixteen).status == .seeOther)
            } else {
                #expect(answer.status == .seeOther)
                #expect(try await context.browser().signIn(email, password: fourteen).status == .seeOther)
            }
        }
    }

    @Test("the whole journey: link, new password twice, sign-in with the new one, other sessions ended")
    func journey() async throws {
        try await withTestApp { context in
            let elsewhere = context.browser()
            try await elsewhere.signIn(DemoWorld.agentEmail)

            let path = try #require(try await requestLink(context))
            let mails = try context.mailbox.to(DemoWorld.agentEmail)
            #expect(mails.count == 1)
            #expect(mails[0].subject == "Créer un nouveau mot de passe — espace Organismes")
            #expect(mails[0].text.contains("Ce lien est valable 60 minutes"))
            #expect(mails[0].html.contains("<a href=\"http://127.0.0.1:8080/mot-de-passe/nouveau?jeton="))

            let browser = context.browser()
            let form = try await browser.get(path)
            #expect(form.contains("Choisir un nouveau mot de passe"))
            let token = try #require(form.inputValue(named: "jeton"))

            let mismatch = try await browser.post(
                Paths.resetPassword, [("jeton", token), ("password", newPassword), ("confirmation", "autre chose")])
            #expect(mismatch.status == .unprocessableEntity)
            #expect(mismatch.fieldError("confirmation") == "Les deux mots de passe ne sont pas identiques.")
            #expect(!mismatch.html.contains(newPassword))

            let done = try await browser.post(
                Paths.resetPassword, [("jeton", token), ("password", newPassword), ("confirmation", newPassword)])
            #expect(done.status == .seeOther)
            let notice = try await browser.get(try #require(done.location))
            #expect(notice.contains("Votre mot de passe a été modifié."))

            #expect(try await elsewhere.get(Paths.home).location == Paths.signIn)
            #expect(try await context.browser().signIn(DemoWorld.agentEmail).status == .unprocessableEntity)
            #expect(
                try await context.browser().signIn(DemoWorld.agentEmail, password: newPassword).status == .seeOther)

            let confirmation = try await context.deliverMail().filter { $0.recipient == DemoWorld.agentEmail }
            #expect(confirmation.map(\.subject).contains("Votre mot de passe a été modifié — espace Organismes"))
            let actions = try await context.auditActions()
            #expect(actions.contains("password_reset.requested"))
            #expect(actions.contains("password_reset.completed"))

            let reuse = try await context.browser().get(path)
            #expect(reuse.contains("Ce lien n’est plus valable"))
        }
    }

    @Test("the token of the mail is not stored in the database")
    func tokenStoredHashed() async throws {
        try await withTestApp { context in
            let path = try #require(try await requestLink(context))
            let token = String(path.split(separator: "=").last ?? "")
            let rows = try await PasswordResetToken.query(on: context.db).all()
            #expect(rows.count == 1)
            #expect(rows[0].tokenHash == SecureToken.hash(token))
            #expect(rows[0].tokenHash != token)
        }
    }

    @Test("a link expires after 60 minutes")
    func expiry() async throws {
        try await withTestApp { context in
            let path = try #require(try await requestLink(context))
            context.clock.advance(by: 61 * 60)
            let page = try await context.browser().get(path)
            #expect(page.contains("Ce lien n’est plus valable"))
            let token = String(path.split(separator: "=").last ?? "")
            let browser = context.browser()
            try await browser.get(Paths.signIn)
            let post = try await browser.post(
                Paths.resetPassword, [("jeton", token), ("password", newPassword), ("confirmation", newPassword)])
            #expect(post.contains("Ce lien n’est plus valable"))
            #expect(try await context.browser().signIn(DemoWorld.agentEmail, password: newPassword).status != .seeOther)
        }
    }

    @Test("a newer link kills the older one")
    func newerLinkWins() async throws {
        try await withTestApp { context in
            let first = try #require(try await requestLink(context))
            context.clock.advance(by: 60)
            let second = try #require(try await requestLink(context))
            #expect(first != second)
            #expect(try await context.browser().get(first).contains("Ce lien n’est plus valable"))
            #expect(try await context.browser().get(second).contains("Choisir un nouveau mot de passe"))
        }
    }

    @Test("an unknown or disabled address gets the same page and no mail")
    func noEnumeration() async throws {
        try await withTestApp { context in
            try await Agent.query(on: context.db).filter(\.$email == DemoWorld.cafAgentEmail)
                .set(\.$status, to: .disabled).update()
            var pages: [String] = []
            for email in ["inconnu@caf.fr", DemoWorld.cafAgentEmail, DemoWorld.agentEmail] {
                let browser = context.browser()
                try await browser.get(Paths.forgotPassword)
                let page = try await browser.post(Paths.forgotPassword, [("email", email)])
                pages.append(page.text.replacingOccurrences(of: email, with: "EMAIL"))
            }
            #expect(Set(pages).count == 1)
            let mails = try await context.deliverMail()
            #expect(mails.map(\.recipient) == [DemoWorld.agentEmail])
        }
    }

    @Test("no more than 3 links an hour go to one address; the page stays the same")
    func mailsThrottled() async throws {
        try await withTestApp { context in
            for _ in 0..<6 {
                let browser = context.browser()
                try await browser.get(Paths.forgotPassword)
                let page = try await browser.post(Paths.forgotPassword, [("email", DemoWorld.agentEmail)])
                #expect(page.contains("un message vient d’y être envoyé"))
            }
            #expect(try await context.deliverMail().count == 3)
            #expect(try await context.auditActions().contains("password_reset.throttled"))
        }
    }

    @Test("the new password must meet the policy, with the reason beside the field")
    func policyEnforced() async throws {
        try await withTestApp { context in
            let path = try #require(try await requestLink(context))
            let browser = context.browser()
            let form = try await browser.get(path)
            let token = try #require(form.inputValue(named: "jeton"))
            for (password, message) in [
                ("court", "Le mot de passe doit contenir au moins 12 caractères."),
                ("motdepasse2024!", "Ce mot de passe est trop courant ou trop prévisible : choisissez-en un autre."),
                ("aristide est mon prénom", "Le mot de passe ne doit contenir ni votre nom"),
            ] {
                let page = try await browser.post(
                    Paths.resetPassword, [("jeton", token), ("password", password), ("confirmation", password)])
                #expect(page.status == .unprocessableEntity)
                #expect(page.fieldError("password")?.hasPrefix(message) == true)
            }
        }
    }

    @Test("the link is built from HABILIS_BASE_URL, never from the Host header")
    func linkHostFixed() async throws {
        try await withTestApp { context in
            let browser = context.browser()
            try await browser.get(Paths.forgotPassword)
            try await browser.post(
                Paths.forgotPassword, [("email", DemoWorld.agentEmail)],
                headers: [("Host", "evil.example"), ("X-Forwarded-Host", "evil.example")])
            let mail = try #require(try await context.deliverMail().first)
            #expect(mail.text.contains("http://127.0.0.1:8080/mot-de-passe/nouveau?jeton="))
            #expect(!mail.text.contains("evil.example"))
        }
    }
}
