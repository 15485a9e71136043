import Fluent
import Foundation
import Vapor

/// The demo world: a contract other tests and the browser journeys rely on (issue "Foundation").
enum DemoWorld {
    static let administratorEmail = "admin@ucanss.fr"
    static let correspondentEmail = "m.durand@lassuranceretraite.fr"
    static let agentEmail = "a.charenne@lassuranceretraite.fr"
    static let directorEmail = "d.leroy@lassuranceretraite.fr"
    static let cafAgentEmail = "j.petit@caf.fr"
    static let cpamCorrespondentEmail = "p.martin@assurance-maladie.fr"

    /// Seeds everything in one transaction and returns the demo password.
    static func seed(_ app: Application) async throws -> String {
        let password = app.settings.demoPassword ?? SecureToken.generate().prefix(20).description
        let hash = try await app.portal.passwords.hash(password)
        let now = app.portal.clock.now
        try await app.db.atomically { database in
            try await seed(on: database, passwordHash: hash, now: now)
            try await app.portal.audit.record(.demoWorldSeeded, by: .system, on: database)
        }
        return password
    }

    /// The UCANSS organisme, created when missing (the administrators belong to it).
    static func ucanss(on database: any Database, now: Date) async throws -> Organisation {
        if let existing = try await Organisation.query(on: database).filter(\.$code == "UCANSS").first() {
            return existing
        }
        let organisation = Organisation(
            code: "UCANSS", name: "UCANSS", branch: .autre, mailDomains: ["ucanss.fr"], createdAt: now)
        try await organisation.create(on: database)
        return organisation
    }

    static func seed(on database: any Database, passwordHash: String, now: Date) async throws {
        let ucanss = try await ucanss(on: database, now: now)
        let carsat = Organisation(
            code: "CARSAT-RA", name: "CARSAT Rhône-Alpes", branch: .retraite, mailDomains: ["lassuranceretraite.fr"],
            createdAt: now)
        let cpam = Organisation(
            code: "CPAM-69", name: "CPAM du Rhône", branch: .maladie, mailDomains: ["assurance-maladie.fr"],
            createdAt: now)
        let caf = Organisation(
            code: "CAF-69", name: "CAF du Rhône", branch: .famille, mailDomains: ["caf.fr"], createdAt: now)
        let urssaf = Organisation(
            code: "URSSAF-RA", name: "URSSAF Rhône-Alpes", branch: .recouvrement, mailDomains: ["urssaf.fr"],
            createdAt: now)
        for organisation in [carsat, cpam, caf, urssaf] { try await organisation.create(on: database) }

        let applications = [
            BusinessApplication(
                code: "ACCORDS-LOCAUX", name: "Accords locaux",
                summary: "Dépôt et consultation des accords locaux conclus dans les organismes.",
                launchURL: "https://accords-locaux.ucanss.fr/", accessMode: .local, position: 1, createdAt: now),
            BusinessApplication(
                code: "DROIT-SYNDICAL", name: "Droit syndical",
                summary: "Suivi des crédits d’heures et des mandats des représentants du personnel.",
                launchURL: "https://droit-syndical.ucanss.fr/", accessMode: .local, position: 2, createdAt: now),
            BusinessApplication(
                code: "GREVE", name: "Grève",
                summary: "Déclaration des mouvements de grève et des effectifs grévistes.",
                launchURL: "https://greve.ucanss.fr/", accessMode: .local, position: 3, createdAt: now),
            BusinessApplication(
                code: "ELECTIONS-PRO", name: "Elections professionnelles",
                summary: "Organisation et résultats des élections professionnelles.",
                launchURL: "https://elections.ucanss.fr/", accessMode: .local, position: 4, createdAt: now),
            BusinessApplication(
                code: "TDB-RH", name: "Tableau de bord RH",
                summary: "Indicateurs nationaux de ressources humaines de l’Institution.",
                launchURL: "https://tdb-rh.ucanss.fr/", accessMode: .central, position: 5, createdAt: now),
            BusinessApplication(
                code: "REMUNERATIONS", name: "Rémunérations et carrières",
                summary: "Simulation des rémunérations et des évolutions de carrière (gestion nationale).",
                launchURL: "https://remunerations.ucanss.fr/", accessMode: .central, position: 6, createdAt: now),
        ]
        for application in applications { try await application.create(on: database) }

        func account(
            _ email: String, _ civility: String, _ first: String, _ last: String, _ organisation: Organisation
        ) async throws -> Agent {
            let agent = Agent(
                email: email, passwordHash: passwordHash, civility: civility, firstName: first, lastName: last,
                organisationID: organisation.id!, status: .active, createdAt: now)
            try await agent.create(on: database)
            return agent
        }
        let admin = try await account(administratorEmail, "Madame", "Claire", "Morel", ucanss)
        admin.isAdministrator = true
        try await admin.update(on: database)
        let durand = try await account(correspondentEmail, "Madame", "Marie", "Durand", carsat)
        let charenne = try await account(agentEmail, "Monsieur", "Aristide", "Charenne", carsat)
        charenne.phone = "0674310010"
        try await charenne.update(on: database)
        let leroy = try await account(directorEmail, "Monsieur", "Denis", "Leroy", carsat)
        leroy.isDirector = true
        try await leroy.update(on: database)
        _ = try await account(cafAgentEmail, "Madame", "Jeanne", "Petit", caf)
        let martin = try await account(cpamCorrespondentEmail, "Monsieur", "Paul", "Martin", cpam)

        try await Correspondent(agentID: durand.id!, organisationID: carsat.id!, createdAt: now).create(on: database)
        try await Correspondent(agentID: martin.id!, organisationID: cpam.id!, createdAt: now).create(on: database)
        // Accords locaux has two profiles: reading the agreements, or writing them too.
        let consultation = ApplicationProfile(
            applicationID: applications[0].id!, code: "CONSULTATION", label: "Consultation",
            summary: "Lire les accords locaux de son organisme et ceux des autres organismes.", position: 1,
            isDefault: true, createdAt: now)
        try await consultation.create(on: database)
        try await ApplicationProfile(
            applicationID: applications[0].id!, code: "REDACTION", label: "Rédaction",
            summary: "Déposer et modifier les accords locaux de son organisme, en plus de les lire.", position: 2,
            isDefault: false, createdAt: now
        ).create(on: database)
        try await Grant(
            agentID: charenne.id!, applicationID: applications[0].id!, grantedAt: now, grantedByID: durand.id,
            accessRequestID: nil, profileID: consultation.id
        ).create(on: database)

        let newsletters = [
            "Lettre d'information RH", "Lettre d'information Achats", "Lettre d'information Immobilier",
            "Lettre d'information RSO", "Lettre d'information Agent de direction",
            "Lettre d'information Marchés publics",
        ]
        for (index, title) in newsletters.enumerated() {
            try await Newsletter(title: title, position: index + 1).create(on: database)
        }
        for (index, entry) in faq.enumerated() {
            try await FAQEntry(question: entry.0, answer: entry.1, position: index + 1).create(on: database)
        }
    }

    static let faq: [(String, String)] = [
        (
            "Comment obtenir un compte d’accès à l’espace Organismes ?",
            "Depuis la page de connexion, choisissez « Demander un accès à l’espace Organismes » et remplissez le "
                + "formulaire d’inscription. Votre demande est adressée à un correspondant local de votre organisme, "
                + "ou à un administrateur de l’Ucanss si votre organisme n’en dispose pas."
        ),
        (
            "J’ai oublié mon mot de passe : que faire ?",
            "Sur la page de connexion, saisissez votre adresse e-mail puis cliquez sur « Cliquez ici pour créer un "
                + "nouveau mot de passe ». Un lien valable une heure vous est envoyé."
        ),
        (
            "Combien de temps faut-il pour obtenir l’accès à une application ?",
            "Sauf refus formel par votre administrateur local, votre demande est acceptée dans un délai maximum de "
                + "10 jours après la date de la demande. Vous êtes prévenu par message."
        ),
        (
            "Où suivre mes demandes d’habilitation ?",
            "Dans « Mes informations », section « Mes habilitations » : l’historique de vos demandes et la liste de "
                + "vos habilitations."
        ),
        (
            "Qui contacter pour une question sur mes droits ?",
            "La rubrique « Mes contacts » donne les coordonnées des correspondants locaux de votre organisme."
        ),
    ]

    /// Where the demo client sends agents back: mod_auth_openidc's usual callback on a local Apache.
    static let demoRedirectURI = "http://127.0.0.1:8081/redirect_uri"

    /// A confidential OpenID Connect client of « Accords locaux », to try single sign-on on a development machine;
    /// its secret is printed once with the accounts (the demo world never runs in production).
    /// And a federation-wide machine client of the API with every scope, for the README's curl examples.
    static func registerDemoClient(_ app: Application) async throws -> DemoClients {
        var registration = ClientRegistry.Registration(
            applicationCode: "ACCORDS-LOCAUX", redirectURIs: [demoRedirectURI])
        registration.name = "Accords locaux (démonstration)"
        registration.postLogoutRedirectURIs = ["http://127.0.0.1:8081/"]
        let (client, secret) = try await app.portal.clients.register(registration, by: .system, on: app.db)
        let (machine, machineSecret) = try await app.portal.machineClients.register(
            .init(
                applicationCode: nil, name: "Démonstration de l’API", scopes: MachineScope.allCases.map(\.rawValue)),
            by: .system, on: app.db)
        return DemoClients(
            clientID: client.clientID, secret: secret ?? "", machineClientID: machine.clientID,
            machineSecret: machineSecret)
    }

    /// The demo world's clients and their secrets, printed once.
    struct DemoClients {
        let clientID: String
        let secret: String
        let machineClientID: String
        let machineSecret: String
    }

    static func printAccounts(password: String, generated: Bool, client: DemoClients? = nil) {
        let lines = [
            "",
            "Habilis — monde de démonstration créé.",
            "Comptes (mot de passe commun\(generated ? ", affiché une seule fois" : "") : \(password))",
            "  \(administratorEmail)  administratrice UCANSS",
            "  \(correspondentEmail)  Marie Durand, correspondante locale CARSAT Rhône-Alpes",
            "  \(agentEmail)  Aristide Charenne, agent CARSAT Rhône-Alpes",
            "  \(directorEmail)  Denis Leroy, Agent de Direction CARSAT Rhône-Alpes",
            "  \(cafAgentEmail)  Jeanne Petit, agent CAF du Rhône (sans correspondant)",
            "  \(cpamCorrespondentEmail)  Paul Martin, correspondant local CPAM du Rhône",
            "",
        ]
        let clientLines =
            client.map {
                [
                    "Client OpenID Connect de démonstration (Accords locaux, secret affiché une seule fois) :",
                    "  client_id=\($0.clientID)", "  client_secret=\($0.secret)",
                    "  redirect_uri=\(demoRedirectURI)", "",
                    "Client machine de démonstration (API, toute la fédération, secret affiché une seule fois) :",
                    "  client_id=\($0.machineClientID)", "  client_secret=\($0.machineSecret)", "",
                ]
            } ?? []
        print((lines + clientLines).joined(separator: "\n"))
    }
}
