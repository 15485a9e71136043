import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@testable import HabilisApp

@Suite("Back-office: organismes, correspondents, applications, accounts, settings, audit trail, dashboard")
struct BackOfficeTests {
    func admin(_ context: TestContext) async throws -> TestBrowser {
        let browser = context.browser()
        try await browser.signIn(DemoWorld.administratorEmail)
        return browser
    }

    @Test("an organisme is created with checks, edited with before/after in the audit, and deactivated")
    func organisations() async throws {
        try await withTestApp { context in
            let browser = try await admin(context)
            try await browser.get(Paths.adminNewOrganisation)
            let invalid = try await browser.post(
                Paths.adminNewOrganisation,
                [("code", "cpam 75!"), ("name", ""), ("branch", "autre-chose"), ("mailDomains", "pas un domaine")])
            #expect(invalid.status == .unprocessableEntity)
            #expect(invalid.fieldError("code") != nil)
            #expect(invalid.fieldError("name") == "Renseignez le nom.")
            #expect(invalid.fieldError("branch") == "Choisissez la branche.")
            #expect(invalid.fieldError("mailDomains") != nil)
            let duplicate = try await browser.post(
                Paths.adminNewOrganisation, [("code", "CAF-69"), ("name", "Double"), ("branch", "famille")])
            #expect(duplicate.fieldError("code") == "Ce code est déjà utilisé par un autre organisme.")

            let created = try await browser.post(
                Paths.adminNewOrganisation,
                [
                    ("code", "cpam-75"), ("name", "CPAM de Paris"), ("branch", "maladie"),
                    ("mailDomains", "assurance-maladie.fr, cpam-paris.fr"), ("active", "1"),
                ])
            #expect(created.status == .seeOther)
            let list = try await browser.get(Paths.adminOrganisations)
            #expect(
                list.contains("CPAM de Paris CPAM-75 Branche maladie assurance-maladie.fr, cpam-paris.fr 0 aucun oui"))
            #expect(
                list.contains("CARSAT Rhône-Alpes CARSAT-RA Branche retraite lassuranceretraite.fr 3 Marie Durand oui"))

            let paris = try await Given.organisation("CPAM-75", on: context.db)
            try await browser.get(Paths.adminOrganisation(paris.id!))
            try await browser.post(
                Paths.adminOrganisation(paris.id!),
                [("code", "CPAM-75"), ("name", "CPAM de Paris"), ("branch", "maladie"), ("mailDomains", "")])
            let stored = try await Given.organisation("CPAM-75", on: context.db)
            #expect(!stored.isActive)
            #expect(stored.mailDomains.isEmpty)
            let event = try #require(
                try await AuditEvent.query(on: context.db).filter(\.$action == "organisation.saved")
                    .sort(\.$occurredAt).all().last)
            #expect(event.details.contains("\"active.before\":\"true\""))
            #expect(event.details.contains("\"active.after\":\"false\""))
            let form = try await context.browser().get(Paths.registration)
            _ = form
            let registration = context.browser()
            try await registration.get(Paths.registration)
            let step = try await registration.post(Paths.registration, [("email", "x@caf.fr")])
            #expect(!step.contains("CPAM de Paris"))
        }
    }

    @Test("designating a correspondent for some applications changes who decides; removing it sends them back")
    func correspondents() async throws {
        try await withTestApp { context in
            let browser = try await admin(context)
            let caf = try await Given.organisation("CAF-69", on: context.db)
            let greve = try await Given.application("GREVE", on: context.db)
            let newcomer = try await Given.newAgent(
                "c.blanc@caf.fr", first: "Chloé", last: "Blanc", organisation: "CAF-69", context: context)
            try await browser.get(Paths.adminOrganisation(caf.id!))
            let unknown = try await browser.post(Paths.adminDesignate(caf.id!), [("email", "personne@caf.fr")])
            #expect(unknown.fieldError("correspondant") == "Aucun compte actif ne correspond à cette adresse.")
            try await browser.post(
                Paths.adminDesignate(caf.id!), [("email", newcomer.email), ("applications[]", greve.id!.uuidString)])
            let page = try await browser.get(Paths.adminOrganisation(caf.id!))
            #expect(page.contains("Chloé Blanc (c.blanc@caf.fr) — Grève"))

            try await requestAccess("GREVE", as: DemoWorld.cafAgentEmail, context: context)
            try await requestAccess("DROIT-SYNDICAL", as: DemoWorld.cafAgentEmail, context: context)
            let routes = try await Given.requests(of: DemoWorld.cafAgentEmail, on: context.db).map(\.routedTo)
            #expect(routes == [.correspondents, .administrators])
            let chloe = context.browser()
            try await chloe.signIn(newcomer.email)
            #expect(try await chloe.get(Paths.requestsToDecide).contains("Jeanne Petit"))

            let designation = try #require(
                try await Correspondent.query(on: context.db)
                    .filter(\.$agent.$id == newcomer.id!).first())
            try await browser.get(Paths.adminOrganisation(caf.id!))
            try await browser.post(Paths.adminRemoveCorrespondent(caf.id!, designation.id!))
            #expect(try await Correspondent.query(on: context.db).filter(\.$agent.$id == newcomer.id!).count() == 0)
            // Nobody is left behind: the request goes back to the administrators' queue.
            let after = try await Given.requests(of: DemoWorld.cafAgentEmail, on: context.db).map(\.routedTo)
            #expect(after == [.administrators, .administrators])
            #expect(try await browser.get(Paths.requestsToDecide).contains("Grève"))
            #expect(try await CorrespondentScope.query(on: context.db).count() == 0)
            #expect(try await context.auditActions().contains("correspondent.removed"))
        }
    }

    @Test("changing an application's mode asks for confirmation with the count, then re-routes the pending requests")
    func rerouting() async throws {
        try await withTestApp { context in
            try await requestAccess("GREVE", as: DemoWorld.agentEmail, context: context)
            try await requestAccess("GREVE", as: DemoWorld.directorEmail, context: context)
            let greve = try await Given.application("GREVE", on: context.db)
            let browser = try await admin(context)
            try await browser.get(Paths.adminApplication(greve.id!))
            let fields: [(String, String)] = [
                ("code", "GREVE"), ("name", "Grève"), ("summary", greve.summary), ("launchURL", greve.launchURL),
                ("mode", "central"), ("position", "3"), ("active", "1"),
            ]
            let ask = try await browser.post(Paths.adminApplication(greve.id!), fields)
            #expect(
                ask.contains(
                    "Changer le mode de gestion réadressera 2 demande(s) en attente aux administrateurs de l’UCANSS."))
            #expect(try await Given.application("GREVE", on: context.db).accessMode == .local)
            try await browser.post(Paths.adminApplication(greve.id!), fields + [("confirm", "1")])
            #expect(try await Given.application("GREVE", on: context.db).accessMode == .central)
            let routes = try await AccessRequest.query(on: context.db).all().map(\.routedTo)
            #expect(routes == [.administrators, .administrators])
            #expect(try await context.auditActions().contains("access_request.rerouted"))
        }
    }

    @Test("an application needs a real https address and a unique code")
    func applicationChecks() async throws {
        try await withTestApp { context in
            let browser = try await admin(context)
            try await browser.get(Paths.adminNewApplication)
            let page = try await browser.post(
                Paths.adminNewApplication,
                [
                    ("code", "GREVE"), ("name", "Autre"), ("launchURL", "javascript:alert(1)"), ("mode", "local"),
                    ("position", "9"),
                ])
            #expect(page.fieldError("launchURL") == "Indiquez l’adresse de l’application, commençant par https://.")
            let created = try await browser.post(
                Paths.adminNewApplication,
                [
                    ("code", "SIRH"), ("name", "SIRH national"), ("summary", "Gestion RH"),
                    ("launchURL", "https://sirh.ucanss.fr/"), ("mode", "central"), ("position", "0"), ("active", "1"),
                ])
            #expect(created.status == .seeOther)
            let agent = context.browser()
            try await agent.signIn(DemoWorld.agentEmail)
            let catalogue = try await agent.get(Paths.home)
            #expect(
                catalogue.text.range(of: "SIRH national")!.lowerBound
                    < catalogue.text.range(of: "Accords locaux")!.lowerBound)
        }
    }

    @Test("accounts are found across organismes, whatever the case, 50 a page")
    func search() async throws {
        try await withTestApp { context in
            for index in 0..<55 {
                try await Given.newAgent(
                    "agent\(index)@caf.fr", first: "Test", last: "Nombreux\(index)", organisation: "CAF-69",
                    context: context)
            }
            let browser = try await admin(context)
            #expect(try await browser.get(Paths.adminAgents + "?q=DURAND").contains("1 compte(s)."))
            let many = try await browser.get(Paths.adminAgents + "?q=nombreux")
            #expect(many.contains("55 compte(s)."))
            #expect(many.contains("Page 1 sur 2"))
            #expect(try await browser.get(Paths.adminAgents + "?q=%25").contains("0 compte(s)."))
            #expect(try await browser.get(Paths.adminAgents + "?q='%20OR%201=1").status == .ok)
        }
    }

    @Test("disabling an account ends its sessions, refuses sign-in and cancels its pending requests")
    func disable() async throws {
        try await withTestApp { context in
            try await requestAccess("GREVE", as: DemoWorld.agentEmail, context: context)
            let session = context.browser()
            try await session.signIn(DemoWorld.agentEmail)
            let charenne = try await Given.agent(DemoWorld.agentEmail, on: context.db)
            let browser = try await admin(context)
            try await browser.get(Paths.adminAgent(charenne.id!))
            try await browser.post(Paths.adminAgentStatus(charenne.id!), [("action", "desactiver")])
            #expect(try await Given.agent(DemoWorld.agentEmail, on: context.db).status == .disabled)
            #expect(try await session.get(Paths.home).location == Paths.signIn)
            #expect(try await context.browser().signIn(DemoWorld.agentEmail).status == .unprocessableEntity)
            #expect(try await Given.requests(of: DemoWorld.agentEmail, on: context.db).map(\.status) == [.cancelled])
            #expect(try await context.auditActions().contains("agent.disabled"))

            try await browser.get(Paths.adminAgent(charenne.id!))
            try await browser.post(Paths.adminAgentStatus(charenne.id!), [("action", "reactiver")])
            #expect(try await context.browser().signIn(DemoWorld.agentEmail).status == .seeOther)
        }
    }

    @Test("an administrator edits an account, sets the ADD flag and grants a right directly, all audited")
    func editAndGrant() async throws {
        try await withTestApp { context in
            let charenne = try await Given.agent(DemoWorld.agentEmail, on: context.db)
            let caf = try await Given.organisation("CAF-69", on: context.db)
            let browser = try await admin(context)
            try await browser.get(Paths.adminAgent(charenne.id!))
            try await browser.post(
                Paths.adminAgent(charenne.id!),
                [
                    ("civilite", "Monsieur"), ("prenom", "Aristide"), ("nom", "Charenne"), ("telephone", "0674310010"),
                    ("organisme", caf.id!.uuidString.lowercased()), ("secondOrganisme", ""), ("add", "1"),
                ])
            let updated = try await Given.agent(DemoWorld.agentEmail, on: context.db)
            #expect(updated.isDirector)
            #expect(updated.$organisation.id == caf.id)
            let event = try #require(
                try await AuditEvent.query(on: context.db).filter(\.$action == "agent.updated").first())
            #expect(event.details.contains("\"director.after\":\"true\""))

            let tdb = try await Given.application("TDB-RH", on: context.db)
            try await browser.get(Paths.adminAgent(charenne.id!))
            try await browser.post(Paths.adminGrant(charenne.id!), [("application", tdb.id!.uuidString)])
            #expect(try await Given.grants(of: DemoWorld.agentEmail, on: context.db) == ["ACCORDS-LOCAUX", "TDB-RH"])
            #expect(try await context.deliverMail().contains { $0.recipient == DemoWorld.agentEmail })
            #expect(try await context.auditActions().contains("grant.created"))
        }
    }

    @Test("an administrator cannot remove their own administrator rights")
    func selfDemotion() async throws {
        try await withTestApp { context in
            let me = try await Given.agent(DemoWorld.administratorEmail, on: context.db)
            let browser = try await admin(context)
            try await browser.get(Paths.adminAgent(me.id!))
            let page = try await browser.post(
                Paths.adminAgent(me.id!),
                [
                    ("civilite", "Madame"), ("prenom", "Claire"), ("nom", "Morel"),
                    ("organisme", me.$organisation.id.uuidString.lowercased()),
                ])
            #expect(
                page.fieldError("administrateur") == "Vous ne pouvez pas retirer vos propres droits d’administrateur.")
            #expect(try await Given.agent(DemoWorld.administratorEmail, on: context.db).isAdministrator)
        }
    }

    @Test("a correspondent finds the agents of their organisme only")
    func myOrganisation() async throws {
        try await withTestApp { context in
            let marie = context.browser()
            try await marie.signIn(DemoWorld.correspondentEmail)
            let page = try await marie.get(Paths.myOrganisationAgents)
            #expect(page.contains("3 compte(s)."))
            #expect(
                page.contains(
                    "Aristide Charenne a.charenne@lassuranceretraite.fr CARSAT Rhône-Alpes actif Accords locaux (Consultation)"
                ))
            #expect(!page.contains("Jeanne Petit"))
            #expect(try await marie.get(Paths.myOrganisationAgents + "?q=petit").contains("0 compte(s)."))
        }
    }

    @Test("settings apply without restart: the new delay gives the next request's date")
    func settings() async throws {
        try await withTestApp { context in
            let browser = try await admin(context)
            try await browser.get(Paths.adminSettings)
            let invalid = try await browser.post(
                Paths.adminSettings,
                [("delai", "0"), ("rappel", "3"), ("webmaster", "x"), ("contactAdd", "add@ucanss.fr")])
            #expect(invalid.fieldError("delai") == "Indiquez un délai entre 1 et 90 jours.")
            #expect(invalid.fieldError("webmaster") == "Saisissez une adresse e-mail valide.")
            #expect(invalid.fieldError("decompte") == "Choisissez comment les délais se comptent.")
            let saved = try await browser.post(
                Paths.adminSettings,
                [
                    ("delai", "5"), ("rappel", "1"), ("webmaster", "support@ucanss.fr"),
                    ("contactAdd", "add@ucanss.fr"),
                    ("decompte", "calendar"),
                ])
            #expect(saved.contains("Les paramètres ont été enregistrés."))
            try await requestAccess("GREVE", as: DemoWorld.agentEmail, context: context)
            let request = try #require(try await Given.requests(of: DemoWorld.agentEmail, on: context.db).first)
            #expect(request.dueAt == testEpoch.addingTimeInterval(5 * 86_400))
            #expect(try await context.browser().get(Paths.faq).contains("support@ucanss.fr"))
            #expect(try await context.auditActions().contains("settings.saved"))
        }
    }

    @Test("the audit trail filters by action and actor, paginates, and exports CSV")
    func auditTrail() async throws {
        try await withTestApp { context in
            try await context.browser().signIn(DemoWorld.agentEmail, password: "mauvais mot de passe")
            try await requestAccess("GREVE", as: DemoWorld.agentEmail, context: context)
            let browser = try await admin(context)
            let failed = try await browser.get(Paths.adminAudit + "?action=sign_in.failed")
            #expect(failed.contains("1 événement(s)."))
            #expect(failed.contains("wrong_password"))
            let byActor = try await browser.get(Paths.adminAudit + "?acteur=charenne&action=access_request.created")
            #expect(byActor.contains("1 événement(s)."))
            #expect(byActor.contains("Aristide Charenne"))
            let carsat = try await Given.organisation("CARSAT-RA", on: context.db)
            let byOrganisation = try await browser.get(Paths.adminAudit + "?organisme=\(carsat.id!.uuidString)")
            #expect(byOrganisation.contains("access_request.created"))
            let future = try await browser.get(Paths.adminAudit + "?du=2030-01-01")
            #expect(future.contains("0 événement(s)."))
            #expect(try await browser.get(Paths.adminAudit + "?du=pas-une-date&action=%3Cscript%3E").status == .ok)
            let csv = try await browser.get(Paths.adminAuditCSV + "?action=sign_in.failed")
            #expect(csv.html.contains("\"sign_in.failed\""))
            #expect(csv.headers.first(name: .contentDisposition)?.contains("journal-audit.csv") == true)
            #expect(try await context.auditActions().contains("audit.exported"))
        }
    }

    @Test("the dashboard draws its charts with a text alternative")
    func dashboard() async throws {
        try await withTestApp { context in
            try await requestAccess("GREVE", as: DemoWorld.agentEmail, context: context)
            try await requestAccess("GREVE", as: DemoWorld.cafAgentEmail, context: context)
            let browser = try await admin(context)
            let page = try await browser.get(Paths.adminDashboard)
            #expect(page.status == .ok)
            #expect(page.html.contains("<svg role=\"img\""))
            #expect(page.contains("Demandes reçues 2"))
            #expect(page.contains("en attente 2"))
            #expect(page.contains("CAF du Rhône 1"))
            #expect(page.contains("Demandes d’habilitation par semaine — données"))
            // Rights held now, by application and profile: the demo's one right of Accords locaux.
            #expect(page.contains("Habilitations en cours par application et profil (10 premières)"))
            #expect(page.contains("Accords locaux (Consultation) 1"))
        }
    }

    @Test("the dashboard counts the requests of the period by week and outcome, and the median decision time")
    func dashboardFigures() async throws {
        try await withTestApp { context in
            let day: TimeInterval = 86_400
            // Before the period (84 days before the dashboard is read): accepted by the sweep below, never counted.
            context.clock.set(testEpoch.addingTimeInterval(-70 * day))
            try await requestAccess("ELECTIONS-PRO", as: DemoWorld.cafAgentEmail, context: context)
            // Refused by the correspondent two days after it was made.
            context.clock.set(testEpoch)
            try await requestAccess("GREVE", as: DemoWorld.agentEmail, context: context)
            let refused = try #require(try await Given.requests(of: DemoWorld.agentEmail, on: context.db).first)
            context.clock.set(testEpoch.addingTimeInterval(2 * day))
            let marie = context.browser()
            try await marie.signIn(DemoWorld.correspondentEmail)
            try await marie.get(Paths.requestsToDecide)
            try await marie.post(
                Paths.decideRequests,
                [("ids[]", refused.id!.uuidString), ("decision", "refuser"), ("motif", "Hors périmètre")])
            // Accepted automatically ten days after it was made; then one still pending.
            context.clock.set(testEpoch.addingTimeInterval(8 * day))
            try await requestAccess("GREVE", as: DemoWorld.cafAgentEmail, context: context)
            context.clock.set(testEpoch.addingTimeInterval(9 * day))
            try await requestAccess("DROIT-SYNDICAL", as: DemoWorld.agentEmail, context: context)
            let sweepAt = testEpoch.addingTimeInterval(18 * day)
            context.clock.set(sweepAt)
            let swept = try await context.app.portal.accessRequests.sweep(
                asOf: sweepAt, on: context.db, logger: context.app.logger)
            #expect(swept.autoAccepted == 2)

            context.clock.set(testEpoch.addingTimeInterval(20 * day))
            let page = try await admin(context).get(Paths.adminDashboard)
            #expect(page.contains("Demandes reçues 3"))
            // The median of 2 and 10 days is taken as the upper one.
            #expect(page.contains("Délai médian de décision 10 j 0 h"))
            #expect(page.contains("Décidées par un valideur 50 %"))
            #expect(page.contains("Acceptées automatiquement 50 %"))
            for (label, count) in [
                ("acceptées", 0), ("acceptées automatiquement", 1), ("refusées", 1), ("annulées", 0),
                ("en attente", 1),
            ] {
                #expect(page.html.contains("<td>\(label)</td><td>\(count)</td>"), "\(label)")
            }
            // The period starts 84 days before; the refusal falls in its tenth week, the two others in the eleventh.
            let start = testEpoch.addingTimeInterval(20 * day - 84 * day)
            for (week, count) in [(8, 0), (9, 1), (10, 2), (11, 0)] {
                let label = ParisCalendar.shortDate(ParisCalendar.adding(days: 7 * week, to: start))
                #expect(page.html.contains("<td>sem. du \(label)</td><td>\(count)</td>"), "week \(week)")
            }
        }
    }

    @Test("the audit trail exports every matching event, newest first, a page at a time, none lost or repeated")
    func auditExportAcrossPages() async throws {
        try await withTestApp { context in
            // More failed sign-ins than a page, ten per second, so that equal dates straddle the page breaks.
            let old = testEpoch.addingTimeInterval(-30 * 86_400)
            let count = 2 * PagedCSV.rowsPerPage + 250
            try await (context.db as! any SQLDatabase).insertRows(
                into: AuditEvent.schema,
                columns: ["id", "occurred_at", "action", "outcome", "target_type", "target_id", "ip", "details"],
                rows: (0..<count).map { index in
                    [
                        UUID(), old.addingTimeInterval(Double(index / 10)), "sign_in.failed", "failure", "login",
                        "n\(index)", "192.0.2.1", "{}",
                    ]
                })
            let browser = try await admin(context)
            let csv = try await browser.get(Paths.adminAuditCSV + "?action=sign_in.failed")
            #expect(csv.status == .ok)
            let lines = csv.html.split(separator: "\r\n").dropFirst()
            #expect(lines.count == count)
            let indexes = lines.compactMap { line in
                line.split(separator: ";").first { $0.hasPrefix("\"login n") }.flatMap {
                    Int($0.dropFirst("\"login n".count).dropLast())
                }
            }
            #expect(Set(indexes) == Set(0..<count))
            #expect(indexes.count == count)
            // Newest first: the second of each event never increases down the file.
            #expect(zip(indexes, indexes.dropFirst()).allSatisfy { $0 / 10 >= $1 / 10 })
            let exported = try #require(
                try await AuditEvent.query(on: context.db).filter(\.$action == "audit.exported").first())
            #expect(exported.details.contains("\"count\":\"\(count)\""))
        }
    }

    @Test("all rights export as CSV, oldest first, streamed in chunks whatever their number")
    func rightsExport() async throws {
        try await withTestApp { context in
            // More withdrawn rights than one chunk of the stream, granted before every right of the demo world.
            let charenne = try await Given.agent(DemoWorld.agentEmail, on: context.db)
            let greve = try await Given.application("GREVE", on: context.db)
            let old = testEpoch.addingTimeInterval(-400 * 86_400)
            try await (context.db as! any SQLDatabase).insertRows(
                into: Grant.schema, columns: ["id", "agent_id", "application_id", "granted_at", "revoked_at"],
                rows: (0..<(PagedCSV.rowsPerPage + 500)).map { index in
                    [
                        UUID(), charenne.id!, greve.id!, old.addingTimeInterval(Double(index)),
                        old.addingTimeInterval(86_400),
                    ]
                })
            let total = try await Grant.query(on: context.db).count()
            let browser = try await admin(context)
            let csv = try await browser.get(Paths.adminRightsCSV)
            #expect(csv.status == .ok)
            #expect(csv.headers.first(name: .contentDisposition) == "attachment; filename=\"habilitations.csv\"")
            let lines = csv.html.split(separator: "\r\n")
            #expect(lines.count == total + 1)
            #expect(
                lines.first
                    == "\u{FEFF}\"email\";\"prenom\";\"nom\";\"organisme\";\"application\";\"profil\";\"accordee_le\";\"retiree_le\";\"expire_le\""
            )
            #expect(
                lines.dropFirst().first
                    == "\"a.charenne@lassuranceretraite.fr\";\"Aristide\";\"Charenne\";\"CARSAT Rhône-Alpes\";\"Grève\";\"\";\"\(ParisCalendar.shortDate(old))\";\"\(ParisCalendar.shortDate(old.addingTimeInterval(86_400)))\";\"\""
            )
            #expect(
                csv.html.contains(
                    "\"a.charenne@lassuranceretraite.fr\";\"Aristide\";\"Charenne\";\"CARSAT Rhône-Alpes\";\"Accords locaux\";\"CONSULTATION\";\"02/03/2026\";\"\";\"\""
                ))
            let exported = try #require(
                try await AuditEvent.query(on: context.db).filter(\.$action == "rights.exported").first())
            #expect(exported.details.contains("\"count\":\"\(total)\""))
        }
    }
}
