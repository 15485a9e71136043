import Fluent
import Foundation
import Testing
import Vapor

@testable import HabilisApp

@Suite("Asking for access: who decides is said before and after, deciders are told at once")
struct RequestAccessTests {
    @Test("the confirmation step names the correspondent and the date of automatic acceptance")
    func confirmation() async throws {
        try await withTestApp { context in
            let browser = context.browser()
            try await browser.signIn(DemoWorld.agentEmail)
            let page = try await browser.get(Paths.requestAccess("GREVE"))
            #expect(page.status == .ok)
            #expect(
                page.contains(
                    "Votre demande sera immédiatement adressée pour validation au correspondant local de "
                        + "CARSAT Rhône-Alpes (Marie Durand)."))
            #expect(page.contains("Sauf refus formel, elle sera acceptée automatiquement le 12 mars 2026."))
            #expect(try await AccessRequest.query(on: context.db).count() == 0)
        }
    }

    @Test("a local application is routed to the correspondent, who gets a mail and a notification")
    func routedToCorrespondent() async throws {
        try await withTestApp { context in
            let sent = try await requestAccess(
                "GREVE", as: DemoWorld.agentEmail, justification: "Je remplace le responsable RH.", context: context)
            #expect(sent.status == .seeOther)
            let browser = context.browser()
            try await browser.signIn(DemoWorld.agentEmail)
            let confirmation = try await browser.get(try #require(sent.location))
            #expect(
                confirmation.contains(
                    "Votre demande a été adressée pour validation au correspondant local de "
                        + "CARSAT Rhône-Alpes (Marie Durand)."))
            #expect(confirmation.contains("Statut en attente"))

            let request = try #require(try await Given.requests(of: DemoWorld.agentEmail, on: context.db).first)
            #expect(request.status == .pending)
            #expect(request.routedTo == .correspondents)
            #expect(request.justification == "Je remplace le responsable RH.")
            #expect(request.dueAt == testEpoch.addingTimeInterval(10 * 86_400))

            let mails = try await context.deliverMail()
            #expect(mails.map(\.recipient) == [DemoWorld.correspondentEmail])
            #expect(mails[0].subject == "Demande d’habilitation à traiter : Grève")
            #expect(
                mails[0].text.contains("Aristide Charenne (CARSAT Rhône-Alpes) demande l’accès à l’application Grève."))
            #expect(mails[0].text.contains("acceptée automatiquement le 12 mars 2026"))
            let marie = try await Given.agent(DemoWorld.correspondentEmail, on: context.db)
            #expect(try await Notification.query(on: context.db).filter(\.$agent.$id == marie.id!).count() == 1)
            #expect(try await context.auditActions().contains("access_request.created"))

            let correspondent = context.browser()
            try await correspondent.signIn(DemoWorld.correspondentEmail)
            #expect(try await correspondent.get(Paths.home).contains("Notifications (1 non lue(s))"))
        }
    }

    @Test("a central application goes to the administrators")
    func central() async throws {
        try await withTestApp { context in
            let browser = context.browser()
            try await browser.signIn(DemoWorld.agentEmail)
            #expect(try await browser.get(Paths.requestAccess("TDB-RH")).contains("aux administrateurs de l’UCANSS"))
            try await browser.post(Paths.requestAccess("TDB-RH"), [("justification", "")])
            let request = try #require(try await Given.requests(of: DemoWorld.agentEmail, on: context.db).first)
            #expect(request.routedTo == .administrators)
            #expect(try await context.deliverMail().map(\.recipient) == [DemoWorld.administratorEmail])
        }
    }

    @Test("an organisme without correspondent goes to the administrators")
    func noCorrespondent() async throws {
        try await withTestApp { context in
            try await requestAccess("GREVE", as: DemoWorld.cafAgentEmail, context: context)
            let request = try #require(try await Given.requests(of: DemoWorld.cafAgentEmail, on: context.db).first)
            #expect(request.routedTo == .administrators)
            #expect(try await context.deliverMail().map(\.recipient) == [DemoWorld.administratorEmail])
        }
    }

    @Test("a correspondent's own request goes to someone else")
    func noSelfApproval() async throws {
        try await withTestApp { context in
            try await requestAccess("GREVE", as: DemoWorld.correspondentEmail, context: context)
            let request = try #require(try await Given.requests(of: DemoWorld.correspondentEmail, on: context.db).first)
            #expect(request.routedTo == .administrators)
            let marie = context.browser()
            try await marie.signIn(DemoWorld.correspondentEmail)
            #expect(try await marie.get(Paths.requestsToDecide).contains("Aucune demande n’attend votre décision."))
            let page = try await marie.get(Paths.requestToDecide(request.id!))
            #expect(page.status == .notFound)
        }
    }

    @Test("a double submission makes one request")
    func doubleSubmit() async throws {
        try await withTestApp { context in
            let browser = context.browser()
            try await browser.signIn(DemoWorld.agentEmail)
            try await browser.get(Paths.requestAccess("GREVE"))
            let first = try await browser.post(Paths.requestAccess("GREVE"), [("justification", "")])
            let second = try await browser.post(Paths.requestAccess("GREVE"), [("justification", "")])
            #expect(try await Given.requests(of: DemoWorld.agentEmail, on: context.db).count == 1)
            #expect(second.location?.hasPrefix(first.location?.components(separatedBy: "?").first ?? "-") == true)
            #expect(try await context.deliverMail().count == 1)
        }
    }

    @Test("an application already held cannot be requested, nor a profile already held")
    func alreadyHeld() async throws {
        try await withTestApp { context in
            let agent = try await Given.agent(DemoWorld.agentEmail, on: context.db)
            try await Grant(
                agentID: agent.id!, applicationID: try await Given.application("GREVE", on: context.db).id!,
                grantedAt: context.clock.now, grantedByID: nil, accessRequestID: nil
            ).create(on: context.db)
            let page = try await requestAccess("GREVE", as: DemoWorld.agentEmail, context: context)
            #expect(page.location == Paths.home)
            // Accords locaux: « Consultation » is held, only « Rédaction » is offered.
            let browser = context.browser()
            try await browser.signIn(DemoWorld.agentEmail)
            let form = try await browser.get(Paths.requestAccess("ACCORDS-LOCAUX"))
            #expect(!form.html.contains("value=\"CONSULTATION\""))
            #expect(form.html.contains("value=\"REDACTION\" aria-describedby=\"profil-0-description\" checked"))
            let refused = try await browser.post(
                Paths.requestAccess("ACCORDS-LOCAUX"), [("profil", "CONSULTATION"), ("justification", "")])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.fieldError("profil") == "Choisissez l’un des profils proposés.")
            #expect(try await Given.requests(of: DemoWorld.agentEmail, on: context.db).isEmpty)
        }
    }

    @Test("an unknown or inactive application gives 404 and creates nothing")
    func unavailable() async throws {
        try await withTestApp { context in
            try await BusinessApplication.query(on: context.db).filter(\.$code == "GREVE")
                .set(\.$isActive, to: false).update()
            let browser = context.browser()
            try await browser.signIn(DemoWorld.agentEmail)
            #expect(try await browser.post(Paths.requestAccess("GREVE"), [("justification", "")]).status == .notFound)
            #expect(
                try await browser.post(Paths.requestAccess("INCONNUE"), [("justification", "")]).status == .notFound)
            #expect(try await AccessRequest.query(on: context.db).count() == 0)
        }
    }

    @Test("an oversized justification is refused beside the field and kept")
    func longJustification() async throws {
        try await withTestApp { context in
            let text = String(repeating: "x", count: 2001)
            let page = try await requestAccess("GREVE", as: DemoWorld.agentEmail, justification: text, context: context)
            #expect(page.status == .unprocessableEntity)
            #expect(
                page.fieldError("justification")
                    == "La justification ne doit pas dépasser 2 000 caractères (2001 saisis).")
            #expect(page.html.contains(text))
            #expect(try await AccessRequest.query(on: context.db).count() == 0)
        }
    }

    @Test("a justification with markup is stored as typed and shown escaped")
    func hostileJustification() async throws {
        try await withTestApp { context in
            let text = "<script>alert('x')</script> & \"guillemets\""
            try await requestAccess("GREVE", as: DemoWorld.agentEmail, justification: text, context: context)
            let request = try #require(try await Given.requests(of: DemoWorld.agentEmail, on: context.db).first)
            #expect(request.justification == text)
            let marie = context.browser()
            try await marie.signIn(DemoWorld.correspondentEmail)
            let queue = try await marie.get(Paths.requestsToDecide)
            #expect(!queue.html.contains("<script>alert"))
            #expect(queue.contains(text))
        }
    }

    @Test("the agent cancels a pending request; nobody else can")
    func cancel() async throws {
        try await withTestApp { context in
            try await requestAccess("GREVE", as: DemoWorld.agentEmail, context: context)
            let request = try #require(try await Given.requests(of: DemoWorld.agentEmail, on: context.db).first)

            let other = context.browser()
            try await other.signIn(DemoWorld.directorEmail)
            #expect(try await other.get(Paths.accessRequest(request.id!)).status == .notFound)
            #expect(try await other.post(Paths.cancelAccessRequest(request.id!)).status == .notFound)

            let browser = context.browser()
            try await browser.signIn(DemoWorld.agentEmail)
            try await browser.get(Paths.accessRequest(request.id!))
            let done = try await browser.post(Paths.cancelAccessRequest(request.id!))
            #expect(done.status == .seeOther)
            let page = try await browser.get(Paths.accessRequest(request.id!))
            #expect(page.contains("Statut annulée"))
            try await request.$agent.load(on: context.db)
            #expect(try await AccessRequest.find(request.id, on: context.db)?.status == .cancelled)
            #expect(try await context.auditActions().contains("access_request.cancelled"))
            #expect(try await browser.get(Paths.home).contains("Demander l’accès à l’application Grève"))
        }
    }
}
