import Testing

@testable import HabilisApp

/// The administration's pages, against committed snapshots.
@Suite("Pages of the administration: snapshots")
struct AdministrationPagesSnapshotTests {
    let frame = Fixture.frame(.administrator, path: Paths.administration, notice: "Enregistré.")

    @Test("the administration's home, dashboard and settings")
    func home() {
        assertPage(
            AdministrationPage(
                frame: frame, faqURL: Paths.adminFAQ, newslettersURL: "/administration/lettres",
                directorsImportURL: "/administration/import", organisationsURL: "/administration/organismes",
                applicationsURL: "/administration/applications", agentsURL: Paths.adminAgents,
                settingsURL: "/administration/parametres", auditURL: Paths.adminAudit,
                failedMailsURL: "/administration/courriels", dashboardURL: "/administration/tableau-de-bord",
                rightsCSVURL: "/administration/habilitations.csv", organisationsImportURL: "/administration/import/o",
                agentsImportURL: "/administration/import/a"),
            "home")
        let charts = [
            BarChart(
                id: "semaines", title: "Demandes par semaine", description: Fixture.hostile,
                values: [("S1", 3), ("S2", 0), (Fixture.hostile, 12)], vertical: true),
            BarChart(
                id: "statuts", title: "Par statut", description: "Répartition", values: [("acceptées", 5)],
                vertical: false),
        ]
        assertPage(
            DashboardPage(
                frame: frame, periodLabel: "les 12 dernières semaines", total: 15, medianDecision: "2 jours",
                manualShare: "60 %", automaticShare: "40 %", charts: charts),
            "dashboard")
        var settings = AuditTrailController.SettingsForm()
        settings.delai = "abc"
        settings.webmaster = Fixture.hostile
        assertPage(
            SettingsPage(
                frame: frame, action: "/administration/parametres", form: settings,
                errors: Fixture.errors(("delai", "Saisissez un nombre de jours entre 1 et 60."))),
            "settings-refused")
    }

    @Test("agents: the list, one account with its errors, the correspondent's list")
    func agents() {
        let rows = [
            AgentListPage.Row(
                name: "Aristide Charenne", email: "a.charenne@lassuranceretraite.fr", organisationName: "CARSAT",
                status: "actif", rights: "Accords locaux (Consultation), Grève", url: "/administration/agents/a1"),
            AgentListPage.Row(
                name: Fixture.hostile, email: "x@y.fr", organisationName: Fixture.long, status: "désactivé",
                rights: "aucune", url: "/administration/agents/a2"),
        ]
        assertPage(
            AgentListPage(
                frame: frame, heading: "Agents", action: Paths.adminAgents, query: Fixture.hostile, rows: rows,
                pagination: Fixture.pagination(page: 1, total: 60, baseURL: Paths.adminAgents)),
            "list")
        assertPage(
            AgentListPage(
                frame: Fixture.frame(.correspondent), heading: "Agents de mon organisme", action: "/agents", query: "",
                rows: [], pagination: Fixture.pagination()),
            "list-empty")
        var form = AgentAdminForm()
        form.civilite = "Monsieur"
        form.prenom = "Aristide"
        form.nom = Fixture.hostile
        form.organisme = "o1"
        form.administrateur = "1"
        for (active, name) in [(true, "account-active"), (false, "account-disabled")] {
            assertPage(
                AgentAdminPage(
                    frame: frame, action: "/administration/agents/a1", form: form,
                    email: "a.charenne@lassuranceretraite.fr", statusLabel: active ? "actif" : "désactivé",
                    isActive: active, canChangeStatus: active, statusURL: "/administration/agents/a1/statut",
                    canEndSessions: active, openSessions: active ? 2 : 0,
                    endSessionsURL: "/administration/agents/a1/sessions",
                    secondFactorSince: active ? "1 mai 2026" : nil,
                    resetSecondFactorURL: "/administration/agents/a1/double", civilities: RegistrationForm.civilities,
                    groups: Fixture.groups, grantURL: "/administration/agents/a1/droits",
                    grantable: active ? [.init(id: "p1", name: "Paie")] : [], rightsURL: "/agents/a1",
                    listURL: Paths.adminAgents,
                    errors: active
                        ? Fixture.errors(
                            ("administrateur", "Vous ne pouvez pas retirer vos propres droits d’administrateur."))
                        : FormErrors()),
                name)
        }
    }

    @Test("applications: the list, a new one refused, an existing one")
    func applications() {
        assertPage(
            ApplicationsPage(
                frame: frame, newURL: "/administration/applications/nouvelle",
                rows: [
                    .init(
                        name: "Paie", code: "PAIE", position: 1, mode: "locale", isActive: true,
                        editURL: "/administration/applications/p1"),
                    .init(
                        name: Fixture.hostile, code: "X", position: 2, mode: "centrale", isActive: false,
                        editURL: "/administration/applications/p2"),
                ]),
            "list")
        var form = ApplicationForm()
        form.code = "PAIE"
        form.name = Fixture.hostile
        form.launchURL = "javascript:alert(1)"
        form.mode = "central"
        form.active = "1"
        assertPage(
            ApplicationEditPage(
                frame: frame, action: "/administration/applications/nouvelle", form: form,
                confirmation: nil, listURL: "/administration/applications", clientsURL: nil,
                profilesURL: nil, errors: Fixture.errors(("launchURL", "Saisissez une adresse https."))),
            "new-refused")
        form.mode = "local"
        assertPage(
            ApplicationEditPage(
                frame: frame, action: "/administration/applications/p1", form: form,
                confirmation: "Ce changement retire 3 habilitations.", listURL: "/administration/applications",
                clientsURL: "/administration/applications/p1/connexion",
                profilesURL: "/administration/applications/p1/profils", errors: FormErrors()),
            "existing")
    }

    @Test("the profiles of an application: none, some, and one refused")
    func applicationProfiles() {
        let frame = Fixture.frame(.administrator)
        func list(_ rows: [ApplicationProfilesPage.Row]) -> ApplicationProfilesPage {
            ApplicationProfilesPage(
                frame: frame, applicationName: Fixture.hostile, rows: rows, replaces: rows.isEmpty,
                ruleURL: "/administration/applications/p1/profils/regle",
                newURL: "/administration/applications/p1/profils/nouveau",
                applicationURL: "/administration/applications/p1")
        }
        assertPage(list([]), "none")
        assertPage(
            list([
                .init(
                    code: "CONSULT", label: "Consultation", description: Fixture.long, position: 1, isDefault: true,
                    holders: 12, editURL: "/administration/applications/p1/profils/a"),
                .init(
                    code: "REDAC", label: Fixture.hostile, description: "", position: 2, isDefault: false, holders: 0,
                    editURL: "/administration/applications/p1/profils/b"),
            ]), "some")
        var form = ApplicationProfileForm(position: "3")
        form.code = "é"
        form.label = Fixture.hostile
        assertPage(
            ApplicationProfileEditPage(
                frame: frame, heading: "Nouveau profil de Paie",
                action: "/administration/applications/p1/profils/nouveau",
                form: form, isNew: true, removeURL: nil, listURL: "/administration/applications/p1/profils",
                errors: Fixture.errors(("code", "Le code comporte de 1 à 40 lettres sans accent, chiffres ou tirets."))),
            "new-refused")
        form.code = "REDAC"
        assertPage(
            ApplicationProfileEditPage(
                frame: frame, heading: "Profil « Rédaction » de Paie",
                action: "/administration/applications/p1/profils/b",
                form: form, isNew: false, removeURL: "/administration/applications/p1/profils/b/suppression",
                listURL: "/administration/applications/p1/profils",
                errors: Fixture.errors(
                    ("remove", "C’est le profil par défaut : choisissez d’abord un autre profil par défaut."))),
            "existing-refused")
    }

    @Test("organisations: the list and one with its correspondents")
    func organisations() {
        assertPage(
            OrganisationsPage(
                frame: frame, newURL: "/administration/organismes/nouveau",
                rows: [
                    .init(
                        name: "CARSAT Rhône-Alpes", code: "CARSAT-RA", branch: "retraite", domains: "carsat-ra.fr",
                        agents: 120, correspondents: "Marie Durand", isActive: true,
                        editURL: "/administration/organismes/o1")
                ]),
            "list")
        var form = OrganisationForm()
        form.code = "CARSAT-RA"
        form.name = Fixture.hostile
        form.branch = "retraite"
        form.active = "1"
        for isNew in [true, false] {
            assertPage(
                OrganisationEditPage(
                    frame: frame, action: "/administration/organismes/o1", form: form,
                    branches: [.init(value: "retraite", label: "Retraite"), .init(value: "famille", label: "Famille")],
                    isNew: isNew,
                    correspondents: isNew
                        ? []
                        : [
                            .init(
                                name: "Marie Durand", email: "m.durand@carsat-ra.fr", scope: "local",
                                removeURL: "/administration/organismes/o1/correspondants/m1")
                        ],
                    designateURL: isNew ? nil : "/administration/organismes/o1/correspondants",
                    applications: [.init(id: "p1", name: "Paie")], listURL: "/administration/organismes",
                    errors: isNew ? Fixture.errors(("code", "Ce code est déjà pris.")) : FormErrors()),
                isNew ? "new-refused" : "existing")
        }
    }

    @Test("the FAQ and the newsletters: lists and forms")
    func faqAndNewsletters() {
        assertPage(
            FAQListPage(
                frame: frame, newURL: "/administration/faq/nouvelle",
                entries: [
                    .init(question: Fixture.hostile, position: 1, isActive: false, editURL: "/administration/faq/1")
                ]),
            "faq-list")
        var faq = FAQForm()
        faq.question = Fixture.hostile
        faq.reponse = Fixture.long
        assertPage(
            FAQEditPage(
                frame: frame, action: "/administration/faq/1", form: faq, listURL: Paths.adminFAQ,
                errors: Fixture.errors(("ordre", "Saisissez un nombre."))),
            "faq-refused")
        assertPage(
            NewslettersPage(
                frame: frame,
                rows: [
                    .init(
                        title: "La lettre RH", subscribers: 1200, isActive: true,
                        exportURL: "/administration/lettres/1.csv",
                        editURL: "/administration/lettres/1")
                ], newURL: "/administration/lettres/nouvelle"),
            "newsletters")
        var newsletter = NewsletterForm()
        newsletter.titre = Fixture.hostile
        newsletter.active = "1"
        assertPage(
            NewsletterEditPage(
                frame: frame, action: "/administration/lettres/1", form: newsletter, listURL: "/administration/lettres",
                errors: FormErrors()),
            "newsletter")
    }

    @Test("the audit trail, the failed mails and the imports")
    func auditMailsImports() {
        var filters = AuditTrailController.Filters()
        filters.organisation = "o1"
        filters.action = "sign_in"
        assertPage(
            AuditPage(
                frame: frame, action: Paths.adminAudit, filters: filters,
                organisations: [.init(id: "o1", name: "CARSAT")], actions: ["sign_in", "grant"],
                rows: [
                    AuditRow(
                        occurredAt: "2 décembre 2026 10:00", actor: "Claire Morel", action: "grant", outcome: "success",
                        target: Fixture.hostile, ip: "192.0.2.1", details: "{\"a\":1}")
                ], pagination: Fixture.pagination(total: 1), exportURL: Paths.adminAudit + ".csv"),
            "audit")
        assertPage(
            FailedMailsPage(
                frame: frame,
                rows: [
                    .init(
                        recipient: "x@y.fr", subject: Fixture.hostile, createdAt: "1 décembre 2026", attempts: 8,
                        lastError: "550 boîte inconnue", retryURL: "/administration/courriels/1/renvoi")
                ], pagination: Fixture.pagination(total: 1),
                failedLogouts: [
                    .init(
                        application: "Paie", client: "paie-web", uri: "https://paie.example/logout",
                        createdAt: "1 décembre 2026", attempts: 8, lastError: "timeout")
                ]),
            "failed")
        assertPage(FailedMailsPage(frame: frame, rows: [], pagination: Fixture.pagination(), failedLogouts: []), "none")
        var report = DirectorsImport.Report(dryRun: true)
        report.created = 2
        report.rejected = 1
        report.lines = [.init(number: 3, email: Fixture.hostile, outcome: "rejetée", detail: "adresse invalide")]
        for kind in [AdministrationController.ImportKind.directors, .organisations, .agents] {
            assertPage(
                DirectorsImportPage(
                    frame: frame, kind: kind, heading: "Import", action: "/administration/import",
                    report: kind == .directors ? report : nil,
                    errors: kind == .agents ? Fixture.errors(("fichier", "Choisissez un fichier CSV.")) : FormErrors()),
                "import-\(kind.rawValue)")
        }
    }
}
