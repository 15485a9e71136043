import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@testable import HabilisApp

@Suite("Administrators edit the FAQ, export subscribers and import Agents de Direction")
struct AdministrationContentTests {
    @Test("nobody but an administrator reaches the administration")
    func guarded() async throws {
        try await withTestApp { context in
            for email in [DemoWorld.agentEmail, DemoWorld.directorEmail, DemoWorld.correspondentEmail] {
                let browser = context.browser()
                try await browser.signIn(email)
                for path in [Paths.administration, Paths.adminFAQ, Paths.adminNewsletters, Paths.adminDirectorsImport] {
                    #expect(try await browser.get(path).status == .forbidden)
                }
                #expect(
                    try await browser.post(Paths.adminNewFAQ, [("question", "Q ?"), ("reponse", "R"), ("ordre", "1")])
                        .status == .forbidden)
            }
            #expect(try await context.browser().get(Paths.adminFAQ).location == Paths.signIn)
            #expect(try await FAQEntry.query(on: context.db).count() == 5)
        }
    }

    @Test("an administrator adds, edits and hides FAQ entries, with checks")
    func faq() async throws {
        try await withTestApp { context in
            let admin = context.browser()
            try await admin.signIn(DemoWorld.administratorEmail)
            try await admin.get(Paths.adminNewFAQ)
            let invalid = try await admin.post(Paths.adminNewFAQ, [("question", ""), ("reponse", ""), ("ordre", "x")])
            #expect(invalid.fieldError("question") == "Renseignez la question.")
            #expect(invalid.fieldError("ordre") == "Indiquez un numéro d’ordre entre 0 et 10 000.")
            try await admin.post(
                Paths.adminNewFAQ,
                [
                    ("question", "Comment joindre la paie ?"), ("reponse", "Écrivez à paie@ucanss.fr."), ("ordre", "0"),
                    ("active", "1"),
                ])
            #expect(
                try await context.browser().get(Paths.faq).text.contains(
                    "Foire aux questions Comment joindre la paie ?"))
            let entry = try #require(try await FAQEntry.query(on: context.db).filter(\.$position == 0).first())
            try await admin.get(Paths.adminFAQEntry(entry.id!))
            try await admin.post(
                Paths.adminFAQEntry(entry.id!),
                [
                    ("question", "Comment joindre la paie ?"), ("reponse", "Écrivez à paie@ucanss.fr."), ("ordre", "0"),
                ])
            #expect(!(try await context.browser().get(Paths.faq)).contains("Comment joindre la paie ?"))
            #expect(try await context.auditActions().filter { $0 == "faq.saved" }.count == 2)
        }
    }

    @Test("subscribers are exported as CSV, with formula cells neutralised")
    func export() async throws {
        try await withTestApp { context in
            let charenne = try await Given.agent(DemoWorld.agentEmail, on: context.db)
            charenne.firstName = "=HYPERLINK(\"http://evil\")"
            try await charenne.update(on: context.db)
            let newsletter = try #require(try await Newsletter.query(on: context.db).sort(\.$position).first())
            try await Subscription(agentID: charenne.id!, newsletterID: newsletter.id!, subscribedAt: testEpoch).create(
                on: context.db)
            let admin = context.browser()
            try await admin.signIn(DemoWorld.administratorEmail)
            #expect(try await admin.get(Paths.adminNewsletters).contains("Lettre d'information RH 1"))
            let csv = try await admin.get(Paths.adminNewsletterSubscribers(newsletter.id!))
            #expect(csv.headers.first(name: .contentType)?.hasPrefix("text/csv") == true)
            let expected =
                "\u{FEFF}\"email\";\"civilite\";\"prenom\";\"nom\";\"organisme\";\"abonne_le\"\r\n"
                + "\"a.charenne@lassuranceretraite.fr\";\"Monsieur\";\"'=HYPERLINK(\"\"http://evil\"\")\";\"Charenne\";"
                + "\"CARSAT Rhône-Alpes\";\"02/03/2026\"\r\n"
            #expect(csv.html == expected)
            #expect(try await context.auditActions().contains("subscribers.exported"))
        }
    }

    @Test("a newsletter with more subscribers than a page exports them all, once, in the order they subscribed")
    func exportPages() async throws {
        try await withTestApp { context in
            let sql = context.db as! any SQLDatabase
            let carsat = try await Given.organisation("CARSAT-RA", on: context.db)
            let newsletters = try await Newsletter.query(on: context.db).sort(\.$position).all()
            let count = PagedCSV.rowsPerPage + 300
            let agentIDs = (0..<count).map { _ in UUID() }
            try await sql.insertRows(
                into: Agent.schema,
                columns: [
                    "id", "email", "password_hash", "civility", "first_name", "last_name", "organisation_id",
                    "is_director", "is_administrator", "status", "created_at",
                ],
                rows: agentIDs.enumerated().map { index, id in
                    [
                        id, "abonne\(index)@carsat.fr", "-", "Madame", "Abonnée", "N\(index)", carsat.id!, false, false,
                        "active", testEpoch,
                    ]
                })
            // Every other subscriber at the same instant, so that pages also break between equal dates.
            try await sql.insertRows(
                into: Subscription.schema, columns: ["id", "agent_id", "newsletter_id", "subscribed_at"],
                rows: agentIDs.enumerated().map { index, id in
                    [UUID(), id, newsletters[0].id!, testEpoch.addingTimeInterval(Double(index / 2) * 86_400)]
                } + [[UUID(), agentIDs[0], newsletters[1].id!, testEpoch]])
            let admin = context.browser()
            try await admin.signIn(DemoWorld.administratorEmail)
            let csv = try await admin.get(Paths.adminNewsletterSubscribers(newsletters[0].id!))
            let emails = csv.html.split(separator: "\r\n").dropFirst().map {
                String($0.split(separator: ";")[0].dropFirst().dropLast())
            }
            #expect(emails.count == count)
            #expect(Set(emails).count == count)
            // Subscribers n and n+1 (n even) subscribed the same day: the days must never go back.
            let days = emails.compactMap { Int($0.dropFirst("abonne".count).prefix { $0.isNumber }) }.map { $0 / 2 }
            #expect(days.count == count)
            #expect(days == days.sorted())
            let exported = try #require(
                try await AuditEvent.query(on: context.db).filter(\.$action == "subscribers.exported").first())
            #expect(exported.details.contains("\"count\":\"\(count)\""))
        }
    }

    func upload(
        _ csv: String, simulation: Bool, browser: TestBrowser, path: String = Paths.adminDirectorsImport
    )
        async throws -> Page
    {
        let boundary = "habilis-test-boundary"
        var body =
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(browser.csrfToken ?? "")\r\n"
        if simulation { body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"simulation\"\r\n\r\n1\r\n" }
        body +=
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"fichier\"; filename=\"add.csv\"\r\n"
            + "Content-Type: text/csv\r\n\r\n\(csv)\r\n--\(boundary)--\r\n"
        return try await browser.postRaw(
            path, body: body, contentType: "multipart/form-data; boundary=\(boundary)")
    }

    @Test("the ADD import upserts by e-mail, reports changes and rejected lines, and a dry run writes nothing")
    func directorsImport() async throws {
        try await withTestApp { context in
            let admin = context.browser()
            try await admin.signIn(DemoWorld.administratorEmail)
            try await admin.get(Paths.adminDirectorsImport)
            let csv = """
                email;civilite;prenom;nom;nom_naissance;organisme
                d.leroy@lassuranceretraite.fr;Monsieur;Denis;Leroy-Martin;;
                a.charenne@lassuranceretraite.fr;Monsieur;Aristide;Charenne;;
                nouvelle.add@caf.fr;Madame;Anne;Roux;;CAF-69
                pas-une-adresse;Madame;X;Y;;
                inconnu@caf.fr;Madame;Zoé;Blanc;;
                d.leroy@lassuranceretraite.fr;Monsieur;Denis;Leroy;;
                bad@caf.fr;Docteur;A;B;;CAF-69
                """
            let dry = try await upload(csv, simulation: true, browser: admin)
            #expect(dry.status == .ok)
            #expect(dry.contains("Résultat de la simulation (rien n’a été enregistré)"))
            #expect(dry.contains("1 créé(s)"))
            #expect(dry.contains("2 mis à jour"))
            #expect(dry.contains("4 ligne(s) rejetée(s)"))
            #expect(try await Given.agent(DemoWorld.directorEmail, on: context.db).lastName == "Leroy")
            #expect(try await Agent.query(on: context.db).filter(\.$email == "nouvelle.add@caf.fr").count() == 0)

            try await admin.get(Paths.adminDirectorsImport)
            let real = try await upload(csv, simulation: false, browser: admin)
            #expect(real.contains("Résultat de l’import"))
            #expect(real.contains("nom : « Leroy » → « Leroy-Martin »"))
            #expect(real.contains("adresse e-mail invalide"))
            #expect(real.contains("aucun compte pour cette adresse, et organisme absent ou inconnu"))
            #expect(real.contains("adresse déjà présente plus haut dans le fichier"))
            #expect(real.contains("civilité inconnue"))
            #expect(try await Given.agent(DemoWorld.directorEmail, on: context.db).lastName == "Leroy-Martin")
            #expect(try await Given.agent(DemoWorld.agentEmail, on: context.db).isDirector)
            let created = try await Given.agent("nouvelle.add@caf.fr", on: context.db)
            #expect(created.isDirector)
            #expect(try await context.auditActions().filter { $0 == "directors.imported" }.count == 2)
        }
    }

    @Test("a file without the email column or that is not UTF-8 is refused beside the field")
    func badFile() async throws {
        try await withTestApp { context in
            let admin = context.browser()
            try await admin.signIn(DemoWorld.administratorEmail)
            try await admin.get(Paths.adminDirectorsImport)
            let page = try await upload("nom;prenom\nLeroy;Denis", simulation: false, browser: admin)
            #expect(page.status == .unprocessableEntity)
            #expect(page.fieldError("fichier")?.contains("colonne « email »") == true)
            try await admin.get(Paths.adminDirectorsImport)
            let binary = try await upload(
                "email;nom\nd.leroy@lassuranceretraite.fr;Le\u{0}roy", simulation: false, browser: admin)
            #expect(binary.fieldError("fichier")?.contains("caractère nul") == true)
            #expect(try await Given.agent(DemoWorld.directorEmail, on: context.db).lastName == "Leroy")
        }
    }
}

@Suite("Administrators import organismes and agents from CSV, with a dry run")
struct DirectoryImportTests {
    @Test("organismes are created or updated by code; bad lines are reported; a dry run writes nothing")
    func organisations() async throws {
        try await withTestApp { context in
            let admin = context.browser()
            try await admin.signIn(DemoWorld.administratorEmail)
            try await admin.get(Paths.adminOrganisationsImport)
            let csv = """
                code;nom;branche;domaines;actif
                CPAM-75;CPAM de Paris;maladie;assurance-maladie.fr;oui
                CAF-69;CAF du Rhône et de Lyon;famille;caf.fr;oui
                mauvais code!;X;autre;;oui
                URSSAF-RA;URSSAF Rhône-Alpes;recouvrement;urssaf.fr;oui
                """
            let dry = try await AdministrationContentTests().upload(
                csv, simulation: true, browser: admin, path: Paths.adminOrganisationsImport)
            #expect(dry.contains("1 créé(s)"))
            #expect(try await Organisation.query(on: context.db).filter(\.$code == "CPAM-75").count() == 0)
            try await admin.get(Paths.adminOrganisationsImport)
            let real = try await AdministrationContentTests().upload(
                csv, simulation: false, browser: admin, path: Paths.adminOrganisationsImport)
            #expect(real.contains("1 mis à jour"))
            #expect(real.contains("1 inchangé(s)"))
            #expect(real.contains("1 ligne(s) rejetée(s)"))
            #expect(try await Given.organisation("CPAM-75", on: context.db).name == "CPAM de Paris")
            #expect(try await Given.organisation("CAF-69", on: context.db).name == "CAF du Rhône et de Lyon")
            #expect(try await context.auditActions().contains("organisations.imported"))
        }
    }

    @Test("agents are created without a usable password or updated; unknown organismes are rejected")
    func agents() async throws {
        try await withTestApp { context in
            let admin = context.browser()
            try await admin.signIn(DemoWorld.administratorEmail)
            try await admin.get(Paths.adminAgentsImport)
            let csv = """
                email,civilite,prenom,nom,organisme,telephone
                n.morin@caf.fr,Monsieur,Nicolas,Morin,CAF-69,04 78 00 00 00
                j.petit@caf.fr,Madame,Jeanne,Petit-Durand,CAF-69,
                x@caf.fr,Madame,Xavière,Nulle,INCONNU,
                """
            let page = try await AdministrationContentTests().upload(
                csv, simulation: false, browser: admin, path: Paths.adminAgentsImport)
            #expect(page.contains("1 créé(s)"))
            #expect(page.contains("1 mis à jour"))
            #expect(page.contains("organisme inconnu"))
            let created = try await Given.agent("n.morin@caf.fr", on: context.db)
            #expect(created.phone == "0478000000")
            #expect(try await context.browser().signIn("n.morin@caf.fr").status == .unprocessableEntity)
            #expect(try await Given.agent(DemoWorld.cafAgentEmail, on: context.db).lastName == "Petit-Durand")
        }
    }
}
