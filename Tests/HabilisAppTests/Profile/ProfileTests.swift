import Fluent
import Foundation
import Testing
import Vapor

@testable import HabilisApp

@Suite("Mes coordonnées: the agent keeps their details up to date")
struct ProfileTests {
    /// The current form values of the page, to post them back with some changes.
    func fields(_ page: Page, changing changes: [(String, String)] = []) -> [(String, String)] {
        let names = [
            "civilite", "prenom", "nom", "nomNaissance", "secondOrganisme", "email", "emailContact", "telephone",
        ]
        var fields = names.map { name in (name, page.inputValue(named: name) ?? selectedValue(page, name) ?? "") }
        for (name, value) in changes {
            if let index = fields.firstIndex(where: { $0.0 == name }) {
                fields[index].1 = value
            } else {
                fields.append((name, value))
            }
        }
        return fields
    }

    func selectedValue(_ page: Page, _ name: String) -> String? {
        guard let start = page.html.range(of: "name=\"\(name)\"") else { return nil }
        let rest = page.html[start.upperBound...]
        guard let end = rest.range(of: "</select>") else { return nil }
        let select = rest[..<end.lowerBound]
        guard let selected = select.range(of: "\" selected>") else { return "" }
        let before = select[..<selected.lowerBound]
        guard let valueStart = before.range(of: "value=\"", options: .backwards) else { return nil }
        return String(before[valueStart.upperBound...])
    }

    @Test("the page shows the fields of the guide, filled, with the phone grouped")
    func form() async throws {
        try await withTestApp { context in
            let browser = context.browser()
            try await browser.signIn(DemoWorld.agentEmail)
            let page = try await browser.get(Paths.myDetails)
            #expect(page.status == .ok)
            for label in [
                "Identité", "Prénom", "Nom", "Nom de naissance",
                "Vous occupez des fonctions dans un second organisme, merci de le renseigner", "Email",
                "Email de contact", "Téléphone", "Organisme", "Enregistrer les modifications",
            ] {
                #expect(page.contains(label))
            }
            #expect(page.inputValue(named: "telephone") == "06 74 31 00 10")
            #expect(page.inputValue(named: "prenom") == "Aristide")
            #expect(page.contains("CARSAT Rhône-Alpes"))
            #expect(selectedValue(page, "civilite") == "Monsieur")
        }
    }

    @Test("saving changes the details, audits before and after, and says so")
    func save() async throws {
        try await withTestApp { context in
            let browser = context.browser()
            try await browser.signIn(DemoWorld.agentEmail)
            let page = try await browser.get(Paths.myDetails)
            let cpam = try await Given.organisation("CPAM-69", on: context.db)
            let done = try await browser.post(
                Paths.myDetails,
                fields(
                    page,
                    changing: [
                        ("telephone", "+33 4 72 11 22 33"), ("emailContact", "Aristide.C@Gmail.com"),
                        ("secondOrganisme", cpam.id!.uuidString.lowercased()), ("nomNaissance", "Dupont-Charenne"),
                    ]))
            #expect(done.status == .seeOther)
            let after = try await browser.get(try #require(done.location))
            #expect(after.contains("Vos coordonnées ont été enregistrées."))
            #expect(after.inputValue(named: "telephone") == "04 72 11 22 33")
            let agent = try await Given.agent(DemoWorld.agentEmail, on: context.db)
            #expect(agent.phone == "0472112233")
            #expect(agent.contactEmail == "aristide.c@gmail.com")
            #expect(agent.$secondOrganisation.id == cpam.id)
            #expect(agent.birthName == "Dupont-Charenne")
            let event = try #require(
                try await AuditEvent.query(on: context.db).filter(\.$action == "profile.updated").first())
            #expect(event.details.contains("\"phone.before\":\"0674310010\""))
            #expect(event.details.contains("\"phone.after\":\"0472112233\""))
        }
    }

    @Test("bad values are refused beside their field, what was typed stays, nothing is overwritten")
    func badInput() async throws {
        try await withTestApp { context in
            let browser = context.browser()
            try await browser.signIn(DemoWorld.agentEmail)
            let page = try await browser.get(Paths.myDetails)
            let result = try await browser.post(
                Paths.myDetails,
                fields(
                    page,
                    changing: [
                        ("telephone", "06 74"), ("prenom", ""), ("nom", String(repeating: "x", count: 10_000)),
                        ("emailContact", "pas une adresse"), ("secondOrganisme", UUID().uuidString),
                        ("civilite", "Roi"),
                    ]))
            #expect(result.status == .unprocessableEntity)
            #expect(result.fieldError("telephone")?.hasPrefix("Saisissez un numéro de téléphone français") == true)
            #expect(result.fieldError("prenom") == "Renseignez le prénom.")
            #expect(result.fieldError("nom") == "Le nom ne doit pas dépasser 100 caractères.")
            #expect(result.fieldError("emailContact") != nil)
            #expect(result.fieldError("secondOrganisme") == "Choisissez le second organisme dans la liste.")
            #expect(result.fieldError("civilite") == "Choisissez votre civilité.")
            #expect(result.inputValue(named: "telephone") == "06 74")
            let agent = try await Given.agent(DemoWorld.agentEmail, on: context.db)
            #expect(agent.firstName == "Aristide")
            #expect(agent.phone == "0674310010")
        }
    }

    @Test("the organisme is read-only: a forged field changes nothing")
    func organisationReadOnly() async throws {
        try await withTestApp { context in
            let browser = context.browser()
            try await browser.signIn(DemoWorld.agentEmail)
            let page = try await browser.get(Paths.myDetails)
            let cpam = try await Given.organisation("CPAM-69", on: context.db)
            try await browser.post(
                Paths.myDetails,
                fields(
                    page,
                    changing: [
                        ("organisme", cpam.id!.uuidString), ("organisation_id", cpam.id!.uuidString),
                        ("isAdministrator", "true"),
                        ("is_director", "1"), ("status", "disabled"),
                    ]))
            let agent = try await Given.agent(DemoWorld.agentEmail, on: context.db)
            #expect(agent.$organisation.id != cpam.id)
            #expect(!agent.isAdministrator)
            #expect(!agent.isDirector)
            #expect(agent.status == .active)
        }
    }

    @Test("a new login e-mail needs the password, then takes effect only once proven; the old address is told")
    func emailChange() async throws {
        try await withTestApp { context in
            let browser = context.browser()
            try await browser.signIn(DemoWorld.agentEmail)
            let page = try await browser.get(Paths.myDetails)
            let newEmail = "aristide.charenne@lassuranceretraite.fr"
            let noPassword = try await browser.post(Paths.myDetails, fields(page, changing: [("email", newEmail)]))
            #expect(noPassword.fieldError("motDePasseActuel")?.hasPrefix("Pour changer d’adresse e-mail") == true)
            let wrong = try await browser.post(
                Paths.myDetails, fields(page, changing: [("email", newEmail), ("motDePasseActuel", "mauvais")]))
            #expect(wrong.fieldError("motDePasseActuel") == "Mot de passe incorrect.")

            let done = try await browser.post(
                Paths.myDetails, fields(page, changing: [("email", newEmail), ("motDePasseActuel", demoPassword)]))
            #expect(
                try await browser.get(try #require(done.location)).contains(
                    "Un lien de confirmation vient d’être envoyé"))
            #expect(try await Given.agent(DemoWorld.agentEmail, on: context.db).email == DemoWorld.agentEmail)

            let mails = try await context.deliverMail()
            let notice = try #require(mails.first { $0.recipient == DemoWorld.agentEmail })
            #expect(notice.text.contains("vers \(newEmail)"))
            let proof = try #require(mails.first { $0.recipient == newEmail })
            let link = try #require(proof.link(startingWith: "http://127.0.0.1:8080/"))
                .replacingOccurrences(of: "http://127.0.0.1:8080", with: "")

            let other = context.browser()
            let confirmPage = try await other.get(link)
            #expect(
                confirmPage.contains("Confirmez que vous voulez désormais vous connecter avec l’adresse \(newEmail)"))
            let token = try #require(confirmPage.inputValue(named: "jeton"))
            let confirmed = try await other.post(Paths.confirmEmailChange, [("jeton", token)])
            #expect(confirmed.contains("Votre nouvelle adresse est désormais votre identifiant de connexion."))
            #expect(try await context.browser().signIn(newEmail).status == .seeOther)
            #expect(try await context.browser().signIn(DemoWorld.agentEmail).status == .unprocessableEntity)
            #expect(try await other.get(link).contains("Lien expiré"))
            #expect(try await context.auditActions().contains("email_change.completed"))
        }
    }

    @Test("an address taken meanwhile is not given away")
    func emailTakenMeanwhile() async throws {
        try await withTestApp { context in
            let browser = context.browser()
            try await browser.signIn(DemoWorld.agentEmail)
            let page = try await browser.get(Paths.myDetails)
            let newEmail = "aristide.charenne@lassuranceretraite.fr"
            try await browser.post(
                Paths.myDetails, fields(page, changing: [("email", newEmail), ("motDePasseActuel", demoPassword)]))
            let proof = try #require(try await context.deliverMail().first { $0.recipient == newEmail })
            let link = try #require(proof.link(startingWith: "http://127.0.0.1:8080/"))
                .replacingOccurrences(of: "http://127.0.0.1:8080", with: "")
            try await Agent.query(on: context.db).filter(\.$email == DemoWorld.directorEmail)
                .set(\.$email, to: newEmail).update()
            let other = context.browser()
            let token = try #require(try await other.get(link).inputValue(named: "jeton"))
            let result = try await other.post(Paths.confirmEmailChange, [("jeton", token)])
            #expect(result.contains("Lien expiré"))
            #expect(try await Given.agent(DemoWorld.agentEmail, on: context.db).email == DemoWorld.agentEmail)
        }
    }

    @Test("an address that is another account's login gets no link; its owner a neutral notice; the answer is the same")
    func emailTakenAtRequest() async throws {
        try await withTestApp { context in
            var answers: [String] = []
            let addresses = ["libre.adresse@lassuranceretraite.fr", DemoWorld.directorEmail]
            for newEmail in addresses {
                let browser = context.browser()
                try await browser.signIn(DemoWorld.agentEmail)
                let page = try await browser.get(Paths.myDetails)
                let done = try await browser.post(
                    Paths.myDetails,
                    fields(page, changing: [("email", newEmail), ("motDePasseActuel", demoPassword)]))
                let shown = try await browser.get(try #require(done.location))
                answers.append(shown.text.replacingOccurrences(of: newEmail, with: "ADRESSE"))
            }
            #expect(Set(answers).count == 1, "the requester cannot tell a taken address from a free one")
            let mails = try await context.deliverMail()
            let notices = mails.filter { $0.recipient == DemoWorld.agentEmail }
            #expect(addresses.allSatisfy { address in notices.contains { $0.text.contains("vers \(address)") } })
            let toOwner = mails.filter { $0.recipient == DemoWorld.directorEmail }
            #expect(toOwner.count == 1)
            #expect(toOwner.first?.text.contains("Ce changement a été refusé") == true)
            #expect(toOwner.first?.link(startingWith: "http://127.0.0.1:8080/") == nil)
            #expect(try await context.auditActions().contains("email_change.rejected"))
            #expect(
                try await EmailChange.query(on: context.db).filter(\.$newEmail == DemoWorld.directorEmail).count() == 0)
            #expect(try await Given.agent(DemoWorld.directorEmail, on: context.db).email == DemoWorld.directorEmail)
        }
    }

    @Test("an Agent de Direction sees the notice and cannot change their identity, even with a forged post")
    func director() async throws {
        try await withTestApp { context in
            let browser = context.browser()
            try await browser.signIn(DemoWorld.directorEmail)
            let page = try await browser.get(Paths.myDetails)
            #expect(
                page.contains(
                    "Les données relatives aux Agents de Direction étant gérées dans le Référentiel des "
                        + "Agents de Direction, les ADD peuvent mettre à jour leurs informations sur la page « mon profil »"
                ))
            #expect(page.html.contains("href=\"http://ucanss.fr/portail/auth/portal/default/Pcarriere\""))
            #expect(
                page.contains(
                    "Pour toutes questions relatives à ces mises à jour, vous pouvez écrire à labdd@ucanss.fr"))
            #expect(page.inputValue(named: "prenom") == nil)

            let forged = fields(
                page,
                changing: [
                    ("prenom", "Usurpé"), ("nom", "Faux"), ("civilite", "Madame"),
                    ("telephone", "01 02 03 04 05"),
                ])
            let done = try await browser.post(Paths.myDetails, forged)
            #expect(done.status == .seeOther)
            let agent = try await Given.agent(DemoWorld.directorEmail, on: context.db)
            #expect(agent.firstName == "Denis")
            #expect(agent.lastName == "Leroy")
            #expect(agent.civility == "Monsieur")
            #expect(agent.phone == "0102030405")
            #expect(try await context.auditActions().contains("profile.forbidden_change"))
        }
    }

    @Test("the settings name the ADD profile page and contact")
    func directorSettings() async throws {
        let custom: (inout Settings) -> Void = {
            $0.addProfileURL = "https://referentiel.example.fr/profil"
            $0.addContactEmail = "add@example.fr"
        }
        try await withTestApp(settings: custom) { context in
            let browser = context.browser()
            try await browser.signIn(DemoWorld.directorEmail)
            let page = try await browser.get(Paths.myDetails)
            #expect(page.html.contains("href=\"https://referentiel.example.fr/profil\""))
            #expect(page.contains("add@example.fr"))
        }
    }

    @Test("Télécharger mes données gives everything about the person and nobody else")
    func personalData() async throws {
        try await withTestApp { context in
            try await requestAccess("GREVE", as: DemoWorld.agentEmail, justification: "Pour la paie", context: context)
            let browser = context.browser()
            try await browser.signIn(DemoWorld.agentEmail)
            let file = try await browser.get(Paths.myData)
            #expect(file.status == .ok)
            #expect(file.headers.first(name: .contentDisposition)?.contains("attachment") == true)
            let json = try JSONSerialization.jsonObject(with: Data(file.html.utf8)) as? [String: Any]
            let profile = try #require(json?["profile"] as? [String: Any])
            #expect(profile["email"] as? String == DemoWorld.agentEmail)
            #expect((json?["requests"] as? [[String: Any]])?.first?["justification"] as? String == "Pour la paie")
            #expect((json?["rights"] as? [[String: Any]])?.count == 1)
            #expect((json?["rights"] as? [[String: Any]])?.first?["profile"] as? String == "Consultation")
            #expect(json?["subscriptions"] != nil)
            #expect(json?["notifications"] != nil)
            #expect(!file.html.contains(DemoWorld.correspondentEmail))
            #expect(!file.html.contains("password"))
            #expect(try await context.auditActions().contains("personal_data.exported"))
        }
    }
}
