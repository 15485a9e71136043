import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@testable import HabilisApp

@Suite("Time-limited rights: a maximum validity, the notices before the end, renewal, and the end")
struct TimeLimitedRightsTests {
    /// Rights to `code` end after `months` from now on.
    static func limit(_ code: String, months: Int, context: TestContext) async throws {
        let application = try await Given.application(code, on: context.db)
        application.maxValidityMonths = months
        try await application.update(on: context.db)
    }

    /// The demo agent asks for Grève and Marie Durand accepts it, with `fin` when given.
    static func grantGreve(context: TestContext, fin: String? = nil) async throws -> Grant {
        try await requestAccess("GREVE", as: DemoWorld.agentEmail, context: context)
        let request = try #require(try await Given.requests(of: DemoWorld.agentEmail, on: context.db).first)
        let marie = context.browser()
        try await marie.signIn(DemoWorld.correspondentEmail)
        let decided = try await marie.post(
            Paths.decideRequest(request.id!), [("decision", "accepter")] + (fin.map { [("fin", $0)] } ?? []))
        #expect(decided.status == .seeOther, "\(decided.text)")
        return try #require(
            try await Grant.query(on: context.db).filter(\.$accessRequest.$id == request.id!).first())
    }

    @Test("an administrator sets the maximum validity of an application; a wrong value is refused next to the field")
    func maximumValidity() async throws {
        try await withTestApp { context in
            let greve = try await Given.application("GREVE", on: context.db)
            let administrator = context.browser()
            try await administrator.signIn(DemoWorld.administratorEmail)
            let form = try await administrator.get(Paths.adminApplication(greve.id!))
            #expect(form.contains("Durée maximale des habilitations, en mois"))
            func save(_ validity: String) async throws -> Page {
                try await administrator.post(
                    Paths.adminApplication(greve.id!),
                    [
                        ("code", "GREVE"), ("name", greve.name), ("summary", greve.summary),
                        ("launchURL", greve.launchURL), ("mode", greve.accessMode.rawValue),
                        ("position", String(greve.position)), ("active", "1"), ("validity", validity),
                    ])
            }
            let refused = try await save("0")
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.fieldError("validity")?.contains("entre 1 et 120") == true)
            #expect(try await save("12").status == .seeOther)
            #expect(try await Given.application("GREVE", on: context.db).maxValidityMonths == 12)
            #expect(try await save("").status == .seeOther)
            #expect(try await Given.application("GREVE", on: context.db).maxValidityMonths == nil)
            #expect(try await context.auditActions().filter { $0 == "application.saved" }.count == 2)
        }
    }

    @Test("a right accepted on a limited application ends after its maximum, and everyone sees the date")
    func endShown() async throws {
        try await withTestApp { context in
            try await Self.limit("GREVE", months: 12, context: context)
            let grant = try await Self.grantGreve(context: context)
            // 2 March 2026 at 10:00 in Paris, plus 12 months.
            #expect(grant.expiresAt == ParisCalendar.calendar.date(byAdding: .month, value: 12, to: testEpoch))
            let agent = context.browser()
            try await agent.signIn(DemoWorld.agentEmail)
            #expect(try await agent.get(Paths.home).contains("Grève (accès ouvert jusqu’au 2 mars 2027)"))
            let rights = try await agent.get(Paths.myRights)
            #expect(rights.contains("2 mars 2027"))
            #expect(rights.html.contains(Paths.renewGrant(grant.id!)))
            // Accords locaux, without a maximum, has no end.
            #expect(rights.contains("sans limite"))
            let marie = context.browser()
            try await marie.signIn(DemoWorld.correspondentEmail)
            let charenne = try await Given.agent(DemoWorld.agentEmail, on: context.db)
            #expect(try await marie.get(Paths.agentRights(charenne.id!)).contains("valable jusqu’au 2 mars 2027"))
        }
    }

    @Test("the decider may shorten one right; a date past the maximum, past or unreadable is refused by the field")
    func shortened() async throws {
        try await withTestApp { context in
            try await Self.limit("GREVE", months: 12, context: context)
            try await requestAccess("GREVE", as: DemoWorld.agentEmail, context: context)
            let request = try #require(try await Given.requests(of: DemoWorld.agentEmail, on: context.db).first)
            let marie = context.browser()
            try await marie.signIn(DemoWorld.correspondentEmail)
            let page = try await marie.get(Paths.requestToDecide(request.id!))
            #expect(page.contains("Au plus tard le 2 mars 2027"))
            for (value, message) in [
                ("2027-03-03", "ne peut pas dépasser le 2 mars 2027"),
                ("2026-03-02", "postérieure à aujourd’hui"),
                ("31/12/2026", "au format jj/mm/aaaa"),
            ] {
                let refused = try await marie.post(
                    Paths.decideRequest(request.id!), [("decision", "accepter"), ("fin", value)])
                #expect(refused.status == .unprocessableEntity, "\(value)")
                #expect(
                    refused.fieldError("fin")?.contains(message) == true, "\(value): \(refused.fieldError("fin") ?? "")"
                )
            }
            #expect(try await AccessRequest.find(request.id, on: context.db)?.status == .pending)
            let accepted = try await marie.post(
                Paths.decideRequest(request.id!), [("decision", "accepter"), ("fin", "2026-09-30")])
            #expect(accepted.status == .seeOther)
            let grant = try #require(
                try await Grant.query(on: context.db).filter(\.$accessRequest.$id == request.id!).first())
            #expect(grant.expiresAt.map(RightValidity.lastDay) == "30 septembre 2026")
            #expect(grant.expiresAt == RightValidity.end(throughDay: "2026-09-30"))
        }
    }

    @Test("the holder is told 30 and 7 days before the end, once each, with the renewal one click away")
    func notices() async throws {
        try await withTestApp { context in
            try await Self.limit("GREVE", months: 2, context: context)
            let grant = try await Self.grantGreve(context: context)
            try await context.deliverMail()
            let end = try #require(grant.expiresAt)
            func sweep(daysBefore days: Int) async throws -> Int {
                context.clock.set(ParisCalendar.adding(days: -days, to: end))
                return try await context.app.sweep(asOf: context.clock.now).rightEnds.noticed
            }
            #expect(try await sweep(daysBefore: 31) == 0)
            #expect(try await sweep(daysBefore: 29) == 1)
            #expect(try await sweep(daysBefore: 28) == 0)
            let first = try #require(try await context.deliverMail().last)
            #expect(first.recipient == DemoWorld.agentEmail)
            #expect(first.subject == "Votre habilitation à Grève prend fin le 2 mai 2026")
            #expect(first.link(startingWith: "http://127.0.0.1:8080" + Paths.renewGrant(grant.id!)) != nil)
            #expect(try await sweep(daysBefore: 6) == 1)
            #expect(try await sweep(daysBefore: 5) == 0)
            let mails = try await context.deliverMail().filter { $0.subject.contains("prend fin") }
            #expect(mails.count == 2)
            let agent = context.browser()
            try await agent.signIn(DemoWorld.agentEmail)
            #expect(
                try await agent.get(Paths.notifications).contains("Votre habilitation à Grève prend fin le 2 mai 2026"))
            #expect(try await context.auditActions().filter { $0 == "grant.expiry_noticed" }.count == 2)
        }
    }

    @Test("a renewal is asked in one click, routed as any request, keeps the right meanwhile and extends it")
    func renewal() async throws {
        try await withTestApp { context in
            try await Self.limit("GREVE", months: 2, context: context)
            let grant = try await Self.grantGreve(context: context)
            context.clock.advance(by: 40 * 86_400)
            let agent = context.browser()
            try await agent.signIn(DemoWorld.agentEmail)
            let confirm = try await agent.get(Paths.renewGrant(grant.id!))
            #expect(confirm.contains("Renouveler votre habilitation à Grève"))
            #expect(confirm.contains("Votre habilitation est valable jusqu’au 2 mai 2026"))
            let sent = try await agent.post(Paths.renewGrant(grant.id!), [("justification", "Toujours délégué")])
            #expect(sent.status == .seeOther)
            let renewal = try #require(
                try await AccessRequest.query(on: context.db).filter(\.$renewsGrantID == grant.id!).first())
            #expect(renewal.status == .pending)
            // Asked twice, it is the same request; the right is still held.
            let again = try await agent.post(Paths.renewGrant(grant.id!), [("justification", "")])
            #expect(again.location == Paths.accessRequest(renewal.id!))
            #expect(try await Given.grants(of: DemoWorld.agentEmail, on: context.db).contains("GREVE"))
            #expect(try await agent.get(Paths.myRights).contains("Renouvellement demandé"))
            // Someone else's right cannot be renewed by this agent.
            let other = context.browser()
            try await other.signIn(DemoWorld.directorEmail)
            #expect(try await other.get(Paths.renewGrant(grant.id!)).status == .notFound)

            let marie = context.browser()
            try await marie.signIn(DemoWorld.correspondentEmail)
            #expect(
                try await marie.get(Paths.requestToDecide(renewal.id!)).contains("Renouvellement d’une habilitation"))
            #expect(
                try await marie.post(Paths.decideRequest(renewal.id!), [("decision", "accepter")]).status == .seeOther)
            let renewed = try #require(try await Grant.find(grant.id, on: context.db))
            #expect(renewed.revokedAt == nil)
            #expect(renewed.expiresAt == ParisCalendar.calendar.date(byAdding: .month, value: 2, to: context.clock.now))
            #expect(renewed.expiryNotices == 0)
            let active = try await Grant.query(on: context.db).filter(\.$revokedAt == nil)
                .filter(\.$application.$id == grant.$application.id).filter(\.$agent.$id == grant.$agent.id).count()
            #expect(active == 1)
        }
    }

    @Test("a renewal nobody refuses is accepted by the sweep and extends the right")
    func renewalAcceptedAutomatically() async throws {
        try await withTestApp { context in
            try await Self.limit("GREVE", months: 2, context: context)
            let grant = try await Self.grantGreve(context: context)
            context.clock.advance(by: 40 * 86_400)
            let agent = context.browser()
            try await agent.signIn(DemoWorld.agentEmail)
            try await agent.post(Paths.renewGrant(grant.id!), [("justification", "")])
            context.clock.advance(by: 10 * 86_400 + 60)
            let report = try await context.app.sweep(asOf: context.clock.now)
            #expect(report.accessRequests.autoAccepted == 1)
            #expect(report.rightEnds.ended == 0)
            let renewed = try #require(try await Grant.find(grant.id, on: context.db))
            #expect(renewed.revokedAt == nil)
            #expect(renewed.expiresAt == ParisCalendar.calendar.date(byAdding: .month, value: 2, to: context.clock.now))
        }
    }

    @Test("at its end the sweep ends the right: audited, told, the change sent; two sweeps at once end it once")
    func end() async throws {
        try await withTestApp { context in
            try await Self.limit("GREVE", months: 1, context: context)
            _ = try await context.app.portal.webhooks.add(
                application: "GREVE", url: "http://127.0.0.1:9/events", by: .system, on: context.db)
            let grant = try await Self.grantGreve(context: context)
            let end = try #require(grant.expiresAt)
            let greve = try await Given.application("GREVE", on: context.db)
            func doorIsOpen() async throws -> Bool {
                let door = try await context.app.portal.provider.door(
                    agentID: grant.$agent.id, application: greve, on: context.db)
                if case .open = door { return true }
                return false
            }
            context.clock.set(end.addingTimeInterval(-60))
            #expect(try await context.app.sweep(asOf: context.clock.now).rightEnds.ended == 0)
            #expect(try await doorIsOpen())
            // Past its end, the applications' door is closed before the sweep has even run.
            context.clock.set(end.addingTimeInterval(60))
            #expect(try await !doorIsOpen())
            async let first = context.app.sweep(asOf: context.clock.now)
            async let second = context.app.sweep(asOf: context.clock.now)
            let ended = try await first.rightEnds.ended + second.rightEnds.ended
            #expect(ended == 1)
            let stored = try #require(try await Grant.find(grant.id, on: context.db))
            #expect(stored.revokedAt == context.clock.now)
            #expect(stored.revocationReason == "Fin de la durée de validité")
            #expect(try await context.auditActions().filter { $0 == "grant.expired" }.count == 1)
            let mails = try await context.deliverMail().filter { $0.subject == "Votre habilitation à Grève a pris fin" }
            #expect(mails.count == 1)
            let events = try await context.sql.raw("SELECT event_type FROM webhook_deliveries").all()
                .map { try $0.decode(column: "event_type", as: String.self) }
            #expect(events.contains("right.expired"))
            #expect(!events.contains("right.revoked"))
            #expect(!(try await Given.grants(of: DemoWorld.agentEmail, on: context.db).contains("GREVE")))
            let agent = context.browser()
            try await agent.signIn(DemoWorld.agentEmail)
            #expect(try await agent.get(Paths.home).contains("Grève 🔒 (accès non attribué)"))
            // Once ended, nothing more happens to it.
            #expect(try await context.app.sweep(asOf: context.clock.now).rightEnds == .init())
        }
    }

    @Test("a renewal still pending when the right ends: the right ends, and accepting the renewal gives it again")
    func renewalAfterEnd() async throws {
        try await withTestApp { context in
            try await Self.limit("GREVE", months: 1, context: context)
            let grant = try await Self.grantGreve(context: context)
            // Asked 5 days before the end: its automatic acceptance would come 5 days after it.
            context.clock.set(ParisCalendar.adding(days: -5, to: try #require(grant.expiresAt)))
            let agent = context.browser()
            try await agent.signIn(DemoWorld.agentEmail)
            try await agent.post(Paths.renewGrant(grant.id!), [("justification", "")])
            let renewal = try #require(
                try await AccessRequest.query(on: context.db).filter(\.$renewsGrantID == grant.id!).first())
            context.clock.set(try #require(grant.expiresAt).addingTimeInterval(60))
            #expect(try await context.app.sweep(asOf: context.clock.now).rightEnds.ended == 1)
            let marie = context.browser()
            try await marie.signIn(DemoWorld.correspondentEmail)
            #expect(
                try await marie.post(Paths.decideRequest(renewal.id!), [("decision", "accepter")]).status == .seeOther)
            let fresh = try #require(
                try await Grant.query(on: context.db).filter(\.$revokedAt == nil)
                    .filter(\.$accessRequest.$id == renewal.id!).first())
            #expect(fresh.id != grant.id)
            #expect(fresh.expiresAt == ParisCalendar.calendar.date(byAdding: .month, value: 1, to: context.clock.now))
        }
    }
}
