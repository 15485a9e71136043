import Fluent
import Foundation
import Testing
import Vapor

@testable import HabilisApp

/// Fills the registration form as a visitor; returns the page shown after submitting.
@discardableResult
func register(
    _ email: String, organisation code: String = "CARSAT-RA", password: String = "les girafes dansent en hiver",
    extra: [(String, String)] = [], context: TestContext
) async throws -> Page {
    let organisation = try await Given.organisation(code, on: context.db)
    let browser = context.browser()
    try await browser.get(Paths.registration)
    try await browser.post(Paths.registration, [("email", email)])
    let fields: [(String, String)] = [
        ("email", email), ("civilite", "Madame"), ("prenom", "Louise"), ("nom", "Bernard"), ("nomNaissance", ""),
        ("organisme", organisation.id!.uuidString.lowercased()), ("secondOrganisme", ""),
        ("telephone", "04 72 00 00 01"), ("emailContact", ""), ("password", password), ("confirmation", password),
    ]
    let merged = fields.map { field in extra.first { $0.0 == field.0 } ?? field }
    return try await browser.post(Paths.registrationForm, merged)
}

/// Follows the proof link of the last proof mail sent to `email` and presses the button.
@discardableResult
func prove(_ email: String, context: TestContext) async throws -> Page? {
    let mails = try await context.deliverMail().filter { $0.recipient == email && $0.subject.hasPrefix("Confirmez") }
    guard let link = mails.last?.link(startingWith: "http://127.0.0.1:8080/") else { return nil }
    let browser = context.browser()
    let page = try await browser.get(link.replacingOccurrences(of: "http://127.0.0.1:8080", with: ""))
    guard let token = page.inputValue(named: "jeton") else { return page }
    return try await browser.post(Paths.registrationProof, [("jeton", token)])
}

@Suite("Account requests: registration, proof of address, routing, decision")
struct RegistrationTests {
    let email = "l.bernard@lassuranceretraite.fr"

    @Test("the sign-in page leads to the registration")
    func link() async throws {
        try await withTestApp { context in
            let page = try await context.browser().get(Paths.signIn)
            #expect(page.html.contains("<a href=\"/inscription\">Demander un accès à l’espace Organismes</a>"))
            let step = try await context.browser().get(Paths.registration)
            #expect(step.contains("Entrez votre e-mail professionnel qui vous servira d’identifiant de connexion"))
        }
    }

    @Test("the whole journey: form, proof, routing to the correspondent, acceptance, first sign-in")
    func journey() async throws {
        try await withTestApp { context in
            let sent = try await register(email, context: context)
            #expect(sent.status == .ok)
            #expect(sent.contains("Un message vient d’être envoyé à \(email)"))
            #expect(sent.contains("adressée pour validation à un correspondant local de CARSAT Rhône-Alpes"))
            let row = try #require(try await AccountRequest.query(on: context.db).first())
            #expect(row.status == .awaitingProof)
            #expect(row.phone == "0472000001")
            #expect(!row.isOutsideMailDomains)

            // Not routed before the proof: the correspondent has nothing yet.
            #expect(try await context.deliverMail().map(\.recipient) == [email])
            let marie = context.browser()
            try await marie.signIn(DemoWorld.correspondentEmail)
            #expect(!(try await marie.get(Paths.requestsToDecide)).contains("Louise Bernard"))

            let proven = try #require(try await prove(email, context: context))
            #expect(
                proven.contains(
                    "Votre demande a été adressée pour validation au correspondant local de CARSAT "
                        + "Rhône-Alpes."))
            let toMarie = try await context.deliverMail().filter { $0.recipient == DemoWorld.correspondentEmail }
            #expect(toMarie.map(\.subject) == ["Demande de création de compte à traiter : Louise Bernard"])

            let queue = try await marie.get(Paths.requestsToDecide)
            #expect(queue.contains("Madame Louise Bernard"))
            #expect(queue.contains("04 72 00 00 01"))
            try await marie.get(Paths.accountRequestToDecide(row.id!))
            let done = try await marie.post(Paths.decideAccountRequest(row.id!), [("decision", "accepter")])
            #expect(try await marie.get(try #require(done.location)).contains("1 demande acceptée."))

            let agent = try await Given.agent(email, on: context.db)
            #expect(agent.status == .active)
            #expect(agent.firstName == "Louise")
            #expect(agent.phone == "0472000001")
            let outcome = try #require(try await context.deliverMail().last { $0.recipient == email })
            #expect(outcome.subject == "Votre compte d’accès à l’espace Organismes est ouvert")
            #expect(
                try await context.browser().signIn(email, password: "les girafes dansent en hiver").status == .seeOther)
            let actions = try await context.auditActions()
            for action in ["submitted", "proven", "routed", "accepted"] {
                #expect(actions.contains("account_request.\(action)"))
            }
        }
    }

    @Test("until accepted, the account cannot sign in and the sign-in page says nothing about it")
    func pendingCannotSignIn() async throws {
        try await withTestApp { context in
            try await register(email, context: context)
            try await prove(email, context: context)
            let pending = try await context.browser().signIn(email, password: "les girafes dansent en hiver")
            let unknown = try await context.browser().signIn("personne@lassuranceretraite.fr")
            #expect(pending.fieldError("password") == unknown.fieldError("password"))
            #expect(pending.status == .unprocessableEntity)
        }
    }

    @Test("an organisme without correspondent sends the request to the administrators")
    func noCorrespondent() async throws {
        try await withTestApp { context in
            let sent = try await register("l.bernard@caf.fr", organisation: "CAF-69", context: context)
            #expect(sent.contains("à un administrateur de l’UCANSS"))
            try await prove("l.bernard@caf.fr", context: context)
            let row = try #require(try await AccountRequest.query(on: context.db).first())
            #expect(row.routedTo == .administrators)
            let mails = try await context.deliverMail().filter { $0.subject.hasPrefix("Demande de création") }
            #expect(mails.map(\.recipient) == [DemoWorld.administratorEmail])
        }
    }

    @Test("an address outside the organisme's domains is flagged to the validator, not refused")
    func outsideDomains() async throws {
        try await withTestApp { context in
            try await register("louise.bernard@gmail.com", context: context)
            try await prove("louise.bernard@gmail.com", context: context)
            let row = try #require(try await AccountRequest.query(on: context.db).first())
            #expect(row.isOutsideMailDomains)
            #expect(row.status == .pending)
            let mail = try #require(
                try await context.deliverMail().first { $0.recipient == DemoWorld.correspondentEmail })
            #expect(mail.text.contains("Attention : cette adresse n’appartient pas aux domaines de messagerie"))
            let marie = context.browser()
            try await marie.signIn(DemoWorld.correspondentEmail)
            #expect(
                try await marie.get(Paths.requestsToDecide).contains(
                    "Attention : adresse hors des domaines de l’organisme (lassuranceretraite.fr)"))
        }
    }

    @Test("a refusal needs a reason, which the applicant receives; no account is created")
    func refusal() async throws {
        try await withTestApp { context in
            try await register(email, context: context)
            try await prove(email, context: context)
            let row = try #require(try await AccountRequest.query(on: context.db).first())
            let marie = context.browser()
            try await marie.signIn(DemoWorld.correspondentEmail)
            try await marie.get(Paths.requestsToDecide)
            let missing = try await marie.post(
                Paths.decideAccountRequests, [("ids[]", row.id!.uuidString), ("decision", "refuser")])
            #expect(missing.fieldError("comptesMotif") == "Renseignez le motif du refus.")
            try await marie.post(
                Paths.decideAccountRequests,
                [("ids[]", row.id!.uuidString), ("decision", "refuser"), ("motif", "Personne inconnue du service")])
            #expect(try await AccountRequest.find(row.id, on: context.db)?.status == .refused)
            #expect(try await Agent.query(on: context.db).filter(\.$email == email).count() == 0)
            let mail = try #require(try await context.deliverMail().last { $0.recipient == email })
            #expect(mail.text.contains("Motif : Personne inconnue du service"))
            #expect(try await context.auditActions().contains("account_request.refused"))
        }
    }

    @Test("an address that already has an account gets the same screen and a mail to its owner")
    func existingAccount() async throws {
        try await withTestApp { context in
            let existing = try await register(DemoWorld.agentEmail, context: context)
            let fresh = try await register(email, context: context)
            #expect(
                existing.text.replacingOccurrences(of: DemoWorld.agentEmail, with: "X")
                    == fresh.text.replacingOccurrences(of: email, with: "X"))
            #expect(
                try await AccountRequest.query(on: context.db).filter(\.$email == DemoWorld.agentEmail).count() == 0)
            let mail = try #require(try await context.deliverMail().first { $0.recipient == DemoWorld.agentEmail })
            #expect(mail.subject == "Vous avez déjà un compte — espace Organismes")
            #expect(mail.text.contains("http://127.0.0.1:8080/mot-de-passe-oublie"))
        }
    }

    @Test("a second submission updates the same request and only the newest link works")
    func doubleSubmission() async throws {
        try await withTestApp { context in
            try await register(email, context: context)
            let firstLink = try #require(try await context.deliverMail().last?.link(startingWith: "http://"))
            context.clock.advance(by: 60)
            try await register(email, extra: [("prenom", "Louisa")], context: context)
            #expect(try await AccountRequest.query(on: context.db).count() == 1)
            #expect(try await AccountRequest.query(on: context.db).first()?.firstName == "Louisa")
            let old = try await context.browser().get(
                firstLink.replacingOccurrences(of: "http://127.0.0.1:8080", with: ""))
            #expect(old.contains("Ce lien n’est plus valable"))
            #expect(try await prove(email, context: context)?.contains("Adresse confirmée") == true)
        }
    }

    @Test("every field is checked with a French message beside it; typed values stay, the password never")
    func badInput() async throws {
        try await withTestApp { context in
            let page = try await register(
                "pas-une-adresse", password: "court",
                extra: [
                    ("civilite", "Docteur"), ("prenom", "<b>Louise</b>"), ("nom", String(repeating: "n", count: 101)),
                    ("organisme", UUID().uuidString), ("telephone", "12345"), ("emailContact", "x@y"),
                ], context: context)
            #expect(page.status == .unprocessableEntity)
            #expect(page.fieldError("email") != nil)
            #expect(page.fieldError("civilite") == "Choisissez votre civilité.")
            #expect(page.fieldError("prenom")?.contains("que des lettres") == true)
            #expect(page.fieldError("nom") == "Le nom ne doit pas dépasser 100 caractères.")
            #expect(page.fieldError("organisme") == "Choisissez votre organisme dans la liste.")
            #expect(page.fieldError("telephone")?.hasPrefix("Saisissez un numéro de téléphone français") == true)
            #expect(page.fieldError("emailContact") != nil)
            #expect(page.fieldError("password") == "Le mot de passe doit contenir au moins 12 caractères.")
            #expect(page.html.contains("value=\"&lt;b&gt;Louise&lt;/b&gt;\""))
            #expect(!page.html.contains("value=\"court\""))
            #expect(try await AccountRequest.query(on: context.db).count() == 0)
        }
    }

    @Test("an inactive organisme and a second organisme equal to the first are refused")
    func organisationChecks() async throws {
        try await withTestApp { context in
            let carsat = try await Given.organisation("CARSAT-RA", on: context.db)
            let same = try await register(
                email, extra: [("secondOrganisme", carsat.id!.uuidString.lowercased())], context: context)
            #expect(same.fieldError("secondOrganisme") == "Le second organisme doit être différent de votre organisme.")
            carsat.isActive = false
            try await carsat.update(on: context.db)
            let inactive = try await register(email, context: context)
            #expect(inactive.fieldError("organisme") == "Choisissez votre organisme dans la liste.")
        }
    }

    @Test("an unproven request expires and is purged by the sweep")
    func expiry() async throws {
        try await withTestApp { context in
            try await register(email, context: context)
            context.clock.advance(by: 25 * 3600)
            #expect(try await prove(email, context: context)?.contains("Ce lien n’est plus valable") == true)
            let report = try await context.app.portal.accountRequests.sweep(asOf: context.clock.now, on: context.db)
            #expect(report.purged == 1)
            #expect(try await AccountRequest.query(on: context.db).count() == 0)
            #expect(try await context.auditActions().contains("account_request.purged"))
        }
    }

    @Test("after 10 days without decision the administrators are told and see it as overdue; never accepted")
    func escalation() async throws {
        try await withTestApp { context in
            try await register(email, context: context)
            try await prove(email, context: context)
            let service = context.app.portal.accountRequests
            #expect(
                try await service.sweep(asOf: testEpoch.addingTimeInterval(9 * 86_400), on: context.db).escalated == 0)
            #expect(
                try await service.sweep(asOf: testEpoch.addingTimeInterval(10 * 86_400), on: context.db).escalated == 1)
            #expect(
                try await service.sweep(asOf: testEpoch.addingTimeInterval(11 * 86_400), on: context.db).escalated == 0)
            let mails = try await context.deliverMail().filter {
                $0.subject.hasPrefix("Demande de création de compte en attente")
            }
            #expect(mails.map(\.recipient) == [DemoWorld.administratorEmail])
            _ = try await context.app.portal.accessRequests.sweep(
                asOf: testEpoch.addingTimeInterval(60 * 86_400), on: context.db, logger: context.app.logger)
            #expect(try await AccountRequest.query(on: context.db).first()?.status == .pending)
            let admin = context.browser()
            try await admin.signIn(DemoWorld.administratorEmail)
            let queue = try await admin.get(Paths.requestsToDecide)
            #expect(queue.contains("Madame Louise Bernard"))
            #expect(queue.contains("en retard"))
        }
    }

    @Test("two deciders at once: one decision, the second is told")
    func concurrentDecisions() async throws {
        try await withTestApp { context in
            try await register(email, context: context)
            try await prove(email, context: context)
            let row = try #require(try await AccountRequest.query(on: context.db).first())
            let marie = context.browser()
            try await marie.signIn(DemoWorld.correspondentEmail)
            let admin = context.browser()
            try await admin.signIn(DemoWorld.administratorEmail)
            async let first = marie.post(
                Paths.decideAccountRequests, [("ids[]", row.id!.uuidString), ("decision", "accepter")])
            async let second = admin.post(
                Paths.decideAccountRequests, [("ids[]", row.id!.uuidString), ("decision", "refuser"), ("motif", "Non")])
            let (a, b) = try await (first, second)
            let notices = [a.location ?? "\(a.status)", b.location ?? "\(b.status)"]
            #expect(notices.filter { $0.contains("deja=1") }.count == 1, "\(notices)")
            #expect(try await Agent.query(on: context.db).filter(\.$email == email).count() <= 1)
            let outcomes = try await context.deliverMail().filter {
                $0.recipient == email && !$0.subject.hasPrefix("Confirmez")
            }
            #expect(outcomes.count == 1)
        }
    }

    @Test("a correspondent of another organisme can neither see nor decide it")
    func otherOrganisme() async throws {
        try await withTestApp { context in
            try await register(email, context: context)
            try await prove(email, context: context)
            let row = try #require(try await AccountRequest.query(on: context.db).first())
            let martin = context.browser()
            try await martin.signIn(DemoWorld.cpamCorrespondentEmail)
            #expect(!(try await martin.get(Paths.requestsToDecide)).contains("Louise"))
            #expect(try await martin.get(Paths.accountRequestToDecide(row.id!)).status == .notFound)
            #expect(
                try await martin.post(Paths.decideAccountRequest(row.id!), [("decision", "accepter")]).status
                    == .notFound)
            try await martin.post(
                Paths.decideAccountRequests, [("ids[]", row.id!.uuidString), ("decision", "accepter")])
            #expect(try await AccountRequest.find(row.id, on: context.db)?.status == .pending)
            #expect(try await Agent.query(on: context.db).filter(\.$email == email).count() == 0)
        }
    }
}
