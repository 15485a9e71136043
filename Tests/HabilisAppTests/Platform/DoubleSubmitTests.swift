import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@testable import HabilisApp

/// A form sent several times at once (a double click, two tabs): each answer is what one sending would give, and
/// the database holds what one sending would write. Found by posting every form of the portal twice at once on
/// PostgreSQL, where three of them answered 500.
@Suite("A form sent several times at once")
struct DoubleSubmitTests {
    static let copies = 4

    /// Posts the same form `copies` times at once from one browser; returns the statuses.
    static func postAtOnce(
        _ browser: TestBrowser, _ path: String, _ fields: [(String, String)]
    ) async throws -> [Page] {
        try await withThrowingTaskGroup(of: Page.self) { group in
            for _ in 0..<copies { group.addTask { try await browser.post(path, fields) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    /// One answer saved (303); each other one is the form again, 422, with `message` beside `field`.
    static func expectOneSaved(_ answers: [Page], theOthersSay message: String, beside field: String) {
        #expect(answers.filter { $0.status == .seeOther }.count == 1)
        for refused in answers where refused.status != .seeOther {
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.fieldError(field) == message)
        }
    }

    @Test("« Mes abonnements »: every answer saves, and each newsletter is subscribed once")
    func subscriptions() async throws {
        try await withTestApp { context in
            let agent = context.browser()
            try await agent.signIn(DemoWorld.agentEmail)
            try await agent.get(Paths.mySubscriptions)
            let newsletters = try await Newsletter.query(on: context.db).sort(\.$position).all()
            for ticked in [newsletters, Array(newsletters.prefix(2)), Array(newsletters.suffix(3))] {
                let answers = try await Self.postAtOnce(
                    agent, Paths.mySubscriptions, ticked.map { ("lettres[]", $0.id!.uuidString) })
                #expect(answers.map(\.status) == Array(repeating: .seeOther, count: Self.copies))
                let held = try await Subscription.query(on: context.db).all().map(\.$newsletter.id)
                #expect(held.sorted() == ticked.map { $0.id! }.sorted())
            }
        }
    }

    @Test("the settings: every answer saves, and each setting is stored once")
    func settings() async throws {
        try await withTestApp { context in
            let administrator = context.browser()
            try await administrator.signIn(DemoWorld.administratorEmail)
            try await administrator.get(Paths.adminSettings)
            let answers = try await Self.postAtOnce(
                administrator, Paths.adminSettings,
                [
                    ("delai", "12"), ("rappel", "3"), ("webmaster", "webmaster@ucanss.fr"),
                    ("contactAdd", "labdd@ucanss.fr"), ("decompte", "working"),
                ])
            #expect(answers.allSatisfy { $0.status == .ok && $0.contains("Les paramètres ont été enregistrés.") })
            let stored = try await StoredSetting.query(on: context.db).all()
            #expect(stored.count == 5)
            #expect(stored.first { $0.key == "auto_accept_days" }?.value == "12")
        }
    }

    @Test("a right granted by an administrator: every answer succeeds, and the agent holds it once")
    func directGrant() async throws {
        try await withTestApp { context in
            let administrator = context.browser()
            try await administrator.signIn(DemoWorld.administratorEmail)
            let charenne = try await Given.agent(DemoWorld.agentEmail, on: context.db)
            let tdb = try await Given.application("TDB-RH", on: context.db)
            try await administrator.get(Paths.adminAgent(charenne.id!))
            let answers = try await Self.postAtOnce(
                administrator, Paths.adminGrant(charenne.id!), [("application", tdb.id!.uuidString)])
            #expect(answers.map(\.status) == Array(repeating: .seeOther, count: Self.copies))
            let held = try await Grant.query(on: context.db).filter(\.$agent.$id == charenne.id!)
                .filter(\.$application.$id == tdb.id!).filter(\.$revokedAt == nil).count()
            #expect(held == 1)
            #expect(try await context.auditActions().filter { $0 == "grant.created" }.count == 1)
        }
    }

    @Test("a right granted through the API four times at once: one 201, then « Habilitation déjà détenue »")
    func grantThroughTheAPI() async throws {
        try await withTestApp { context in
            let petit = try await Given.agent(DemoWorld.cafAgentEmail, on: context.db)
            let caller = try await MachineCaller.register(context, application: "GREVE", scopes: [.rightsWrite])
            _ = try await caller.call(.GET, "/applications/GREVE/right-holders")
            let body = "{\"agent_id\":\"\(petit.id!.uuidString)\"}"
            let answers = try await withThrowingTaskGroup(of: (HTTPResponseStatus, String?).self) { group in
                for _ in 0..<Self.copies {
                    group.addTask {
                        let (page, problem) = try await caller.call(.POST, "/applications/GREVE/rights", json: body)
                        return (page.status, problem["title"] as? String)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.filter { $0.0 == .created }.count == 1)
            let refused = answers.filter { $0.0 != .created }
            #expect(refused.allSatisfy { $0.0 == .conflict && $0.1 == "Habilitation déjà détenue." })
            #expect(try await Given.grants(of: DemoWorld.cafAgentEmail, on: context.db) == ["GREVE"])
        }
    }

    @Test("an absence declared four times at once: one absence; the other answers say the period is taken")
    func absence() async throws {
        try await withTestApp { context in
            let marie = try await Given.agent(DemoWorld.correspondentEmail, on: context.db)
            let administrator = context.browser()
            try await administrator.signIn(DemoWorld.administratorEmail)
            try await administrator.get(Paths.adminAgentAbsences(marie.id!))
            let answers = try await Self.postAtOnce(
                administrator, Paths.adminAgentAbsences(marie.id!),
                [
                    ("du", RightValidity.inputValue(of: ParisCalendar.adding(days: 1, to: context.clock.now))),
                    ("au", RightValidity.inputValue(of: ParisCalendar.adding(days: 5, to: context.clock.now))),
                    ("suppleant", ""),
                ])
            Self.expectOneSaved(answers, theOthersSay: "Une absence est déjà déclarée sur cette période.", beside: "du")
            #expect(try await Absence.query(on: context.db).filter(\.$agent.$id == marie.id!).count() == 1)
            #expect(try await context.auditActions().filter { $0 == "absence.declared" }.count == 1)
        }
    }

    @Test("« Configurer » the second factor: every answer goes on, and the agent has one factor to confirm")
    func secondFactorSetup() async throws {
        try await withTestApp { context in
            let agent = context.browser()
            try await agent.signIn(DemoWorld.agentEmail)
            try await agent.get(Paths.mySecondFactor)
            let answers = try await Self.postAtOnce(agent, Paths.setUpMySecondFactor, [])
            #expect(answers.map(\.status) == Array(repeating: .seeOther, count: Self.copies))
            let factors = try await SecondFactor.query(on: context.db).all()
            #expect(factors.count == 1)
            #expect(factors.first?.confirmedAt == nil)
        }
    }

    @Test("one's second factor removed four times at once: every answer says it is off, and one audit event")
    func secondFactorRemoval() async throws {
        try await withTestApp { context in
            let (agent, key) = try await SecondFactorTests().enable(DemoWorld.agentEmail, context)
            context.clock.advance(by: 30)
            try await agent.get(Paths.mySecondFactor)
            let code = SecondFactorTests.code(for: key, at: context.clock.now)
            let answers = try await Self.postAtOnce(agent, Paths.disableMySecondFactor, [("code", code)])
            for answer in answers {
                #expect(answer.status == .seeOther)
                #expect(answer.location == Paths.mySecondFactor + "?message=desactivee")
            }
            #expect(try await SecondFactor.query(on: context.db).count() == 0)
            #expect(try await context.auditActions().filter { $0 == "second_factor.disabled" }.count == 1)
        }
    }

    @Test("an account disabled four times at once, then enabled: one audit event and one change event each")
    func accountStatus() async throws {
        try await withTestApp { context in
            _ = try await context.app.portal.webhooks.add(
                application: "ACCORDS-LOCAUX", url: WebhookTests.deadEndpoint, by: .system, on: context.db)
            let administrator = context.browser()
            try await administrator.signIn(DemoWorld.administratorEmail)
            let charenne = try await Given.agent(DemoWorld.agentEmail, on: context.db)
            try await administrator.get(Paths.adminAgent(charenne.id!))
            for action in ["desactiver", "reactiver"] {
                let answers = try await Self.postAtOnce(
                    administrator, Paths.adminAgentStatus(charenne.id!), [("action", action)])
                #expect(answers.map(\.status) == Array(repeating: .seeOther, count: Self.copies))
            }
            let actions = try await context.auditActions()
            #expect(actions.filter { $0 == "agent.disabled" }.count == 1)
            #expect(actions.filter { $0 == "agent.enabled" }.count == 1)
            #expect(try await WebhookTests.deliveries(context).map(\.eventType) == ["agent.disabled"])
            #expect(try await Given.agent(DemoWorld.agentEmail, on: context.db).status == .active)
        }
    }

    @Test("an account disabled from a page read before another administrator disabled it: disabled once")
    func staleAccountStatus() async throws {
        try await withTestApp { context in
            let portal = context.app.portal
            let stale = try await Given.agent(DemoWorld.agentEmail, on: context.db)
            let fresh = try await Given.agent(DemoWorld.agentEmail, on: context.db)
            let by = AuditContext(actorID: nil, ip: nil)
            let first = try await context.db.atomically {
                try await portal.disable(fresh, decidedBy: nil, by: by, on: $0)
            }
            let second = try await context.db.atomically {
                try await portal.disable(stale, decidedBy: nil, by: by, on: $0)
            }
            #expect((first, second) == (true, false))
            #expect(try await context.auditActions().filter { $0 == "agent.disabled" }.count == 1)
        }
    }

    @Test("a correspondent designated: one designation; the other answers say it exists")
    func designation() async throws {
        try await withTestApp { context in
            let administrator = context.browser()
            try await administrator.signIn(DemoWorld.administratorEmail)
            let caf = try await Given.organisation("CAF-69", on: context.db)
            let newcomer = try await Given.newAgent("c.blanc@caf.fr", organisation: "CAF-69", context: context)
            try await administrator.get(Paths.adminOrganisation(caf.id!))
            let answers = try await Self.postAtOnce(
                administrator, Paths.adminDesignate(caf.id!), [("email", newcomer.email)])
            Self.expectOneSaved(
                answers, theOthersSay: "Camille Test est déjà correspondant de cet organisme.", beside: "correspondant")
            #expect(
                try await Correspondent.query(on: context.db).filter(\.$agent.$id == newcomer.id!).count() == 1)
        }
    }

    @Test("a correspondent removed four times at once: removed once, with one audit event")
    func correspondentRemoval() async throws {
        try await withTestApp { context in
            let administrator = context.browser()
            try await administrator.signIn(DemoWorld.administratorEmail)
            let marie = try await Given.agent(DemoWorld.correspondentEmail, on: context.db)
            let designation = try #require(
                try await Correspondent.query(on: context.db).filter(\.$agent.$id == marie.id!).first())
            let organisation = Paths.adminOrganisation(designation.$organisation.id)
            try await administrator.get(organisation)
            let answers = try await Self.postAtOnce(
                administrator, Paths.adminRemoveCorrespondent(designation.$organisation.id, designation.id!), [])
            // One removed it and says so; the others find it gone and show the organisme.
            #expect(answers.filter { $0.location == organisation + "?enregistre=1" }.count == 1)
            #expect(answers.filter { $0.location == organisation }.count == Self.copies - 1)
            #expect(try await Correspondent.find(designation.id, on: context.db) == nil)
            #expect(try await context.auditActions().filter { $0 == "correspondent.removed" }.count == 1)
        }
    }

    /// An OpenID Connect client, a machine client and an event endpoint of Accords locaux.
    static func integrations(
        _ context: TestContext
    ) async throws -> (BusinessApplication, RelyingParty, MachineCaller, WebhookEndpoint) {
        let accords = try await Given.application("ACCORDS-LOCAUX", on: context.db)
        let party = try await RelyingParty.register(context)
        let machine = try await MachineCaller.register(context, application: "ACCORDS-LOCAUX", scopes: [.rightsRead])
        let (endpoint, _) = try await context.app.portal.webhooks.add(
            application: "ACCORDS-LOCAUX", url: WebhookTests.deadEndpoint, by: .system, on: context.db)
        return (accords, party, machine, endpoint)
    }

    @Test("a client, a machine client and an event endpoint removed four times at once: one removal event each")
    func integrationRemovals() async throws {
        try await withTestApp { context in
            let administrator = context.browser()
            try await administrator.signIn(DemoWorld.administratorEmail)
            let (accords, party, machine, endpoint) = try await Self.integrations(context)
            try await administrator.get(Paths.adminIntegrations)
            for path in [
                Paths.adminRemoveClient(accords.id!, party.clientID), Paths.adminRemoveMachineClient(machine.clientID),
                Paths.adminRemoveWebhook(endpoint.id!),
            ] {
                let answers = try await Self.postAtOnce(administrator, path, [])
                // One removed it; the others found it gone: all lead back to the list.
                #expect(answers.allSatisfy { $0.status == .seeOther }, "\(path)")
            }
            #expect(try await OIDCClient.query(on: context.db).count() == 0)
            #expect(try await MachineClient.query(on: context.db).count() == 0)
            #expect(try await WebhookEndpoint.query(on: context.db).count() == 0)
            let actions = try await context.auditActions()
            for removal in ["oidc_client.removed", "machine_client.removed", "webhook.endpoint_removed"] {
                #expect(actions.filter { $0 == removal }.count == 1, "\(removal)")
            }
        }
    }

    @Test("a removal sent again from a page read before it: the list, without the notice, and one audit event")
    func removalsFromStalePages() async throws {
        try await withTestApp { context in
            let (accords, party, machine, endpoint) = try await Self.integrations(context)
            let mail = try await FailedMailsTests().failedMail(
                to: DemoWorld.agentEmail, subject: "Votre demande", on: context.db)
            _ = try await SecondFactorTests().enable(DemoWorld.agentEmail, context)
            let charenne = try await Given.agent(DemoWorld.agentEmail, on: context.db)
            // Another session of the administrator's, from another browser.
            let administratorID = try await Given.agent(DemoWorld.administratorEmail, on: context.db).id!
            try await context.browser().signIn(DemoWorld.administratorEmail)
            let other = try #require(
                try await UserSession.query(on: context.db).filter(\.$agent.$id == administratorID).first())
            let administrator = context.browser()
            try await administrator.signIn(DemoWorld.administratorEmail)
            try await administrator.get(Paths.adminIntegrations)
            for (path, list, notice, action) in [
                (
                    Paths.adminRemoveClient(accords.id!, party.clientID), Paths.adminApplicationClients(accords.id!),
                    "?fait=supprime", "oidc_client.removed"
                ),
                (
                    Paths.adminRemoveMachineClient(machine.clientID), Paths.adminIntegrations, "?fait=client-supprime",
                    "machine_client.removed"
                ),
                (
                    Paths.adminRemoveWebhook(endpoint.id!), Paths.adminIntegrations, "?fait=point-supprime",
                    "webhook.endpoint_removed"
                ),
                (Paths.adminRetryMail(mail.id!), Paths.adminFailedMails, "?renvoye=1", "mail.retried"),
                (
                    Paths.adminResetSecondFactor(charenne.id!), Paths.adminAgent(charenne.id!), "?enregistre=1",
                    "second_factor.reset_by_administrator"
                ),
                (Paths.endMySession(other.id!), Paths.mySessions, "?fermees=1", "session.ended"),
            ] {
                let first = try await administrator.post(path, [])
                #expect(first.location == list + notice, "\(path)")
                let again = try await administrator.post(path, [])
                #expect(again.status == .seeOther, "\(path)")
                #expect(again.location == list, "\(path)")
                #expect(try await context.auditActions().filter { $0 == action }.count == 1, "\(action)")
            }
        }
    }

    @Test("an organisme created four times at once: one is kept, the other answers say its code is taken")
    func organisation() async throws {
        try await withTestApp { context in
            let administrator = context.browser()
            try await administrator.signIn(DemoWorld.administratorEmail)
            try await administrator.get(Paths.adminNewOrganisation)
            let answers = try await Self.postAtOnce(
                administrator, Paths.adminNewOrganisation,
                [("code", "CPAM-75"), ("name", "CPAM de Paris"), ("branch", "maladie"), ("active", "1")])
            Self.expectOneSaved(
                answers, theOthersSay: "Ce code est déjà utilisé par un autre organisme.", beside: "code")
            #expect(try await Organisation.query(on: context.db).filter(\.$code == "CPAM-75").count() == 1)
            #expect(try await context.auditActions().filter { $0 == "organisation.saved" }.count == 1)
        }
    }

    @Test("an application created four times at once: one is kept, the other answers say its code is taken")
    func application() async throws {
        try await withTestApp { context in
            let administrator = context.browser()
            try await administrator.signIn(DemoWorld.administratorEmail)
            try await administrator.get(Paths.adminNewApplication)
            let answers = try await Self.postAtOnce(
                administrator, Paths.adminNewApplication,
                [
                    ("code", "SIRH"), ("name", "SIRH national"), ("launchURL", "https://sirh.ucanss.fr/"),
                    ("mode", "central"), ("position", "0"), ("active", "1"),
                ])
            Self.expectOneSaved(
                answers, theOthersSay: "Ce code est déjà utilisé par une autre application.", beside: "code")
            #expect(try await BusinessApplication.query(on: context.db).filter(\.$code == "SIRH").count() == 1)
            #expect(try await context.auditActions().filter { $0 == "application.saved" }.count == 1)
        }
    }

    @Test("profiles saved at once: one per code, and the application keeps exactly one default profile")
    func profiles() async throws {
        try await withTestApp { context in
            let administrator = context.browser()
            try await administrator.signIn(DemoWorld.administratorEmail)
            let greve = try await Given.application("GREVE", on: context.db)
            let new = Paths.adminNewApplicationProfile(greve.id!)
            try await administrator.get(new)
            let same = try await Self.postAtOnce(
                administrator, new, [("code", "DECL"), ("label", "Déclarant"), ("position", "1"), ("isDefault", "1")])
            Self.expectOneSaved(
                same, theOthersSay: "Ce code est déjà celui d’un autre profil de l’application.", beside: "code")
            // Four other profiles at once, each asked to be the default one.
            let others = try await withThrowingTaskGroup(of: Page.self) { group in
                for number in 1...Self.copies {
                    group.addTask {
                        try await administrator.post(
                            new,
                            [
                                ("code", "P\(number)"), ("label", "Profil \(number)"), ("position", "\(number)"),
                                ("isDefault", "1"),
                            ])
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(others.map(\.status) == Array(repeating: .seeOther, count: Self.copies))
            let saved = try await ApplicationProfile.query(on: context.db).filter(\.$application.$id == greve.id!).all()
            #expect(saved.count == 1 + Self.copies)
            #expect(saved.filter(\.isDefault).count == 1)
        }
    }

    @Test("a unique index's or a foreign key's refusal is a write conflict, answered 409; other refusals are not")
    func conflictsAreRecognised() async throws {
        try await withTestApp { context in
            let sql = context.db as! any SQLDatabase
            let agent = try await Given.agent(DemoWorld.agentEmail, on: context.db)
            let newsletter = try #require(try await Newsletter.query(on: context.db).first())
            @Sendable func subscribe(_ agentID: UUID) async throws {
                try await Subscription(agentID: agentID, newsletterID: newsletter.id!, subscribedAt: Date())
                    .create(on: context.db)
            }
            try await subscribe(agent.id!)
            await #expect { try await subscribe(agent.id!) } throws: {
                WriteConflict.isConflict($0) && WriteConflict.isDuplicate($0)
            }
            // An agent removed an instant before: the foreign key refuses the row that names it.
            await #expect { try await subscribe(UUID()) } throws: {
                WriteConflict.isConflict($0) && WriteConflict.isStillReferenced($0) && !WriteConflict.isDuplicate($0)
            }
            await #expect {
                try await sql.raw("INSERT INTO subscriptions (id) VALUES (\(bind: UUID()))").run()
            } throws: { !WriteConflict.isConflict($0) }

            context.app.get("abonnement-orphelin") { _ async throws -> String in
                try await subscribe(UUID())
                return "enregistré"
            }
            let page = try await context.browser().get("/abonnement-orphelin")
            #expect(page.status == .conflict)
            #expect(page.contains("Modification simultanée"))
        }
    }
}
