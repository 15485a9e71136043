import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@testable import HabilisApp

@Suite("Profiles within an application: defined by administrators, asked for, decided, held and read by applications")
struct ApplicationProfileTests {
    /// The active rights of an agent on an application, by profile code (« - » for a right without profile).
    static func heldProfiles(_ email: String, on code: String, context: TestContext) async throws -> [String] {
        let agent = try await Given.agent(email, on: context.db)
        let application = try await Given.application(code, on: context.db)
        return try await Grant.query(on: context.db).filter(\.$agent.$id == agent.id!)
            .filter(\.$application.$id == application.id!).filter(\.$revokedAt == nil).with(\.$profile).all()
            .map { $0.profile?.code ?? "-" }.sorted()
    }

    @Test("an administrator defines profiles; each field is checked; the first one becomes the rights' profile")
    func administration() async throws {
        try await withTestApp { context in
            let greve = try await Given.application("GREVE", on: context.db)
            let charenne = try await Given.agent(DemoWorld.agentEmail, on: context.db)
            try await Grant(
                agentID: charenne.id!, applicationID: greve.id!, grantedAt: context.clock.now, grantedByID: nil,
                accessRequestID: nil
            ).create(on: context.db)
            let admin = context.browser()
            try await admin.signIn(DemoWorld.administratorEmail)
            #expect(
                try await admin.get(Paths.adminApplication(greve.id!)).html.contains(
                    "href=\"\(Paths.adminApplicationProfiles(greve.id!))\">Profils de l’application</a>"))
            let list = try await admin.get(Paths.adminApplicationProfiles(greve.id!))
            #expect(list.contains("Cette application n’a pas de profil."))
            let new = Paths.adminNewApplicationProfile(greve.id!)
            for (fields, field, message) in [
                ([("code", "DÉCLARANT"), ("label", "Déclarant"), ("position", "1")], "code", "lettres sans accent"),
                ([("code", "DECL"), ("label", ""), ("position", "1")], "label", "Renseignez le libellé"),
                ([("code", "DECL"), ("label", "Déclarant"), ("position", "x")], "position", "numéro d’ordre"),
                (
                    [
                        ("code", "DECL"), ("label", "Déclarant"), ("position", "1"),
                        ("summary", String(repeating: "a", count: 1001)),
                    ],
                    "summary", "1 000 caractères"
                ),
            ] {
                let refused = try await admin.post(new, fields)
                #expect(refused.status == .unprocessableEntity, "\(fields)")
                #expect(
                    refused.fieldError(field)?.contains(message) == true, "\(field): \(refused.fieldError(field) ?? "")"
                )
            }
            #expect(
                try await ApplicationProfile.query(on: context.db).filter(\.$application.$id == greve.id!).count() == 0)

            // The first profile is the default one, and the right already held takes it.
            let saved = try await admin.post(
                new,
                [("code", "declarant"), ("label", "Déclarant"), ("summary", "Déclare les grèves."), ("position", "1")])
            #expect(saved.location == Paths.adminApplicationProfiles(greve.id!) + "?fait=enregistre")
            #expect(try await Self.heldProfiles(DemoWorld.agentEmail, on: "GREVE", context: context) == ["DECLARANT"])
            let savedEvent = try #require(
                try await AuditEvent.query(on: context.db).filter(\.$action == "application_profile.saved").first())
            #expect(savedEvent.details.contains("\"rights_given_profile\":\"1\""))
            let duplicate = try await admin.post(new, [("code", "DECLARANT"), ("label", "Autre"), ("position", "2")])
            #expect(duplicate.fieldError("code") == "Ce code est déjà celui d’un autre profil de l’application.")
            let sameLabel = try await admin.post(new, [("code", "SUIVI"), ("label", "déclarant"), ("position", "2")])
            #expect(sameLabel.fieldError("label") == "Ce libellé est déjà celui d’un autre profil de l’application.")
            #expect(
                try await admin.post(
                    new, [("code", "SUIVI"), ("label", "Suivi"), ("position", "2"), ("isDefault", "1")]
                )
                .status == .seeOther)
            let profiles = try await ProfileDirectory.profiles(of: greve.id!, on: context.db)
            #expect(profiles.map(\.code) == ["DECLARANT", "SUIVI"])
            #expect(profiles.map(\.isDefault) == [false, true])
            // The default moves, it is never unset; the code never changes.
            let suivi = Paths.adminApplicationProfile(greve.id!, profiles[1].id!.uuidString.lowercased())
            let unset = try await admin.post(suivi, [("code", "AUTRE"), ("label", "Suivi"), ("position", "2")])
            #expect(unset.fieldError("isDefault")?.contains("cochez plutôt cette case sur un autre profil") == true)
            #expect(
                try await admin.post(
                    suivi, [("code", "AUTRE"), ("label", "Suivi national"), ("position", "2"), ("isDefault", "1")]
                )
                .status == .seeOther)
            let edited = try #require(try await ApplicationProfile.find(profiles[1].id, on: context.db))
            #expect(edited.code == "SUIVI" && edited.label == "Suivi national")
            let page = try await admin.get(Paths.adminApplicationProfiles(greve.id!))
            #expect(page.contains("Suivi national (par défaut)"))
            // A profile held cannot go; the default one cannot either while others remain; an unused one can.
            let declarant = Paths.adminRemoveApplicationProfile(greve.id!, profiles[0].id!.uuidString.lowercased())
            #expect(
                try await admin.post(declarant, []).fieldError("remove")?.contains("ne peut pas être supprimé") == true)
            let removeSuivi = Paths.adminRemoveApplicationProfile(greve.id!, profiles[1].id!.uuidString.lowercased())
            #expect(try await admin.post(removeSuivi, []).fieldError("remove")?.contains("profil par défaut") == true)
            #expect(
                try await admin.post(
                    Paths.adminApplicationProfile(greve.id!, profiles[0].id!.uuidString.lowercased()),
                    [("label", "Déclarant"), ("position", "1"), ("isDefault", "1")]
                ).status == .seeOther)
            #expect(
                try await admin.post(removeSuivi, []).location == Paths.adminApplicationProfiles(greve.id!)
                    + "?fait=supprime")
            #expect(try await ApplicationProfile.find(profiles[1].id, on: context.db) == nil)
            // The rule of a change of profile.
            let rule = try await admin.post(Paths.adminApplicationProfileRule(greve.id!), [("change", "add")])
            #expect(rule.location == Paths.adminApplicationProfiles(greve.id!) + "?fait=regle")
            #expect(try await BusinessApplication.find(greve.id, on: context.db)?.profileChange == .add)
            let actions = try await context.auditActions()
            #expect(actions.contains("application_profile.removed") && actions.contains("application.saved"))
            // Not for correspondents.
            let marie = context.browser()
            try await marie.signIn(DemoWorld.correspondentEmail)
            #expect(try await marie.get(Paths.adminApplicationProfiles(greve.id!)).status == .forbidden)
        }
    }

    @Test("a profile edited or removed from a page read before another administrator's change: read again")
    func staleProfilePage() async throws {
        try await withTestApp { context in
            let greve = try await Given.application("GREVE", on: context.db)
            let service = context.app.portal.applicationProfiles
            let by = AuditContext(actorID: nil, ip: nil)
            func form(_ code: String, _ label: String, isDefault: Bool = false) -> ApplicationProfileForm {
                var form = ApplicationProfileForm(position: "1")
                (form.code, form.label, form.isDefault) = (code, label, isDefault ? "1" : nil)
                return form
            }
            for (code, label) in [("DECL", "Déclarant"), ("SUIVI", "Suivi")] {
                #expect(try await service.save(form(code, label), as: nil, of: greve, by: by, on: context.db).isEmpty)
            }
            func profiles() async throws -> [String: Bool] {
                let all = try await ProfileDirectory.profiles(of: greve.id!, on: context.db)
                return Dictionary(uniqueKeysWithValues: all.map { ($0.code, $0.isDefault) })
            }
            #expect(try await profiles() == ["DECL": true, "SUIVI": false])

            // The first administrator opens « Suivi », not the default; the second one makes it the default.
            let seenBySecond = try await ApplicationProfile.query(on: context.db).filter(\.$code == "SUIVI").first()
            let stale = try #require(seenBySecond)
            let made = try await service.save(
                form("SUIVI", "Suivi", isDefault: true), as: ApplicationProfile.find(stale.id, on: context.db),
                of: greve, by: by, on: context.db)
            #expect(made.isEmpty)

            // Saved from the old page, box unticked: refused, since « Suivi » is the default now.
            let saved = try await service.save(
                form("SUIVI", "Suivi national"), as: stale, of: greve, by: by, on: context.db)
            #expect(saved.byField["isDefault"]?.contains("cochez plutôt cette case sur un autre profil") == true)
            // Removed from the old page: refused for the same reason.
            let removed = try await service.remove(stale, of: greve, by: by, on: context.db)
            #expect(removed == "C’est le profil par défaut : choisissez d’abord un autre profil par défaut.")
            #expect(try await profiles() == ["DECL": false, "SUIVI": true])

            // A profile removed meanwhile: its page is gone, and removing it again changes nothing.
            let decl = try #require(
                try await ApplicationProfile.query(on: context.db).filter(\.$code == "DECL").first())
            #expect(try await service.remove(decl, of: greve, by: by, on: context.db) == nil)
            await #expect {
                _ = try await service.save(form("DECL", "Déclarant"), as: decl, of: greve, by: by, on: context.db)
            } throws: {
                ($0 as? Abort)?.status == .notFound
            }
            #expect(try await service.remove(decl, of: greve, by: by, on: context.db) == nil)
            #expect(try await profiles() == ["SUIVI": true])
            let removals = try await context.auditActions().filter { $0 == "application_profile.removed" }
            #expect(removals.count == 1)
        }
    }

    @Test("a change of profile is asked for, decided and replaces the profile held, everywhere at once")
    func changeReplaces() async throws {
        try await withTestApp { context in
            let application = try await RelyingParty.register(context)
            _ = try await context.app.portal.webhooks.add(
                application: "ACCORDS-LOCAUX", url: WebhookTests.deadEndpoint, by: .system, on: context.db)
            let agent = context.browser()
            try await agent.signIn(DemoWorld.agentEmail)
            let form = try await agent.get(Paths.requestAccess("ACCORDS-LOCAUX"))
            #expect(form.contains("Profil demandé"))
            #expect(
                form.contains("Vous détenez déjà le profil « Consultation ». Accepté, le profil demandé le remplacera.")
            )
            #expect(form.contains("Déposer et modifier les accords locaux de son organisme"))
            let missing = try await agent.post(
                Paths.requestAccess("ACCORDS-LOCAUX"), [("profil", ""), ("justification", "")])
            #expect(missing.fieldError("profil") == "Choisissez l’un des profils proposés.")
            let sent = try await agent.post(
                Paths.requestAccess("ACCORDS-LOCAUX"),
                [("profil", "REDACTION"), ("justification", "Je rédige l’accord.")])
            #expect(sent.status == .seeOther)
            let request = try #require(try await Given.requests(of: DemoWorld.agentEmail, on: context.db).first)
            let shown = try await agent.get(Paths.accessRequest(request.id!))
            #expect(shown.contains("Profil Rédaction"))
            let catalogue = try await agent.get(Paths.home)
            #expect(catalogue.contains("Accords locaux (accès ouvert, profil Consultation)"))
            #expect(catalogue.contains("Demande en cours depuis le"))
            #expect(!catalogue.contains("Demander un autre profil"))
            let told = try #require(
                try await context.deliverMail().first { $0.recipient == DemoWorld.correspondentEmail })
            #expect(told.text.contains("Accords locaux (profil « Rédaction »)"))

            let marie = context.browser()
            try await marie.signIn(DemoWorld.correspondentEmail)
            #expect(try await marie.get(Paths.requestsToDecide).contains("Accords locaux (Rédaction)"))
            let detail = try await marie.get(Paths.requestToDecide(request.id!))
            #expect(
                detail.contains(
                    "Changement de profil : détient Consultation — remplacé par le profil demandé s’il est accepté"))
            let decided = try await marie.post(
                Paths.decideRequest(request.id!), [("decision", "accepter"), ("motif", "")])
            #expect(decided.status == .seeOther)
            #expect(
                try await Self.heldProfiles(DemoWorld.agentEmail, on: "ACCORDS-LOCAUX", context: context) == [
                    "REDACTION"
                ])
            let replaced = try #require(
                try await Grant.query(on: context.db).filter(\.$revokedAt != nil).with(\.$profile).first())
            #expect(replaced.profile?.code == "CONSULTATION")
            #expect(replaced.revocationReason == "Remplacée par le profil « Rédaction ».")
            let outcome = try #require(
                try await context.deliverMail().first { $0.recipient == DemoWorld.agentEmail })
            #expect(outcome.subject.contains("Accords locaux (profil « Rédaction »)"))
            #expect(try await context.auditActions().contains("grant.replaced"))
            // The change went to the applications: granted, then the old profile revoked, each naming its profile.
            let rights = try await WebhookTests.deliveries(context).filter { $0.eventType.hasPrefix("right.") }
            #expect(rights.map(\.eventType) == ["right.granted", "right.revoked"])
            let profiles = try rights.map {
                try WebhookTests.payload($0)["data"].flatMap { $0 as? [String: String] }?["profile"]
            }
            #expect(profiles == ["REDACTION", "CONSULTATION"])
            // The application reads the new profile in the roles claim.
            let code = try await application.code(for: agent)
            let (_, tokens) = try await application.exchange(code)
            #expect(jwtParts(try #require(tokens["id_token"] as? String)).claims["roles"] as? [String] == ["REDACTION"])
            let mine = try await agent.get(Paths.myRights)
            #expect(mine.contains("Accords locaux (Rédaction)"))
            // The rights export names the profile of each right.
            let admin = context.browser()
            try await admin.signIn(DemoWorld.administratorEmail)
            let export = try await admin.get(Paths.adminRightsCSV)
            #expect(export.html.contains("\"Accords locaux\";\"REDACTION\""))
            #expect(export.html.contains("\"Accords locaux\";\"CONSULTATION\""))
        }
    }

    @Test("where profiles add up, both are held and the roles claim has both; one active right per profile")
    func profilesAdd() async throws {
        try await withTestApp { context in
            let accords = try await Given.application("ACCORDS-LOCAUX", on: context.db)
            accords.profileChange = .add
            try await accords.update(on: context.db)
            let application = try await RelyingParty.register(context)
            let agent = context.browser()
            try await agent.signIn(DemoWorld.agentEmail)
            #expect(
                try await agent.get(Paths.requestAccess("ACCORDS-LOCAUX")).contains(
                    "Accepté, le profil demandé s’y ajoutera."))
            // No profile named: the one suggested, the first not held.
            try await agent.post(Paths.requestAccess("ACCORDS-LOCAUX"), [("justification", "")])
            let request = try #require(try await Given.requests(of: DemoWorld.agentEmail, on: context.db).first)
            #expect(try await request.$profile.get(on: context.db)?.code == "REDACTION")
            // Nobody refuses: the sweep accepts it with its profile.
            context.clock.advance(by: 11 * 86_400)
            _ = try await context.app.sweep(asOf: context.clock.now)
            try await agent.signIn(DemoWorld.agentEmail)
            #expect(
                try await Self.heldProfiles(DemoWorld.agentEmail, on: "ACCORDS-LOCAUX", context: context)
                    == ["CONSULTATION", "REDACTION"])
            let catalogue = try await agent.get(Paths.home)
            #expect(catalogue.contains("profils Consultation, Rédaction"))
            #expect(!catalogue.contains("Demander un autre profil"))
            #expect(try await agent.get(Paths.requestAccess("ACCORDS-LOCAUX")).location == Paths.home)
            let code = try await application.code(for: agent)
            let (_, tokens) = try await application.exchange(code)
            #expect(
                jwtParts(try #require(tokens["access_token"] as? String)).claims["roles"] as? [String]
                    == ["CONSULTATION", "REDACTION"])
            // The database itself refuses a second active right of the same profile.
            let held = try #require(
                try await Grant.query(on: context.db).filter(\.$revokedAt == nil)
                    .filter(\.$application.$id == accords.id!).with(\.$profile).all().first {
                        $0.profile?.code == "REDACTION"
                    })
            await #expect(throws: (any Error).self) {
                try await Grant(
                    agentID: held.$agent.id, applicationID: accords.id!, grantedAt: context.clock.now, grantedByID: nil,
                    accessRequestID: nil, profileID: held.$profile.id
                ).create(on: context.db)
            }
            // Nor two rights without profile on an application without profiles.
            let greve = try await Given.application("GREVE", on: context.db)
            try await Grant(
                agentID: held.$agent.id, applicationID: greve.id!, grantedAt: context.clock.now, grantedByID: nil,
                accessRequestID: nil
            ).create(on: context.db)
            await #expect(throws: (any Error).self) {
                try await Grant(
                    agentID: held.$agent.id, applicationID: greve.id!, grantedAt: context.clock.now, grantedByID: nil,
                    accessRequestID: nil
                ).create(on: context.db)
            }
        }
    }
}

@Suite("Rights imported from a CSV file, each with its profile")
struct RightsImportTests {
    @Test("a dry run writes nothing; the import grants each right once, with its profile, and rejects what is wrong")
    func importRights() async throws {
        try await withTestApp { context in
            let admin = context.browser()
            try await admin.signIn(DemoWorld.administratorEmail)
            #expect(try await admin.get(Paths.administration).html.contains("href=\"\(Paths.adminRightsImport)\""))
            try await admin.get(Paths.adminRightsImport)
            let csv = """
                email;application;profil
                j.petit@caf.fr;ACCORDS-LOCAUX;redaction
                j.petit@caf.fr;GREVE;
                d.leroy@lassuranceretraite.fr;ACCORDS-LOCAUX;
                a.charenne@lassuranceretraite.fr;ACCORDS-LOCAUX;CONSULTATION
                j.petit@caf.fr;ACCORDS-LOCAUX;REDACTION
                j.petit@caf.fr;ACCORDS-LOCAUX;ADMIN
                j.petit@caf.fr;GREVE;X
                inconnu@caf.fr;GREVE;
                j.petit@caf.fr;INCONNUE;
                """
            let upload = { (simulation: Bool) in
                try await AdministrationContentTests().upload(
                    csv, simulation: simulation, browser: admin, path: Paths.adminRightsImport)
            }
            let simulated = try await upload(true)
            #expect(simulated.contains("Résultat de la simulation (rien n’a été enregistré)"))
            #expect(simulated.contains("3 créé(s)") && simulated.contains("1 inchangé(s)"))
            #expect(simulated.contains("5 ligne(s) rejetée(s)"))
            #expect(try await Given.grants(of: DemoWorld.cafAgentEmail, on: context.db).isEmpty)

            let imported = try await upload(false)
            #expect(imported.contains("3 créé(s)"))
            #expect(imported.contains("Accords locaux (Rédaction)"))
            #expect(imported.contains("habilitation déjà présente plus haut dans le fichier"))
            #expect(imported.contains("profil inconnu (profils : CONSULTATION, REDACTION)"))
            #expect(imported.contains("cette application n’a pas de profil"))
            #expect(imported.contains("aucun compte actif à cette adresse"))
            #expect(imported.contains("application inconnue ou fermée"))
            #expect(
                try await ApplicationProfileTests.heldProfiles(
                    DemoWorld.cafAgentEmail, on: "ACCORDS-LOCAUX", context: context)
                    == ["REDACTION"])
            #expect(
                try await ApplicationProfileTests.heldProfiles(DemoWorld.cafAgentEmail, on: "GREVE", context: context)
                    == ["-"])
            // No profile named: the default one.
            #expect(
                try await ApplicationProfileTests.heldProfiles(
                    DemoWorld.directorEmail, on: "ACCORDS-LOCAUX", context: context)
                    == ["CONSULTATION"])
            let told = try await context.deliverMail().filter { $0.recipient == DemoWorld.cafAgentEmail }
            #expect(told.count == 2)
            let actions = try await context.auditActions()
            #expect(actions.filter { $0 == "rights.imported" }.count == 2)
            #expect(actions.filter { $0 == "grant.created" }.count == 3)
            // Imported again, nothing changes.
            #expect(try await upload(false).contains("0 créé(s)"))
        }
    }
}

@Suite("Profiles through the REST API: each right names its profile, a profile is granted and withdrawn")
struct ApplicationProfileAPITests {
    @Test("an application's client grants a chosen profile, lists it, and withdraws one profile only")
    func grantAndRevoke() async throws {
        try await withTestApp { context in
            let accords = try await Given.application("ACCORDS-LOCAUX", on: context.db)
            accords.profileChange = .add
            try await accords.update(on: context.db)
            let caller = try await MachineCaller.register(
                context, application: "ACCORDS-LOCAUX", scopes: [.rightsRead, .rightsWrite])
            let charenne = try await Given.agent(DemoWorld.agentEmail, on: context.db)
            let agent = charenne.id!.uuidString.lowercased()
            let (unknown, problem) = try await caller.call(
                .POST, "/applications/ACCORDS-LOCAUX/rights", json: "{\"agent_id\":\"\(agent)\",\"profile\":\"ADMIN\"}")
            #expect(unknown.status == .notFound)
            #expect(
                (problem["errors"] as? [[String: Any]])?.first?["message"] as? String
                    == "Profil inconnu ; profils de l’application : CONSULTATION, REDACTION.")
            let (created, right) = try await caller.call(
                .POST, "/applications/ACCORDS-LOCAUX/rights",
                json: "{\"agent_id\":\"\(agent)\",\"profile\":\"REDACTION\"}")
            #expect(created.status == .created, "\(created.html)")
            #expect(right["profile"] as? String == "REDACTION")
            let (again, _) = try await caller.call(
                .POST, "/applications/ACCORDS-LOCAUX/rights",
                json: "{\"agent_id\":\"\(agent)\",\"profile\":\"REDACTION\"}")
            #expect(again.status == .conflict)
            let (_, rights) = try await caller.call(.GET, "/agents/\(agent)/rights")
            #expect(rights.items.map { $0["profile"] as? String } == ["CONSULTATION", "REDACTION"])
            // Holders are listed by right: the agent holding two profiles is there twice, once a page.
            let (_, first) = try await caller.call(.GET, "/applications/ACCORDS-LOCAUX/right-holders?limit=1")
            let next = try #require(first["next"] as? String)
            let (_, second) = try await caller.call(
                .GET, "/applications/ACCORDS-LOCAUX/right-holders?limit=1&after=\(next)")
            let pages = (first.items + second.items).compactMap { $0["profile"] as? String }
            #expect(Set(pages) == ["CONSULTATION", "REDACTION"])
            let (withdrawn, _) = try await caller.call(
                .DELETE, "/applications/ACCORDS-LOCAUX/rights/\(agent)?profile=CONSULTATION")
            #expect(withdrawn.status == .noContent)
            #expect(
                try await ApplicationProfileTests.heldProfiles(
                    DemoWorld.agentEmail, on: "ACCORDS-LOCAUX", context: context)
                    == ["REDACTION"])
            // An application without profiles takes none.
            let greve = try await MachineCaller.register(context, application: "GREVE", scopes: [.rightsWrite])
            let (none, noneProblem) = try await greve.call(
                .POST, "/applications/GREVE/rights", json: "{\"agent_id\":\"\(agent)\",\"profile\":\"X\"}")
            #expect(none.status == .notFound)
            #expect(noneProblem["detail"] as? String == "Cette application n’a pas de profil.")
        }
    }
}
