import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@testable import HabilisApp

@Suite("Automatic acceptance: a request nobody refuses within 10 days is accepted")
struct AutoAcceptanceTests {
    func sweep(_ context: TestContext, at instant: Date) async throws -> AccessRequestService.SweepReport {
        try await context.app.portal.accessRequests.sweep(asOf: instant, on: context.db, logger: context.app.logger)
    }

    static let threeCodes = ["GREVE", "DROIT-SYNDICAL", "ELECTIONS-PRO"]

    /// The demo agent asks for three applications; the mails of the requests are delivered and set aside.
    func requestThree(_ context: TestContext) async throws {
        for code in Self.threeCodes {
            try await requestAccess(code, as: DemoWorld.agentEmail, context: context)
        }
        _ = try await context.deliverMail()
    }

    @Test("on day 10 the request is accepted, the right granted, the agent and the correspondent told")
    func dayTen() async throws {
        try await withTestApp { context in
            try await requestAccess("GREVE", as: DemoWorld.agentEmail, context: context)
            _ = try await context.deliverMail()
            let request = try #require(try await Given.requests(of: DemoWorld.agentEmail, on: context.db).first)

            let early = try await sweep(context, at: request.dueAt.addingTimeInterval(-1))
            #expect(early.autoAccepted == 0)
            #expect(try await AccessRequest.find(request.id, on: context.db)?.status == .pending)

            context.clock.set(request.dueAt)
            #expect(try await sweep(context, at: request.dueAt).autoAccepted == 1)
            let stored = try #require(try await AccessRequest.find(request.id, on: context.db))
            #expect(stored.status == .autoAccepted)
            #expect(stored.decidedBy == nil)
            #expect(try await Given.grants(of: DemoWorld.agentEmail, on: context.db) == ["ACCORDS-LOCAUX", "GREVE"])

            let mails = try await context.deliverMail()
            let toAgent = mails.filter { $0.recipient == DemoWorld.agentEmail }
            #expect(toAgent.count == 1)
            #expect(toAgent[0].text.contains("a été acceptée automatiquement"))
            let toCorrespondent = mails.filter { $0.subject == "Demande acceptée automatiquement : Grève" }
            #expect(toCorrespondent.map(\.recipient) == [DemoWorld.correspondentEmail])
            #expect(try await context.auditActions().contains("access_request.auto_accepted"))

            let browser = context.browser()
            try await browser.signIn(DemoWorld.agentEmail)
            let rights = try await browser.get(Paths.myRights)
            #expect(rights.contains("acceptée automatiquement"))
            #expect(rights.contains("demande acceptée automatiquement"))
        }
    }

    @Test("running the sweep twice, or two sweeps at once, gives one right and one mail")
    func idempotentAndConcurrent() async throws {
        try await withTestApp { context in
            try await requestThree(context)
            let later = testEpoch.addingTimeInterval(11 * 86_400)
            async let first = sweep(context, at: later)
            async let second = sweep(context, at: later)
            let reports = try await [first, second]
            #expect(reports.map(\.autoAccepted).reduce(0, +) == 3)
            #expect(try await sweep(context, at: later).autoAccepted == 0)
            #expect(try await Grant.query(on: context.db).count() == 4)
            let mails = try await context.deliverMail()
            #expect(mails.filter { $0.recipient == DemoWorld.agentEmail }.count == 3)
            // The correspondent is told once per sweep batch: one mail when one sweep took all three, two when the
            // two sweeps shared them; either way each acceptance is told exactly once.
            let notices = mails.filter {
                $0.recipient == DemoWorld.correspondentEmail && $0.subject.contains("acceptée")
            }
            #expect((1...2).contains(notices.count), "\(notices.map(\.subject))")
            for code in Self.threeCodes {
                let name = try #require(
                    try await BusinessApplication.query(on: context.db).filter(\.$code == code).first()?.name)
                #expect(notices.filter { $0.text.contains(name) }.count == 1, "\(name)")
            }
        }
    }

    @Test("batches written side by side, each in its own transaction, accept each request once")
    func batchesSideBySide() async throws {
        // On PostgreSQL the batches then run on separate connections at the same time.
        let threeConnections: (inout Settings) -> Void = { $0.postgresConnectionsPerEventLoop = 3 }
        try await withTestApp(settings: threeConnections) { context in
            let codes = Self.threeCodes
            try await requestThree(context)
            let later = testEpoch.addingTimeInterval(11 * 86_400)
            let report = try await context.app.portal.accessRequests.sweep(
                asOf: later, batchSize: 1, lanes: 2, on: context.db, logger: context.app.logger)
            #expect(report.autoAccepted == 3)
            #expect(try await sweep(context, at: later).autoAccepted == 0)
            #expect(try await Given.grants(of: DemoWorld.agentEmail, on: context.db).count == 4)
            #expect(
                try await Given.requests(of: DemoWorld.agentEmail, on: context.db).allSatisfy {
                    $0.status != .pending
                })
            let mails = try await context.deliverMail()
            #expect(mails.filter { $0.recipient == DemoWorld.agentEmail }.count == 3)
            // One request per batch: the correspondent gets the single-request mail for each, once.
            let notices = mails.filter {
                $0.recipient == DemoWorld.correspondentEmail && $0.subject.contains("acceptée")
            }
            #expect(notices.count == 3, "\(notices.map(\.subject))")
            for code in codes {
                let name = try #require(
                    try await BusinessApplication.query(on: context.db).filter(\.$code == code).first()?.name)
                #expect(notices.filter { $0.subject == "Demande acceptée automatiquement : \(name)" }.count == 1)
            }
            #expect(try await context.auditActions().filter { $0 == "access_request.auto_accepted" }.count == 3)
        }
    }

    @Test(
        "a request the database refuses to accept is set aside: the rest of its batch and the next rounds are accepted")
    func faultyRequestSetAside() async throws {
        try await withTestApp { context in
            try await requestThree(context)
            // The database refuses the right for "Droit syndical", as a broken row or a constraint would.
            let sql = context.db as! any SQLDatabase
            let faulty = "(SELECT id FROM applications WHERE code = 'DROIT-SYNDICAL')"
            if sql.dialect.isPostgreSQL {
                try await sql.raw(
                    """
                    CREATE FUNCTION refuse_grant() RETURNS trigger AS $$ BEGIN
                    IF NEW.application_id = \(unsafeRaw: faulty) THEN RAISE EXCEPTION 'refused'; END IF;
                    RETURN NEW; END $$ LANGUAGE plpgsql
                    """
                ).run()
                try await sql.raw(
                    "CREATE TRIGGER refuse BEFORE INSERT ON grants FOR EACH ROW EXECUTE FUNCTION refuse_grant()"
                ).run()
            } else {
                try await sql.raw(
                    """
                    CREATE TRIGGER refuse BEFORE INSERT ON grants WHEN NEW.application_id = \(unsafeRaw: faulty)
                    BEGIN SELECT RAISE(ABORT, 'refused'); END
                    """
                ).run()
            }
            let later = testEpoch.addingTimeInterval(11 * 86_400)
            // Batches of two: whichever batch holds the faulty request fails and is taken again one by one.
            let report = try await context.app.portal.accessRequests.sweep(
                asOf: later, batchSize: 2, lanes: 1, on: context.db, logger: context.app.logger)
            #expect(report.autoAccepted == 2)
            let stillPending = try await AccessRequest.query(on: context.db).filter(\.$status == .pending)
                .with(\.$application).all()
            #expect(stillPending.map(\.application.code) == ["DROIT-SYNDICAL"])
            #expect(
                try await Given.grants(of: DemoWorld.agentEmail, on: context.db)
                    == ["ACCORDS-LOCAUX", "ELECTIONS-PRO", "GREVE"])
            #expect(try await context.auditActions().filter { $0 == "access_request.auto_accepted" }.count == 2)
            #expect(try await context.deliverMail().filter { $0.recipient == DemoWorld.agentEmail }.count == 2)
            // Still refused: the next sweep ends without accepting it; once the fault is gone, it is accepted.
            #expect(try await sweep(context, at: later).autoAccepted == 0)
            try await sql.raw("DROP TRIGGER refuse\(unsafeRaw: sql.dialect.isPostgreSQL ? " ON grants" : "")")
                .run()
            #expect(try await sweep(context, at: later).autoAccepted == 1)
            #expect(try await Given.grants(of: DemoWorld.agentEmail, on: context.db).count == 4)
        }
    }

    @Test("a decider is told of several automatic acceptances in one mail listing them, each agent in their own")
    func digestForDeciders() async throws {
        try await withTestApp { context in
            try await requestThree(context)
            #expect(try await sweep(context, at: testEpoch.addingTimeInterval(11 * 86_400)).autoAccepted == 3)
            let mails = try await context.deliverMail()
            let digests = mails.filter {
                $0.recipient == DemoWorld.correspondentEmail && $0.subject.contains("acceptée")
            }
            #expect(digests.map(\.subject) == ["3 demandes acceptées automatiquement"])
            for name in ["Grève", "Droit syndical", "Elections professionnelles"] {
                #expect(digests.first?.text.contains(name) == true, "\(name)")
            }
            #expect(mails.filter { $0.recipient == DemoWorld.agentEmail }.count == 3)
            let notifications = try await Notification.query(on: context.db).filter(\.$readAt == nil).all()
            #expect(notifications.filter { $0.message.hasPrefix("3 demandes de votre périmètre") }.count == 1)
            let audit = try await context.auditActions()
            #expect(audit.filter { $0 == "access_request.auto_accepted" }.count == 3)
        }
    }

    @Test("a decision racing the sweep gives exactly one outcome")
    func decisionVersusSweep() async throws {
        try await withTestApp { context in
            try await requestAccess("GREVE", as: DemoWorld.agentEmail, context: context)
            let request = try #require(try await Given.requests(of: DemoWorld.agentEmail, on: context.db).first)
            let marie = context.browser()
            try await marie.signIn(DemoWorld.correspondentEmail)
            try await marie.get(Paths.requestsToDecide)
            context.clock.set(request.dueAt)
            async let decision = marie.post(
                Paths.decideRequests, [("ids[]", request.id!.uuidString), ("decision", "refuser"), ("motif", "Non")])
            async let swept = sweep(context, at: request.dueAt)
            _ = try await (decision, swept)
            let stored = try #require(try await AccessRequest.find(request.id, on: context.db))
            #expect(stored.status == .refused || stored.status == .autoAccepted)
            let grants = try await Given.grants(of: DemoWorld.agentEmail, on: context.db)
            #expect(grants == (stored.status == .refused ? ["ACCORDS-LOCAUX"] : ["ACCORDS-LOCAUX", "GREVE"]))
            let outcomes = try await context.deliverMail().filter { $0.recipient == DemoWorld.agentEmail }
            #expect(outcomes.count == 1)
        }
    }

    @Test("deciders are reminded once, two days before")
    func reminder() async throws {
        try await withTestApp { context in
            try await requestAccess("GREVE", as: DemoWorld.agentEmail, context: context)
            _ = try await context.deliverMail()
            #expect(try await sweep(context, at: testEpoch.addingTimeInterval(7 * 86_400)).reminded == 0)
            #expect(try await sweep(context, at: testEpoch.addingTimeInterval(8 * 86_400)).reminded == 1)
            #expect(try await sweep(context, at: testEpoch.addingTimeInterval(9 * 86_400)).reminded == 0)
            let reminders = try await context.deliverMail().filter { $0.subject.hasPrefix("Rappel") }
            #expect(reminders.map(\.recipient) == [DemoWorld.correspondentEmail])
            #expect(reminders.first?.subject == "Rappel : demande d’habilitation à traiter avant le 12 mars 2026")
        }
    }

    @Test("several requests soon due give each decider one reminder listing them, once")
    func reminderDigest() async throws {
        try await withTestApp { context in
            try await requestThree(context)
            #expect(try await sweep(context, at: testEpoch.addingTimeInterval(8 * 86_400)).reminded == 3)
            #expect(try await sweep(context, at: testEpoch.addingTimeInterval(8 * 86_400 + 60)).reminded == 0)
            let reminders = try await context.deliverMail().filter { $0.subject.hasPrefix("Rappel") }
            #expect(reminders.map(\.recipient) == [DemoWorld.correspondentEmail])
            #expect(reminders.first?.subject == "Rappel : 3 demandes d’habilitation à traiter avant le 12 mars 2026")
            for name in ["Grève", "Droit syndical", "Elections professionnelles"] {
                #expect(reminders.first?.text.contains(name) == true, "\(name)")
            }
            #expect(try await context.auditActions().filter { $0 == "access_request.reminded" }.count == 3)
        }
    }

    @Test("10 days stay 10 calendar days across the change to summer time")
    func daylightSaving() async throws {
        try await withTestApp { context in
            // 25 March 2026, 10:00 in Paris (09:00 UTC); clocks go forward on 29 March.
            context.clock.set(Date(timeIntervalSince1970: 1_774_429_200))
            try await requestAccess("GREVE", as: DemoWorld.agentEmail, context: context)
            let request = try #require(try await Given.requests(of: DemoWorld.agentEmail, on: context.db).first)
            #expect(request.dueAt.timeIntervalSince(request.createdAt) == 10 * 86_400 - 3600)
            #expect(ParisCalendar.longDateTime(request.dueAt) == "4 avril 2026 à 10:00")
        }
    }

    @Test("the delay is a setting; each request keeps the due date computed when it was made")
    func configurableDelay() async throws {
        let fiveDays: (inout Settings) -> Void = { $0.autoAcceptDays = 5 }
        try await withTestApp(settings: fiveDays) { context in
            try await requestAccess("GREVE", as: DemoWorld.agentEmail, context: context)
            let request = try #require(try await Given.requests(of: DemoWorld.agentEmail, on: context.db).first)
            #expect(request.dueAt == testEpoch.addingTimeInterval(5 * 86_400))
        }
    }
}
