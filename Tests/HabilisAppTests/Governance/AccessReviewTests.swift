import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@testable import HabilisApp

@Suite("Access reviews: campaigns, reviewers, reminders, the deadline's rule and the report")
struct AccessReviewTests {
    /// The rights of the demo world and these, each with its reviewer:
    /// Charenne — Accords locaux (demo, by Marie Durand) and Grève (by Marie Durand): Marie Durand;
    /// Charenne — Tableau de bord RH (central): the administrators; Leroy — Grève granted by the administrator: the
    /// administrators; Durand — Grève, imported (no granter): the administrators, as she is the only correspondent
    /// of her organisme; Petit (CAF, no correspondent) — Accords locaux, imported: the administrators.
    static func rights(context: TestContext) async throws {
        let administrator = try await Given.agent(DemoWorld.administratorEmail, on: context.db)
        let durand = try await Given.agent(DemoWorld.correspondentEmail, on: context.db)
        for (email, code, granter) in [
            (DemoWorld.agentEmail, "GREVE", durand.id), (DemoWorld.agentEmail, "TDB-RH", administrator.id),
            (DemoWorld.directorEmail, "GREVE", administrator.id), (DemoWorld.correspondentEmail, "GREVE", nil),
            (DemoWorld.cafAgentEmail, "ACCORDS-LOCAUX", nil),
        ] {
            try await Grant(
                agentID: try await Given.agent(email, on: context.db).id!,
                applicationID: try await Given.application(code, on: context.db).id!, grantedAt: context.clock.now,
                grantedByID: granter, accessRequestID: nil
            ).create(on: context.db)
        }
    }

    /// The administrator opens a campaign; returns it.
    @discardableResult
    static func open(
        rule: String = "retirer", lastDay: String = "2026-03-31", organisations: [String] = [],
        context: TestContext
    ) async throws -> ReviewCampaign {
        let administrator = context.browser()
        try await administrator.signIn(DemoWorld.administratorEmail)
        var fields = [("nom", "Revue annuelle 2026"), ("fin", lastDay), ("regle", rule)]
        for code in organisations {
            fields.append(("organismes[]", try await Given.organisation(code, on: context.db).id!.uuidString))
        }
        let opened = try await administrator.post(Paths.adminReviews, fields)
        #expect(opened.status == .seeOther, "\(opened.text)")
        // « /administration/revues/<id>?ouverte=6 »
        let id = try #require(
            opened.location?.split(separator: "/").last?.split(separator: "?").first
                .flatMap { UUID(uuidString: String($0)) })
        return try #require(try await ReviewCampaign.find(id, on: context.db))
    }

    /// Each item of `campaign` as (agent e-mail, application code, decision).
    static func items(of campaign: ReviewCampaign, context: TestContext) async throws -> [String: String] {
        let rows = try await context.sql.raw(
            """
            SELECT a.email, p.code, i.decision FROM review_items i JOIN agents a ON a.id = i.agent_id
            JOIN applications p ON p.id = i.application_id WHERE i.campaign_id = \(bind: campaign.id!)
            """
        ).all()
        return try Dictionary(
            uniqueKeysWithValues: rows.map {
                (
                    "\(try $0.decode(column: "email", as: String.self)) \(try $0.decode(column: "code", as: String.self))",
                    try $0.decode(column: "decision", as: String?.self) ?? "—"
                )
            })
    }

    static func grantID(_ email: String, _ code: String, context: TestContext) async throws -> UUID {
        let agent = try await Given.agent(email, on: context.db)
        let application = try await Given.application(code, on: context.db)
        return try #require(
            try await Grant.query(on: context.db).filter(\.$agent.$id == agent.id!)
                .filter(\.$application.$id == application.id!).first()?.id)
    }

    @Test("opening checks every field beside it, refuses an empty scope, and tells each reviewer what is theirs")
    func opening() async throws {
        try await withTestApp { context in
            try await Self.rights(context: context)
            let administrator = context.browser()
            try await administrator.signIn(DemoWorld.administratorEmail)
            let form = try await administrator.get(Paths.adminReviews)
            #expect(form.contains("Aucune campagne n’a encore été ouverte."))
            let refused = try await administrator.post(
                Paths.adminReviews,
                [("nom", ""), ("fin", "2026-03-01"), ("organismes[]", UUID().uuidString)])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.fieldError("nom") != nil)
            #expect(refused.fieldError("fin")?.contains("postérieur à aujourd’hui") == true)
            #expect(refused.fieldError("regle")?.contains("personne n’a revues") == true)
            #expect(refused.fieldError("organismes")?.contains("n’existe pas") == true)
            let tooFar = try await administrator.post(
                Paths.adminReviews, [("nom", "Revue"), ("fin", "2027-06-01"), ("regle", "conserver")])
            #expect(tooFar.fieldError("fin")?.contains("dans l’année qui vient") == true)
            let urssaf = try await Given.organisation("URSSAF-RA", on: context.db)
            let empty = try await administrator.post(
                Paths.adminReviews,
                [
                    ("nom", "Revue"), ("fin", "2026-03-31"), ("regle", "conserver"),
                    ("organismes[]", urssaf.id!.uuidString),
                ])
            #expect(empty.fieldError("organismes")?.contains("Aucune habilitation active") == true)
            #expect(try await ReviewCampaign.query(on: context.db).count() == 0)

            let campaign = try await Self.open(context: context)
            #expect(campaign.deadline == RightValidity.end(throughDay: "2026-03-31"))
            #expect(campaign.unreviewed == .remove)
            #expect(try await Self.items(of: campaign, context: context).count == 6)
            #expect(try await context.auditActions().filter { $0 == "review.opened" }.count == 1)
            let mails = try await context.deliverMail().filter { $0.subject.contains("Revue des habilitations") }
            #expect(
                Set(mails.map(\.recipient)) == [DemoWorld.correspondentEmail, DemoWorld.administratorEmail])
            let marie = try #require(mails.first { $0.recipient == DemoWorld.correspondentEmail })
            #expect(marie.subject == "Revue des habilitations « Revue annuelle 2026 » avant le 31 mars 2026")
            #expect(marie.text.contains("2 habilitations attendent votre revue"))
            #expect(marie.text.contains("Les habilitations non revues à la fin du 31 mars 2026 seront retirées."))
            let admin = try #require(mails.first { $0.recipient == DemoWorld.administratorEmail })
            #expect(admin.text.contains("4 habilitations attendent votre revue"))

            // Limited to the CAF: one right.
            let caf = try await Self.open(organisations: ["CAF-69"], context: context)
            #expect(try await Self.items(of: caf, context: context) == ["j.petit@caf.fr ACCORDS-LOCAUX": "—"])
            let list = try await administrator.get(Paths.adminReviews)
            #expect(list.contains("Revue annuelle 2026"))
            #expect(list.contains("0 / 6 (0 %)"))
            // Agents and correspondents do not open campaigns.
            let marieBrowser = context.browser()
            try await marieBrowser.signIn(DemoWorld.correspondentEmail)
            #expect(try await marieBrowser.get(Paths.adminReviews).status == .forbidden)
        }
    }

    @Test("a correspondent keeps or removes the rights of their organisme, a reason for each removal, never others'")
    func correspondentReviews() async throws {
        try await withTestApp { context in
            try await Self.rights(context: context)
            let campaign = try await Self.open(context: context)
            let marie = context.browser()
            try await marie.signIn(DemoWorld.correspondentEmail)
            #expect(try await marie.get(Paths.accessReviews).contains("2 sur 2 habilitation(s) restant à revoir"))
            let page = try await marie.get(Paths.accessReview(campaign.id!))
            #expect(page.contains("Habilitations à revoir (2)"))
            #expect(page.contains("Aristide Charenne"))
            #expect(page.contains("attribuée par Marie Durand"))
            #expect(page.contains("jamais"))
            #expect(page.contains("Les habilitations non revues à la fin du 31 mars 2026 seront retirées."))
            // Her own right and the administrators' are not hers to review.
            #expect(!page.contains("Tableau de bord RH"))
            #expect(!page.contains("Denis Leroy"))
            #expect(!page.contains("Marie Durand a.") && !page.contains(DemoWorld.correspondentEmail + " CARSAT"))

            let accords = try await Self.grantID(DemoWorld.agentEmail, "ACCORDS-LOCAUX", context: context)
            let greve = try await Self.grantID(DemoWorld.agentEmail, "GREVE", context: context)
            let noReason = try await marie.post(
                Paths.reviewDecision(campaign.id!), [("ids[]", greve.uuidString), ("decision", "retirer")])
            #expect(noReason.status == .unprocessableEntity)
            #expect(noReason.fieldError("motif")?.contains("motif du retrait") == true)
            let nothing = try await marie.post(Paths.reviewDecision(campaign.id!), [("decision", "conserver")])
            #expect(nothing.fieldError("selection") == "Sélectionnez au moins une habilitation.")

            let kept = try await marie.post(
                Paths.reviewDecision(campaign.id!), [("ids[]", accords.uuidString), ("decision", "conserver")])
            #expect(kept.location?.contains("conservees=1") == true)
            #expect(try await marie.get(kept.location!).contains("1 habilitation conservée."))
            let removed = try await marie.post(
                Paths.reviewDecision(campaign.id!),
                [("ids[]", greve.uuidString), ("decision", "retirer"), ("motif", "A changé de service")])
            #expect(removed.location?.contains("retirees=1") == true)
            let stored = try #require(try await Grant.find(greve, on: context.db))
            #expect(stored.revokedAt != nil)
            #expect(stored.revocationReason == "Revue des habilitations « Revue annuelle 2026 » : A changé de service")
            let items = try await Self.items(of: campaign, context: context)
            #expect(items["a.charenne@lassuranceretraite.fr ACCORDS-LOCAUX"] == "kept")
            #expect(items["a.charenne@lassuranceretraite.fr GREVE"] == "removed")
            let actions = try await context.auditActions()
            #expect(actions.filter { $0 == "review.kept" }.count == 1)
            #expect(actions.filter { $0 == "review.removed" }.count == 1)
            #expect(actions.filter { $0 == "grant.revoked" }.count == 1)
            let told = try await context.deliverMail().filter {
                $0.subject == "Votre habilitation à Grève a été retirée"
            }
            #expect(told.map(\.recipient) == [DemoWorld.agentEmail])
            #expect(told.first?.text.contains("A changé de service") == true)
            let after = try await marie.get(Paths.accessReview(campaign.id!))
            #expect(after.contains("CARSAT Rhône-Alpes : 2 sur 2 revue(s) (1 conservée(s), 1 retirée(s))"))
            #expect(after.contains("Aucune habilitation n’attend votre revue."))

            // Paul Martin (CPAM) cannot review a CARSAT right; an agent cannot reach the page.
            let martin = context.browser()
            try await martin.signIn(DemoWorld.cpamCorrespondentEmail)
            let leroy = try await Self.grantID(DemoWorld.directorEmail, "GREVE", context: context)
            let foreign = try await martin.post(
                Paths.reviewDecision(campaign.id!), [("ids[]", leroy.uuidString), ("decision", "conserver")])
            #expect(foreign.location?.contains("ignorees=1") == true)
            #expect(try await Self.items(of: campaign, context: context)["d.leroy@lassuranceretraite.fr GREVE"] == "—")
            let agent = context.browser()
            try await agent.signIn(DemoWorld.agentEmail)
            #expect(try await agent.get(Paths.accessReview(campaign.id!)).status == .forbidden)
        }
    }

    @Test("administrators review central rights, theirs, and those no other correspondent covers; or one organisme")
    func administratorsReview() async throws {
        try await withTestApp { context in
            try await Self.rights(context: context)
            let campaign = try await Self.open(context: context)
            let administrator = context.browser()
            try await administrator.signIn(DemoWorld.administratorEmail)
            let page = try await administrator.get(Paths.accessReview(campaign.id!))
            #expect(page.contains("Habilitations à revoir (4)"))
            #expect(page.contains("Tableau de bord RH"))
            #expect(page.contains("Denis Leroy"))
            #expect(page.contains("Marie Durand"))
            #expect(page.contains("Jeanne Petit"))
            let carsat = try await Given.organisation("CARSAT-RA", on: context.db)
            let organisme = try await administrator.get(
                Paths.accessReview(campaign.id!) + "?organisme=\(carsat.id!.uuidString)")
            #expect(organisme.contains("Habilitations à revoir (5)"))
            let ids = [
                try await Self.grantID(DemoWorld.cafAgentEmail, "ACCORDS-LOCAUX", context: context),
                try await Self.grantID(DemoWorld.directorEmail, "GREVE", context: context),
            ]
            let removed = try await administrator.post(
                Paths.reviewDecision(campaign.id!),
                ids.map { ("ids[]", $0.uuidString) } + [("decision", "retirer"), ("motif", "Plus d’usage")])
            #expect(removed.location?.contains("retirees=2") == true)
            #expect(try await Given.grants(of: DemoWorld.cafAgentEmail, on: context.db).isEmpty)
            #expect(try await Given.grants(of: DemoWorld.directorEmail, on: context.db).isEmpty)
            // Removing again changes nothing.
            let again = try await administrator.post(
                Paths.reviewDecision(campaign.id!),
                ids.map { ("ids[]", $0.uuidString) } + [("decision", "retirer"), ("motif", "Plus d’usage")])
            #expect(again.location?.contains("ignorees=2") == true)
            #expect(try await context.auditActions().filter { $0 == "grant.revoked" }.count == 2)
        }
    }

    @Test("at the deadline the sweep removes what nobody reviewed, once, even from two sweeps at once, then closes")
    func deadlineRemoves() async throws {
        try await withTestApp { context in
            try await Self.rights(context: context)
            let campaign = try await Self.open(context: context)
            let marie = context.browser()
            try await marie.signIn(DemoWorld.correspondentEmail)
            let accords = try await Self.grantID(DemoWorld.agentEmail, "ACCORDS-LOCAUX", context: context)
            _ = try await marie.post(
                Paths.reviewDecision(campaign.id!), [("ids[]", accords.uuidString), ("decision", "conserver")])
            // Withdrawn otherwise during the campaign.
            let petit = try await Self.grantID(DemoWorld.cafAgentEmail, "ACCORDS-LOCAUX", context: context)
            let administrator = context.browser()
            try await administrator.signIn(DemoWorld.administratorEmail)
            _ = try await administrator.post(Paths.revokeGrant(petit), [("motif", "Départ")])
            _ = try await context.deliverMail()

            context.clock.set(campaign.deadline.addingTimeInterval(-60))
            #expect(try await context.app.sweep(asOf: context.clock.now).accessReviews.removedAtDeadline == 0)
            context.clock.set(campaign.deadline.addingTimeInterval(60))
            async let first = context.app.sweep(asOf: context.clock.now)
            async let second = context.app.sweep(asOf: context.clock.now)
            let reports = try await [first.accessReviews, second.accessReviews]
            #expect(reports.map(\.removedAtDeadline).reduce(0, +) == 4)
            #expect(reports.map(\.closed).reduce(0, +) == 1)
            #expect(
                try await Self.items(of: campaign, context: context) == [
                    "a.charenne@lassuranceretraite.fr ACCORDS-LOCAUX": "kept",
                    "a.charenne@lassuranceretraite.fr GREVE": "removed",
                    "a.charenne@lassuranceretraite.fr TDB-RH": "removed",
                    "d.leroy@lassuranceretraite.fr GREVE": "removed",
                    "m.durand@lassuranceretraite.fr GREVE": "removed",
                    "j.petit@caf.fr ACCORDS-LOCAUX": "ended",
                ])
            #expect(try await Given.grants(of: DemoWorld.agentEmail, on: context.db) == ["ACCORDS-LOCAUX"])
            let greve = try #require(
                try await Grant.find(
                    try await Self.grantID(DemoWorld.directorEmail, "GREVE", context: context), on: context.db))
            #expect(greve.revocationReason?.hasSuffix("Habilitation non revue à l’échéance") == true)
            let actions = try await context.auditActions()
            #expect(actions.filter { $0 == "review.closed" }.count == 1)
            #expect(actions.filter { $0 == "review.removed" }.count == 4)
            // Petit's from the withdrawal, then one per right removed at the deadline.
            let mails = try await context.deliverMail().filter { $0.subject.hasSuffix("a été retirée") }
            #expect(
                mails.map(\.recipient).sorted()
                    == [
                        DemoWorld.agentEmail, DemoWorld.agentEmail, DemoWorld.cafAgentEmail, DemoWorld.directorEmail,
                        DemoWorld.correspondentEmail,
                    ].sorted())
            #expect(try await ReviewCampaign.find(campaign.id, on: context.db)?.closedAt == context.clock.now)
            // Closed: nothing more to do, and nobody reviews any more.
            #expect(try await context.app.sweep(asOf: context.clock.now).accessReviews == .init())
            // Signed in again: a month has passed since.
            try await marie.signIn(DemoWorld.correspondentEmail)
            let late = try await marie.post(
                Paths.reviewDecision(campaign.id!),
                [("ids[]", accords.uuidString), ("decision", "retirer"), ("motif", "x")])
            #expect(late.status == .unprocessableEntity)
            #expect(late.contains("La campagne est close : les habilitations ne peuvent plus être revues."))
            #expect(try await Given.grants(of: DemoWorld.agentEmail, on: context.db) == ["ACCORDS-LOCAUX"])
        }
    }

    @Test("a campaign that keeps unreviewed rights closes with them kept, marked as decided by its rule")
    func deadlineKeeps() async throws {
        try await withTestApp { context in
            try await Self.rights(context: context)
            let campaign = try await Self.open(rule: "conserver", context: context)
            context.clock.set(campaign.deadline.addingTimeInterval(60))
            let report = try await context.app.sweep(asOf: context.clock.now).accessReviews
            #expect(report.keptAtDeadline == 6)
            #expect(report.closed == 1)
            #expect(try await Grant.query(on: context.db).filter(\.$revokedAt == nil).count() == 6)
            let byRule = try await context.sql.raw(
                "SELECT COUNT(*) AS n FROM review_items WHERE by_deadline = \(bind: true) AND decision = 'kept'"
            ).first()?.decode(column: "n", as: Int.self)
            #expect(byRule == 6)
        }
    }

    @Test("reviewers are reminded 7 days and the day before the deadline, once each")
    func reminders() async throws {
        try await withTestApp { context in
            try await Self.rights(context: context)
            let campaign = try await Self.open(context: context)
            _ = try await context.deliverMail()
            func sweep(hoursBefore hours: Double) async throws -> Int {
                context.clock.set(campaign.deadline.addingTimeInterval(-hours * 3600))
                return try await context.app.sweep(asOf: context.clock.now).accessReviews.reminded
            }
            #expect(try await sweep(hoursBefore: 8 * 24) == 0)
            #expect(try await sweep(hoursBefore: 6 * 24) == 1)
            #expect(try await sweep(hoursBefore: 5 * 24) == 0)
            let first = try await context.deliverMail()
            #expect(
                Set(first.filter { $0.subject.hasPrefix("Rappel — Revue des habilitations") }.map(\.recipient)) == [
                    DemoWorld.correspondentEmail, DemoWorld.administratorEmail,
                ])
            // Marie Durand has reviewed hers: the last reminder goes to the administrators only.
            let marie = context.browser()
            try await marie.signIn(DemoWorld.correspondentEmail)
            var ids: [(String, String)] = []
            for code in ["ACCORDS-LOCAUX", "GREVE"] {
                ids.append(("ids[]", try await Self.grantID(DemoWorld.agentEmail, code, context: context).uuidString))
            }
            _ = try await marie.post(Paths.reviewDecision(campaign.id!), ids + [("decision", "conserver")])
            async let one = sweep(hoursBefore: 12)
            async let two = sweep(hoursBefore: 12)
            #expect(try await one + two == 1)
            let reminders = try await context.deliverMail().filter { $0.subject.hasPrefix("Rappel") }
            #expect(reminders.filter { $0.recipient == DemoWorld.correspondentEmail }.count == 1)
            #expect(reminders.filter { $0.recipient == DemoWorld.administratorEmail }.count == 2)
            #expect(try await context.auditActions().filter { $0 == "review.reminded" }.count == 2)
        }
    }

    @Test("the administrators follow completion per organisme and download the report with every decision")
    func followUpAndReport() async throws {
        try await withTestApp { context in
            try await Self.rights(context: context)
            let campaign = try await Self.open(context: context)
            let marie = context.browser()
            try await marie.signIn(DemoWorld.correspondentEmail)
            let greve = try await Self.grantID(DemoWorld.agentEmail, "GREVE", context: context)
            _ = try await marie.post(
                Paths.reviewDecision(campaign.id!),
                [("ids[]", greve.uuidString), ("decision", "retirer"), ("motif", "Mission terminée")])
            let administrator = context.browser()
            try await administrator.signIn(DemoWorld.administratorEmail)
            let page = try await administrator.get(Paths.adminReview(campaign.id!))
            #expect(page.contains("Avancement par organisme (% des habilitations revues)"))
            #expect(page.contains("CARSAT Rhône-Alpes 5 0 1 0 4 20 %"))
            #expect(page.contains("CAF du Rhône 1 0 0 0 1 0 %"))
            #expect(page.contains("tous les organismes ; toutes les applications"))
            let report = try await administrator.get(Paths.adminReviewReport(campaign.id!))
            #expect(report.headers.first(name: .contentType)?.hasPrefix("text/csv") == true)
            let lines = report.html.split(separator: "\r\n").map(String.init)
            #expect(lines.count == 7)
            #expect(lines[0].contains("\"campagne\";\"organisme\";\"email\";\"prenom\";\"nom\";\"application\""))
            let removed = try #require(
                lines.first { $0.contains("a.charenne@lassuranceretraite.fr") && $0.contains("Grève") })
            #expect(removed.contains("\"retirée\";\"non\";\"Marie Durand\";"))
            #expect(removed.contains("Mission terminée"))
            #expect(lines.filter { $0.contains(";\"à revoir\";") }.count == 5)
            #expect(try await context.auditActions().contains("review.report_exported"))
        }
    }
}
