import Testing

@testable import HabilisApp

/// « Mes informations », the notifications, the assistance pages and the single sign-on pages, against committed
/// snapshots.
@Suite("Pages of the agent's information, assistance and single sign-on: snapshots")
struct InformationPagesSnapshotTests {
    @Test("Mes coordonnées: an agent refused, a director's summary")
    func profile() {
        var form = ProfileForm()
        form.civilite = "Monsieur"
        form.prenom = "Aristide"
        form.nom = Fixture.hostile
        form.email = "a.charenne@lassuranceretraite.fr"
        form.secondOrganisme = "o1"
        for director in [false, true] {
            assertPage(
                ProfilePage(
                    frame: Fixture.frame(path: Paths.myDetails), action: Paths.myDetails, form: form,
                    civilities: RegistrationForm.civilities, groups: Fixture.groups, organisationName: Fixture.long,
                    isDirector: director, directorProfileURL: "https://rad.example/",
                    directorContactEmail: "rad@ucanss.fr",
                    webmasterEmail: "webmaster@ucanss.fr", downloadURL: Paths.myDetails + "/export",
                    errors: director
                        ? FormErrors() : Fixture.errors(("telephone", "Saisissez un numéro à 10 chiffres."))),
                director ? "director" : "agent-refused")
        }
    }

    @Test("the new address: to confirm, confirmed, expired")
    func emailChange() {
        for (valid, done, name) in [(true, nil, "to-confirm"), (false, true, "confirmed"), (false, false, "expired")]
            as [(Bool, Bool?, String)]
        {
            assertPage(
                EmailChangePage(
                    frame: Fixture.frame(), token: "jeton", newEmail: Fixture.hostile, isValid: valid, done: done,
                    action: Paths.myDetails + "/confirmation"),
                name)
        }
    }

    @Test("Mes sessions, with this one and another")
    func sessions() {
        let rows = [
            MySessionsPage.Row(
                openedAt: "2 décembre 2026 08:00", lastSeenAt: "2 décembre 2026 10:00", ip: "192.0.2.1",
                isCurrent: true,
                applications: "Paie", endURL: "/mes-informations/sessions/1/fin"),
            MySessionsPage.Row(
                openedAt: "1 décembre 2026 08:00", lastSeenAt: "1 décembre 2026 09:00", ip: "2001:db8::1",
                isCurrent: false, applications: "", endURL: "/mes-informations/sessions/2/fin"),
        ]
        assertPage(
            MySessionsPage(frame: Fixture.frame(path: Paths.mySessions), rows: rows, endOthersURL: "/fin-des-autres"),
            "two")
        assertPage(
            MySessionsPage(frame: Fixture.frame(path: Paths.mySessions), rows: [rows[0]], endOthersURL: "/fin"), "one")
    }

    @Test("notifications, subscriptions and contacts")
    func notificationsSubscriptionsContacts() {
        assertPage(
            NotificationsPage(
                frame: Fixture.frame(path: Paths.notifications, unread: "1 non lue(s)"),
                notifications: [
                    .init(message: Fixture.hostile, link: "/demandes/1", createdOn: "2 décembre 2026", isUnread: true),
                    .init(
                        message: "Votre accès à Paie est ouvert.", link: nil, createdOn: "1 décembre 2026",
                        isUnread: false),
                ], hasUnread: true, markReadAction: Paths.notifications + "/lues",
                pagination: Fixture.pagination(page: 1, total: 30, baseURL: Paths.notifications)),
            "notifications")
        assertPage(
            NotificationsPage(
                frame: Fixture.frame(path: Paths.notifications), notifications: [], hasUnread: false,
                markReadAction: Paths.notifications + "/lues", pagination: Fixture.pagination()),
            "notifications-none")
        assertPage(
            SubscriptionsPage(
                frame: Fixture.frame(path: Paths.mySubscriptions), action: Paths.mySubscriptions,
                newsletters: [
                    .init(id: "n1", title: "La lettre RH", isSubscribed: true),
                    .init(id: "n2", title: Fixture.hostile, isSubscribed: false),
                ]),
            "subscriptions")
        assertPage(
            ContactsPage(
                frame: Fixture.frame(path: Paths.myContacts),
                blocks: [
                    .init(
                        organisationName: "CARSAT Rhône-Alpes",
                        contacts: [.init(firstName: "Marie", lastName: "Durand", email: "m.durand@carsat-ra.fr")]),
                    .init(organisationName: Fixture.hostile, contacts: []),
                ], webmasterEmail: "webmaster@ucanss.fr", faqURL: Paths.faq),
            "contacts")
    }

    @Test("the assistance pages")
    func assistance() {
        assertPage(AccessibilityPage(frame: Fixture.frame(.visitor)), "accessibility")
        assertPage(
            FAQPage(
                frame: Fixture.frame(.visitor),
                entries: [.init(question: "Comment demander un accès ?", answer: Fixture.hostile + "\nDeuxième ligne")]),
            "faq")
        assertPage(FAQPage(frame: Fixture.frame(.visitor), entries: []), "faq-empty")
        assertPage(
            PrivacyPage(
                frame: Fixture.frame(), auditRetentionDays: 365, proofValidityHours: 48, myDataURL: Paths.myDetails,
                mySessionsURL: Paths.mySessions, myDetailsURL: Paths.myDetails),
            "privacy")
    }

    @Test("single sign-on: the closed door, the continue page, the logout confirmation")
    func singleSignOn() {
        assertPage(
            DoorPage(
                frame: Fixture.frame(), applicationName: Fixture.hostile, requestURL: Paths.requestAccess("PAIE"),
                pendingRequestURL: nil, automaticAcceptance: nil, catalogueURL: Paths.home),
            "door-closed")
        assertPage(
            DoorPage(
                frame: Fixture.frame(), applicationName: "Paie", requestURL: nil, pendingRequestURL: "/demandes/1",
                automaticAcceptance: "11 décembre 2026", catalogueURL: Paths.home),
            "door-pending")
        var frame = Fixture.frame(.visitor)
        frame.refreshURL = "https://paie.example/callback?code=abc&state=x"
        assertPage(
            ContinuePage(
                frame: frame, heading: "Connexion à Paie", message: "Vous êtes connecté.",
                linkText: "Continuer vers Paie"),
            "continue")
        assertPage(
            LogoutConfirmationPage(
                frame: Fixture.frame(), action: "/oidc/logout", applicationName: Fixture.hostile,
                fields: [.init(name: "state", value: Fixture.hostile), .init(name: "client_id", value: "paie-web")],
                homeURL: Paths.home),
            "logout")
    }

    @Test("single sign-on administration: the clients, a client refused, the secret shown once")
    func clients() {
        let frame = Fixture.frame(.administrator)
        assertPage(
            ClientsPage(
                frame: frame, applicationName: "Paie", issuer: "https://habilis.example",
                discoveryURL: "https://habilis.example/.well-known/openid-configuration",
                newURL: "/administration/applications/p1/connexion/nouveau",
                applicationURL: "/administration/applications/p1",
                rows: [
                    .init(
                        name: "Paie (web)", clientID: "paie-web", kind: "confidentiel", algorithm: "RS256",
                        redirectURIs: "https://paie.example/callback\n" + Fixture.hostile,
                        editURL: "/administration/applications/p1/connexion/paie-web")
                ]),
            "list")
        var form = ClientForm()
        form.name = Fixture.hostile
        form.kind = "public"
        form.pkce = "1"
        form.algorithm = "ES256"
        form.redirectURIs = "http://example.com/callback"
        for isNew in [true, false] {
            assertPage(
                ClientEditPage(
                    frame: frame, heading: isNew ? "Nouveau client" : "Client paie-web", applicationName: "Paie",
                    action: "/administration/applications/p1/connexion/nouveau", clientID: isNew ? nil : "paie-web",
                    isNew: isNew, isPublic: true, form: form,
                    errors: isNew ? Fixture.errors(("redirectURIs", "Une adresse https est exigée.")) : FormErrors(),
                    rotateURL: isNew ? nil : "/secret", removeURL: isNew ? nil : "/retrait",
                    listURL: "/administration/applications/p1/connexion"),
                isNew ? "new-refused" : "existing")
        }
        assertPage(
            ClientSecretPage(
                frame: frame, heading: "Secret du client", clientID: "paie-web", secret: "s3cr3t-<&>",
                listURL: "/administration/applications/p1/connexion"),
            "secret")
    }
}
