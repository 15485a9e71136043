import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@testable import HabilisApp

@Suite("Deciding: the correspondent accepts or refuses with a reason, one by one or several at once")
struct DecisionTests {
    @Test("the queue lists what the correspondent may decide, soonest automatic acceptance first, with days left")
    func queue() async throws {
        try await withTestApp { context in
            try await requestAccess("GREVE", as: DemoWorld.agentEmail, context: context)
            context.clock.advance(by: 3 * 86_400)
            try await requestAccess("DROIT-SYNDICAL", as: DemoWorld.directorEmail, context: context)
            try await requestAccess("GREVE", as: DemoWorld.cafAgentEmail, context: context)

            let marie = context.browser()
            try await marie.signIn(DemoWorld.correspondentEmail)
            let page = try await marie.get(Paths.requestsToDecide)
            #expect(page.status == .ok)
            #expect(page.contains("2 demande(s) en attente"))
            let charenne = try #require(page.text.range(of: "Aristide Charenne"))
            let leroy = try #require(page.text.range(of: "Denis Leroy"))
            #expect(charenne.lowerBound < leroy.lowerBound)
            #expect(page.contains("7 jours restants"))
            #expect(page.contains("10 jours restants"))
            #expect(!page.contains("Jeanne Petit"))

            let admin = context.browser()
            try await admin.signIn(DemoWorld.administratorEmail)
            let adminQueue = try await admin.get(Paths.requestsToDecide)
            #expect(adminQueue.contains("Jeanne Petit"))
            #expect(!adminQueue.contains("Aristide Charenne"))
        }
    }

    @Test("an agent has no queue")
    func agentForbidden() async throws {
        try await withTestApp { context in
            let browser = context.browser()
            try await browser.signIn(DemoWorld.agentEmail)
            #expect(try await browser.get(Paths.requestsToDecide).status == .forbidden)
            #expect(try await browser.post(Paths.decideRequests, [("decision", "accepter")]).status == .forbidden)
            #expect(!(try await browser.get(Paths.home)).contains("Demandes à traiter"))
        }
    }

    @Test("acceptance grants the right in the same step and tells the agent")
    func accept() async throws {
        try await withTestApp { context in
            try await requestAccess("GREVE", as: DemoWorld.agentEmail, context: context)
            let request = try #require(try await Given.requests(of: DemoWorld.agentEmail, on: context.db).first)
            _ = try await context.deliverMail()

            let marie = context.browser()
            try await marie.signIn(DemoWorld.correspondentEmail)
            let detail = try await marie.get(Paths.requestToDecide(request.id!))
            #expect(detail.contains("Demande de Aristide Charenne"))
            let done = try await marie.post(
                Paths.decideRequest(request.id!), [("decision", "accepter"), ("motif", "")])
            #expect(done.status == .seeOther)
            #expect(try await marie.get(try #require(done.location)).contains("1 demande acceptée."))

            #expect(try await Given.grants(of: DemoWorld.agentEmail, on: context.db) == ["ACCORDS-LOCAUX", "GREVE"])
            let stored = try #require(try await AccessRequest.find(request.id, on: context.db))
            #expect(stored.status == .accepted)
            #expect(stored.decidedAt == testEpoch)
            let mails = try await context.deliverMail().filter { $0.recipient == DemoWorld.agentEmail }
            #expect(mails.map(\.subject) == ["Votre demande d’accès à Grève est acceptée"])
            #expect(mails[0].text.contains("a été acceptée par Marie Durand"))
            #expect(try await context.auditActions().contains("access_request.accepted"))

            let agent = context.browser()
            try await agent.signIn(DemoWorld.agentEmail)
            let catalogue = try await agent.get(Paths.home)
            #expect(catalogue.contains("Grève (accès ouvert)"))
            let history = try await agent.get(Paths.myRights)
            #expect(history.contains("Grève 02/03/2026 acceptée 02/03/2026 — Marie Durand"))
            #expect(history.contains("demande acceptée par Marie Durand"))
        }
    }

    @Test("a refusal needs a reason, which the agent receives and sees in the history")
    func refuse() async throws {
        try await withTestApp { context in
            try await requestAccess("GREVE", as: DemoWorld.agentEmail, context: context)
            let request = try #require(try await Given.requests(of: DemoWorld.agentEmail, on: context.db).first)
            let marie = context.browser()
            try await marie.signIn(DemoWorld.correspondentEmail)
            try await marie.get(Paths.requestToDecide(request.id!))

            let missing = try await marie.post(
                Paths.decideRequest(request.id!), [("decision", "refuser"), ("motif", " ")])
            #expect(missing.status == .unprocessableEntity)
            #expect(missing.fieldError("motif") == "Renseignez le motif du refus.")
            #expect(try await AccessRequest.find(request.id, on: context.db)?.status == .pending)

            let reason = "Accès réservé aux gestionnaires RH."
            try await marie.post(Paths.decideRequest(request.id!), [("decision", "refuser"), ("motif", reason)])
            let stored = try #require(try await AccessRequest.find(request.id, on: context.db))
            #expect(stored.status == .refused)
            #expect(stored.refusalReason == reason)
            #expect(try await Given.grants(of: DemoWorld.agentEmail, on: context.db) == ["ACCORDS-LOCAUX"])
            let mail = try #require(try await context.deliverMail().last { $0.recipient == DemoWorld.agentEmail })
            #expect(mail.subject == "Votre demande d’accès à Grève est refusée")
            #expect(mail.text.contains("Motif : \(reason)"))

            let agent = context.browser()
            try await agent.signIn(DemoWorld.agentEmail)
            let history = try await agent.get(Paths.myRights)
            #expect(history.contains("refusée 02/03/2026 — Marie Durand \(reason)"))
        }
    }

    @Test("several requests are decided at once")
    func batch() async throws {
        try await withTestApp { context in
            try await requestAccess("GREVE", as: DemoWorld.agentEmail, context: context)
            try await requestAccess("DROIT-SYNDICAL", as: DemoWorld.agentEmail, context: context)
            try await requestAccess("GREVE", as: DemoWorld.directorEmail, context: context)
            let ids = try await AccessRequest.query(on: context.db).all().map { $0.id!.uuidString.lowercased() }

            let marie = context.browser()
            try await marie.signIn(DemoWorld.correspondentEmail)
            try await marie.get(Paths.requestsToDecide)
            let noSelection = try await marie.post(Paths.decideRequests, [("decision", "accepter")])
            #expect(noSelection.fieldError("selection") == "Sélectionnez au moins une demande.")

            let noReason = try await marie.post(
                Paths.decideRequests, ids.map { ("ids[]", $0) } + [("decision", "refuser"), ("motif", "")])
            #expect(noReason.fieldError("motif") == "Renseignez le motif du refus.")
            #expect(noReason.html.contains("checked"))

            let done = try await marie.post(
                Paths.decideRequests, ids.map { ("ids[]", $0) } + [("decision", "accepter")])
            #expect(try await marie.get(try #require(done.location)).contains("3 demandes acceptées."))
            #expect(try await Grant.query(on: context.db).count() == 4)
            #expect(try await marie.get(Paths.requestsToDecide).contains("Aucune demande n’attend votre décision."))
        }
    }

    @Test("a second decider is told the request was already decided, and nothing changes")
    func alreadyDecided() async throws {
        try await withTestApp { context in
            try await requestAccess("TDB-RH", as: DemoWorld.agentEmail, context: context)
            let request = try #require(try await Given.requests(of: DemoWorld.agentEmail, on: context.db).first)
            let second = try await Given.newAgent("second.admin@ucanss.fr", organisation: "UCANSS", context: context)
            second.isAdministrator = true
            try await second.update(on: context.db)

            let first = context.browser()
            try await first.signIn(DemoWorld.administratorEmail)
            try await first.get(Paths.requestsToDecide)
            let other = context.browser()
            try await other.signIn("second.admin@ucanss.fr")
            try await other.get(Paths.requestsToDecide)

            try await first.post(Paths.decideRequests, [("ids[]", request.id!.uuidString), ("decision", "accepter")])
            let late = try await other.post(
                Paths.decideRequests, [("ids[]", request.id!.uuidString), ("decision", "refuser"), ("motif", "Non")])
            let notice = try await other.get(try #require(late.location))
            #expect(notice.contains("1 demande avait déjà été traitée entre-temps, elle n’a pas été modifiée."))
            #expect(try await AccessRequest.find(request.id, on: context.db)?.status == .accepted)
            #expect(try await Grant.query(on: context.db).count() == 2)
        }
    }

    @Test("a correspondent of another organisme can neither see nor decide, even with a forged post")
    func otherOrganisme() async throws {
        try await withTestApp { context in
            try await requestAccess("GREVE", as: DemoWorld.agentEmail, context: context)
            let request = try #require(try await Given.requests(of: DemoWorld.agentEmail, on: context.db).first)
            let martin = context.browser()
            try await martin.signIn(DemoWorld.cpamCorrespondentEmail)
            #expect(!(try await martin.get(Paths.requestsToDecide)).contains("Aristide"))
            #expect(try await martin.get(Paths.requestToDecide(request.id!)).status == .notFound)
            #expect(
                try await martin.post(Paths.decideRequest(request.id!), [("decision", "accepter")]).status == .notFound)
            let forged = try await martin.post(
                Paths.decideRequests, [("ids[]", request.id!.uuidString), ("decision", "accepter")])
            #expect(try await martin.get(try #require(forged.location)).contains("hors de votre périmètre"))
            #expect(try await AccessRequest.find(request.id, on: context.db)?.status == .pending)
            #expect(try await context.auditActions().contains("access.denied"))
        }
    }

    @Test("a correspondent limited to some applications gets only those; the others go to the administrators")
    func scopedCorrespondent() async throws {
        try await withTestApp { context in
            let marie = try await Given.agent(DemoWorld.correspondentEmail, on: context.db)
            let designation = try #require(
                try await Correspondent.query(on: context.db).filter(\.$agent.$id == marie.id!).first())
            let greve = try await Given.application("GREVE", on: context.db)
            try await CorrespondentScope(correspondentID: designation.id!, applicationID: greve.id!).create(
                on: context.db)

            try await requestAccess("GREVE", as: DemoWorld.agentEmail, context: context)
            try await requestAccess("DROIT-SYNDICAL", as: DemoWorld.agentEmail, context: context)
            let requests = try await Given.requests(of: DemoWorld.agentEmail, on: context.db)
            #expect(requests.map(\.routedTo) == [.correspondents, .administrators])
        }
    }
}

@Suite("Deciding: a long queue is paged, its size counted with the page")
struct LongQueueTests {
    @Test("past 1,000 pending requests the queue lists the 1,000 soonest, says there are more, and counts no further")
    func bounded() async throws {
        try await withTestApp { context in
            let charenne = try await Given.agent(DemoWorld.agentEmail, on: context.db)
            let application = try await Given.application("GREVE", on: context.db)
            let organisationID = charenne.$organisation.id
            let waiting = DecisionQueue.listedBound + 5
            try await context.db.transaction { database in
                for number in 1...waiting {
                    let agent = Agent(
                        email: "file-\(number)@test.fr", passwordHash: charenne.passwordHash, civility: "Madame",
                        firstName: "Camille", lastName: String(format: "File%04d", number),
                        organisationID: organisationID, status: .active, createdAt: context.clock.now)
                    try await agent.create(on: database)
                    try await AccessRequest(
                        agentID: agent.id!, applicationID: application.id!, organisationID: organisationID,
                        justification: nil, routedTo: .correspondents, createdAt: context.clock.now,
                        dueAt: context.clock.now.addingTimeInterval(Double(number) * 60)
                    ).create(on: database)
                }
            }
            let marie = context.browser()
            try await marie.signIn(DemoWorld.correspondentEmail)
            /// The page's text with French number spacing read as plain spaces.
            func text(_ path: String) async throws -> String {
                let page = try await marie.get(path)
                #expect(page.status == .ok)
                return page.html.replacingOccurrences(of: "\u{202F}", with: " ")
                    .replacingOccurrences(of: "\u{A0}", with: " ")
            }
            let first = try await text(Paths.requestsToDecide)
            #expect(first.contains("Demandes d’habilitation (plus de 1 000)"))
            #expect(first.contains("Plus de 1 000 demandes en attente : voici les 1 000 dont l’acceptation"))
            #expect(first.contains("Page 1 sur 20"))
            #expect(first.contains("Camille File0001") && first.contains("Camille File0050"))
            // Past the last listed page: the last one, the 951st to the 1,000th soonest.
            let beyond = try await text(Paths.requestsToDecide + "?page=21")
            #expect(beyond.contains("Page 20 sur 20"))
            #expect(beyond.contains("Camille File0951") && beyond.contains("Camille File1000"))
            #expect(!beyond.contains("Camille File1001"))
            #expect(!beyond.contains("rel=\"next\""))

            // Deciding some brings the next ones in, and at 1,000 or fewer the count is exact again.
            let tenth = context.clock.now.addingTimeInterval(600)
            try await (context.db as! any SQLDatabase).raw(
                "UPDATE access_requests SET status = 'refused' WHERE due_at <= \(bind: tenth)"
            ).run()
            let shorter = try await text(Paths.requestsToDecide + "?page=20")
            #expect(shorter.contains("Demandes d’habilitation (995)"))
            #expect(shorter.contains("995 demande(s) en attente"))
            #expect(shorter.contains("Camille File1005"))
        }
    }

    @Test("55 requests make two pages of 50 and 5; a page past the end shows the last one")
    func paged() async throws {
        try await withTestApp { context in
            let charenne = try await Given.agent(DemoWorld.agentEmail, on: context.db)
            let application = try await Given.application("GREVE", on: context.db)
            let organisation = try await charenne.$organisation.get(on: context.db)
            for number in 1...55 {
                let agent = try await Given.newAgent(
                    "file-\(number)@test.fr", last: "File\(String(format: "%02d", number))",
                    organisation: organisation.code, context: context)
                try await AccessRequest(
                    agentID: agent.id!, applicationID: application.id!, organisationID: organisation.id!,
                    justification: nil, routedTo: .correspondents, createdAt: context.clock.now,
                    dueAt: context.clock.now.addingTimeInterval(Double(number) * 3_600)
                ).create(on: context.db)
            }
            let marie = context.browser()
            try await marie.signIn(DemoWorld.correspondentEmail)
            let first = try await marie.get(Paths.requestsToDecide)
            #expect(first.contains("55 demande(s) en attente"))
            #expect(first.contains("Page 1 sur 2"))
            #expect(first.contains("Camille File01") && first.contains("Camille File50"))
            #expect(!first.contains("Camille File51"))
            let second = try await marie.get(Paths.requestsToDecide + "?page=2")
            #expect(second.contains("55 demande(s) en attente"))
            #expect(second.contains("Page 2 sur 2"))
            #expect(second.contains("Camille File51") && second.contains("Camille File55"))
            #expect(!second.contains("Camille File50"))
            let beyond = try await marie.get(Paths.requestsToDecide + "?page=9")
            #expect(beyond.status == .ok)
            #expect(beyond.contains("Page 2 sur 2"))
            #expect(beyond.contains("Camille File51") && beyond.contains("Camille File55"))
        }
    }
}
