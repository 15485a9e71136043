import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@testable import HabilisApp

@Suite("Deputies: a correspondent's absence, who stands in, and requests never left with nobody")
struct DeputyTests {
    /// Marie Durand's absence from today for `days` days, declared by the administrator, with `deputy` if any.
    static func absence(days: Int = 10, deputy: String?, context: TestContext) async throws -> Page {
        let marie = try await Given.agent(DemoWorld.correspondentEmail, on: context.db)
        let administrator = context.browser()
        try await administrator.signIn(DemoWorld.administratorEmail)
        return try await administrator.post(
            Paths.adminAgentAbsences(marie.id!),
            [
                // Tomorrow, through the `days`th day from now.
                ("du", RightValidity.inputValue(of: ParisCalendar.adding(days: 1, to: context.clock.now))),
                ("au", RightValidity.inputValue(of: ParisCalendar.adding(days: days, to: context.clock.now))),
                ("suppleant", deputy ?? ""),
            ])
    }

    @Test("each field of an absence is checked beside it; a correspondent names only another correspondent")
    func fields() async throws {
        try await withTestApp { context in
            let marie = context.browser()
            try await marie.signIn(DemoWorld.correspondentEmail)
            let page = try await marie.get(Paths.myAbsences)
            #expect(page.contains("Aucune absence déclarée."))
            for (fields, field, message) in [
                ([("du", "2026-03-01"), ("au", "2026-03-05")], "du", "ne peut pas être passé"),
                ([("du", "2026-03-10"), ("au", "2026-03-09")], "au", "le premier jour ou un jour suivant"),
                ([("du", "2026-03-10"), ("au", "2027-04-01")], "au", "un an au plus"),
                ([("du", "10/03/2026"), ("au", "2026-03-12")], "du", "au format jj/mm/aaaa"),
                (
                    [("du", "2026-03-10"), ("au", "2026-03-12"), ("suppleant", DemoWorld.agentEmail)], "suppleant",
                    "un autre correspondant local de votre organisme"
                ),
                (
                    [("du", "2026-03-10"), ("au", "2026-03-12"), ("suppleant", DemoWorld.correspondentEmail)],
                    "suppleant", "un autre correspondant local"
                ),
            ] {
                let refused = try await marie.post(Paths.myAbsences, fields)
                #expect(refused.status == .unprocessableEntity, "\(fields)")
                #expect(refused.fieldError(field)?.contains(message) == true, "\(fields): \(refused.text.prefix(300))")
            }
            #expect(try await Absence.query(on: context.db).count() == 0)
            // Paul Martin, made a correspondent of CARSAT for Grève only, can stand in for her.
            let carsat = try await Given.organisation("CARSAT-RA", on: context.db)
            let martin = try await Given.agent(DemoWorld.cpamCorrespondentEmail, on: context.db)
            let designation = Correspondent(
                agentID: martin.id!, organisationID: carsat.id!, createdAt: context.clock.now)
            try await designation.create(on: context.db)
            try await CorrespondentScope(
                correspondentID: designation.id!,
                applicationID: try await Given.application("GREVE", on: context.db).id!
            ).create(on: context.db)
            let declared = try await marie.post(
                Paths.myAbsences,
                [("du", "2026-03-10"), ("au", "2026-03-20"), ("suppleant", DemoWorld.cpamCorrespondentEmail)])
            #expect(declared.location == Paths.myAbsences + "?declaree=1")
            let overlapping = try await marie.post(Paths.myAbsences, [("du", "2026-03-15"), ("au", "2026-03-25")])
            #expect(overlapping.fieldError("du") == "Une absence est déjà déclarée sur cette période.")
            let listed = try await marie.get(Paths.myAbsences)
            #expect(listed.contains("Du 10 mars 2026 au 20 mars 2026 — suppléant : Paul Martin"))
            let mail = try #require(
                try await context.deliverMail().first { $0.recipient == DemoWorld.cpamCorrespondentEmail })
            #expect(mail.subject == "Vous suppléez Marie Durand du 10 mars 2026 au 20 mars 2026")
            #expect(try await context.auditActions().contains("absence.declared"))
            // An agent has nothing to declare.
            let agent = context.browser()
            try await agent.signIn(DemoWorld.agentEmail)
            #expect(try await agent.get(Paths.myAbsences).contains("Seuls les correspondants locaux"))
            #expect(
                try await agent.post(Paths.myAbsences, [("du", "2026-03-10"), ("au", "2026-03-12")]).status
                    == .forbidden)
        }
    }

    @Test("a correspondent names an agent the administration allows to stand in, and no other agent")
    func allowedAgent() async throws {
        try await withTestApp { context in
            let marie = context.browser()
            try await marie.signIn(DemoWorld.correspondentEmail)
            try await marie.get(Paths.myAbsences)
            let fields = [("du", "2026-03-10"), ("au", "2026-03-12"), ("suppleant", DemoWorld.agentEmail)]
            let refused = try await marie.post(Paths.myAbsences, fields)
            #expect(
                refused.fieldError("suppleant")?.contains("un agent que l’administration autorise à suppléer") == true)
            // The administrator allows Aristide Charenne, an agent of the same organisme.
            let charenne = try await Given.agent(DemoWorld.agentEmail, on: context.db)
            let administrator = context.browser()
            try await administrator.signIn(DemoWorld.administratorEmail)
            let form = try await administrator.get(Paths.adminAgent(charenne.id!))
            #expect(form.contains("Peut suppléer un correspondant absent de son organisme"))
            let saved = try await administrator.post(
                Paths.adminAgent(charenne.id!),
                [
                    ("civilite", "Monsieur"), ("prenom", "Aristide"), ("nom", "Charenne"), ("telephone", "0674310010"),
                    ("organisme", charenne.$organisation.id.uuidString.lowercased()), ("secondOrganisme", ""),
                    ("suppleance", "1"),
                ])
            #expect(saved.status == .seeOther)
            #expect(try await Given.agent(DemoWorld.agentEmail, on: context.db).mayDeputise == true)
            let event = try #require(
                try await AuditEvent.query(on: context.db).filter(\.$action == "agent.updated").first())
            #expect(event.details.contains("\"may_deputise.after\":\"true\""))
            try await marie.get(Paths.myAbsences)
            let declared = try await marie.post(Paths.myAbsences, fields)
            #expect(declared.location == Paths.myAbsences + "?declaree=1")
            #expect(try await Absence.query(on: context.db).first()?.$deputy.id == charenne.id)
            // Allowed at the CARSAT, Jeanne Petit of the CAF still cannot stand in for Marie Durand.
            let petit = try await Given.agent(DemoWorld.cafAgentEmail, on: context.db)
            petit.mayDeputise = true
            try await petit.update(on: context.db)
            let other = try await marie.post(
                Paths.myAbsences, [("du", "2026-04-10"), ("au", "2026-04-12"), ("suppleant", DemoWorld.cafAgentEmail)])
            #expect(other.status == .unprocessableEntity)
        }
    }

    @Test("the deputy is told of new requests, sees and decides them, and every record names whom they stood in for")
    func deputyDecides() async throws {
        try await withTestApp { context in
            // The administrator may name any agent of the organisme: here its director, who is no correspondent.
            let declared = try await Self.absence(deputy: DemoWorld.directorEmail, context: context)
            #expect(declared.status == .seeOther, "\(declared.text.prefix(400))")
            context.clock.advance(by: 86_400 + 3600)
            try await requestAccess("GREVE", as: DemoWorld.agentEmail, context: context)
            let request = try #require(try await Given.requests(of: DemoWorld.agentEmail, on: context.db).first)
            #expect(request.routedTo == .correspondents)
            let told = try await context.deliverMail().filter {
                $0.subject == "Demande d’habilitation à traiter : Grève"
            }
            #expect(told.map(\.recipient) == [DemoWorld.directorEmail])

            let leroy = context.browser()
            try await leroy.signIn(DemoWorld.directorEmail)
            let absences = try await leroy.get(Paths.myAbsences)
            #expect(absences.contains("Vous suppléez Marie Durand, jusqu’au 12 mars 2026"))
            let queue = try await leroy.get(Paths.requestsToDecide)
            #expect(queue.status == .ok)
            #expect(queue.contains("Aristide Charenne"))
            let decided = try await leroy.post(Paths.decideRequest(request.id!), [("decision", "accepter")])
            #expect(decided.status == .seeOther)
            let stored = try #require(try await AccessRequest.find(request.id, on: context.db))
            #expect(stored.status == .accepted)
            let marie = try await Given.agent(DemoWorld.correspondentEmail, on: context.db)
            let deputyOf = try await context.sql.raw(
                "SELECT deputy_of_id FROM access_requests WHERE id = \(bind: request.id!)"
            ).first()?.decode(column: "deputy_of_id", as: UUID?.self)
            #expect(deputyOf == marie.id)
            let event = try #require(
                try await AuditEvent.query(on: context.db).filter(\.$action == "access_request.accepted").first())
            #expect(event.details.contains(marie.id!.uuidString.lowercased()))
            let outcome = try #require(
                try await context.deliverMail().first {
                    $0.subject.contains("acceptée") && $0.recipient == DemoWorld.agentEmail
                })
            #expect(outcome.text.contains("par Denis Leroy, en suppléance de Marie Durand"))
            let agent = context.browser()
            try await agent.signIn(DemoWorld.agentEmail)
            #expect(try await agent.get(Paths.myRights).contains("Denis Leroy, en suppléance de Marie Durand"))

            // The absence over, the deputy decides nothing any more.
            context.clock.advance(by: 11 * 86_400)
            try await leroy.signIn(DemoWorld.directorEmail)
            #expect(try await leroy.get(Paths.requestsToDecide).status == .forbidden)
        }
    }

    @Test("correspondents all away without a deputy: pending and new requests go to the administrators")
    func nobodyLeft() async throws {
        try await withTestApp { context in
            try await requestAccess("GREVE", as: DemoWorld.agentEmail, context: context)
            let pending = try #require(try await Given.requests(of: DemoWorld.agentEmail, on: context.db).first)
            #expect(pending.routedTo == .correspondents)
            #expect(try await Self.absence(deputy: nil, context: context).status == .seeOther)
            // The absence begins tomorrow: nothing moves yet.
            #expect(try await context.app.sweep(asOf: context.clock.now).reroutedForAbsences == 0)
            context.clock.advance(by: 86_400 + 3600)
            async let first = context.app.sweep(asOf: context.clock.now)
            async let second = context.app.sweep(asOf: context.clock.now)
            #expect(try await first.reroutedForAbsences + second.reroutedForAbsences == 1)
            #expect(try await AccessRequest.find(pending.id, on: context.db)?.routedTo == .administrators)
            try await requestAccess("DROIT-SYNDICAL", as: DemoWorld.agentEmail, context: context)
            let fresh = try #require(try await Given.requests(of: DemoWorld.agentEmail, on: context.db).last)
            #expect(fresh.routedTo == .administrators)
            let administrator = context.browser()
            try await administrator.signIn(DemoWorld.administratorEmail)
            let queue = try await administrator.get(Paths.requestsToDecide)
            #expect(queue.contains("Demandes d’habilitation (2)"))
        }
    }

    @Test("an absence ends early or is cancelled by its owner or an administrator, and the deputy stops at once")
    func endEarly() async throws {
        try await withTestApp { context in
            _ = try await Self.absence(deputy: DemoWorld.directorEmail, context: context)
            context.clock.advance(by: 86_400 + 3600)
            let absence = try #require(try await Absence.query(on: context.db).first())
            // Someone else's absence is not found.
            let other = context.browser()
            try await other.signIn(DemoWorld.cpamCorrespondentEmail)
            #expect(try await other.post(Paths.endAbsence(absence.$agent.id, absence.id!), []).status == .notFound)
            let marie = context.browser()
            try await marie.signIn(DemoWorld.correspondentEmail)
            let ended = try await marie.post(Paths.endAbsence(absence.$agent.id, absence.id!), [])
            #expect(ended.location == Paths.myAbsences + "?fin=1")
            // Sent again (another tab): over already, the list without the notice, and no second event.
            let again = try await marie.post(Paths.endAbsence(absence.$agent.id, absence.id!), [])
            #expect(again.location == Paths.myAbsences)
            #expect(try await Absence.find(absence.id, on: context.db)?.endsAt == context.clock.now)
            #expect(try await context.auditActions().contains("absence.ended"))
            let leroy = context.browser()
            try await leroy.signIn(DemoWorld.directorEmail)
            #expect(try await leroy.get(Paths.requestsToDecide).status == .forbidden)
            // One not begun is cancelled outright.
            let administrator = context.browser()
            try await administrator.signIn(DemoWorld.administratorEmail)
            let carsatMarie = try await Given.agent(DemoWorld.correspondentEmail, on: context.db)
            _ = try await administrator.post(
                Paths.adminAgentAbsences(carsatMarie.id!), [("du", "2026-04-01"), ("au", "2026-04-03")])
            let later = try #require(
                try await Absence.query(on: context.db).filter(\.$startsAt > context.clock.now).first())
            let cancel = Paths.endAbsence(carsatMarie.id!, later.id!)
            #expect(
                try await administrator.post(cancel, []).location == Paths.adminAgentAbsences(carsatMarie.id!)
                    + "?fin=1")
            #expect(try await Absence.find(later.id, on: context.db) == nil)
            // Sent again: gone, the agent's absences without the notice.
            #expect(try await administrator.post(cancel, []).location == Paths.adminAgentAbsences(carsatMarie.id!))
            #expect(try await context.auditActions().filter { $0 == "absence.ended" }.count == 2)
        }
    }
}
