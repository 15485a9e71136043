import Foundation
import Testing

@testable import HabilisApp

/// The pages of access reviews, against committed snapshots.
@Suite("Pages of access reviews: snapshots")
struct AccessReviewPagesSnapshotTests {
    static func figures(total: Int, kept: Int, removed: Int, ended: Int = 0) -> AccessReviewFigures {
        var figures = AccessReviewFigures()
        figures.total = total
        figures.kept = kept
        figures.removed = removed
        figures.ended = ended
        return figures
    }

    @Test("the reviewer's campaigns, and one campaign with its progress, its rights and a refused removal")
    func reviewer() {
        let frame = Fixture.frame(.correspondent, path: Paths.accessReviews)
        assertPage(AccessReviewsPage(frame: frame, rows: []), "none")
        assertPage(
            AccessReviewsPage(
                frame: frame,
                rows: [
                    .init(
                        name: Fixture.hostile, url: "/revue-des-habilitations/c1", lastDay: "31 mars 2026",
                        rule: "Les habilitations non revues à la fin du 31 mars 2026 seront retirées.", remaining: 3,
                        total: 5)
                ]),
            "list")
        let rows = [
            AccessReviewPage.Row(
                id: "g1", agentName: "Aristide Charenne", email: "a.charenne@lassuranceretraite.fr",
                organisationName: "CARSAT Rhône-Alpes", applicationName: "Grève", grantedOn: "02/03/2026",
                origin: "attribuée par Marie Durand", lastSignIn: "jamais", lastDay: "2 mars 2027", isSelected: true),
            AccessReviewPage.Row(
                id: "g2", agentName: Fixture.hostile, email: "x@y.fr", organisationName: Fixture.long,
                applicationName: "Accords locaux", grantedOn: "01/01/2025", origin: "demande acceptée automatiquement",
                lastSignIn: "03/03/2026", lastDay: nil, isSelected: false),
        ]
        assertPage(
            AccessReviewPage(
                frame: frame, name: "Revue annuelle", lastDay: "31 mars 2026",
                rule: "Les habilitations non revues à la fin du 31 mars 2026 seront retirées.", isOpen: true,
                progress: [.init(name: "CARSAT Rhône-Alpes", figures: Self.figures(total: 5, kept: 1, removed: 1))],
                organisations: [], filterURL: "/revue-des-habilitations/c1", rows: rows,
                pagination: Fixture.pagination(page: 1, total: 2, baseURL: "/revue-des-habilitations/c1"),
                action: "/revue-des-habilitations/c1/decision", organisationID: nil, reason: "",
                errors: Fixture.errors(("motif", "Indiquez le motif du retrait."))),
            "campaign-refused")
        assertPage(
            AccessReviewPage(
                frame: Fixture.frame(.administrator, path: "/revue-des-habilitations/c1"), name: "Revue annuelle",
                lastDay: "31 mars 2026",
                rule: "Les habilitations non revues à la fin du 31 mars 2026 seront conservées.",
                isOpen: false, progress: [],
                organisations: [.init(value: "o1", label: "Toutes celles de CAF du Rhône", isSelected: true)],
                filterURL: "/revue-des-habilitations/c1", rows: [],
                pagination: Fixture.pagination(page: 1, total: 0, baseURL: "/revue-des-habilitations/c1"),
                action: "/revue-des-habilitations/c1/decision", organisationID: "o1", reason: "", errors: FormErrors()),
            "campaign-closed")
    }

    @Test("the administrators' campaigns with a refused opening, and one campaign's follow-up")
    func administrators() {
        let frame = Fixture.frame(.administrator, path: Paths.adminReviews)
        var form = CampaignForm()
        form.nom = Fixture.hostile
        form.fin = "2026-03-01"
        form.regle = "retirer"
        assertPage(
            ReviewCampaignsPage(
                frame: frame,
                rows: [
                    .init(
                        name: "Revue annuelle", url: "/administration/revues/c1", openedOn: "02/03/2026",
                        lastDay: "31 mars 2026", rule: "retirées", progress: "2 / 6 (33 %)", isClosed: false)
                ],
                action: Paths.adminReviews, form: form,
                organisations: [.init(value: "o1", label: "CAF du Rhône", isSelected: true)],
                applications: [.init(value: "a1", label: Fixture.hostile, isSelected: false)],
                errors: Fixture.errors(("fin", "Le dernier jour de la revue doit être postérieur à aujourd’hui."))),
            "campaigns-refused")
        let organisations = [
            ReviewCampaignPage.Row(name: "CARSAT Rhône-Alpes", figures: Self.figures(total: 5, kept: 0, removed: 1)),
            ReviewCampaignPage.Row(
                name: Fixture.hostile, figures: Self.figures(total: 1, kept: 0, removed: 0, ended: 1)),
        ]
        assertPage(
            ReviewCampaignPage(
                frame: frame, name: "Revue annuelle", openedOn: "02/03/2026", lastDay: "31 mars 2026",
                rule: "Les habilitations non revues à la fin du 31 mars 2026 seront retirées.", state: "en cours",
                scope: "tous les organismes ; toutes les applications",
                total: Self.figures(total: 6, kept: 0, removed: 1, ended: 1),
                chart: BarChart(
                    id: "avancement", title: "Avancement par organisme (% des habilitations revues)",
                    description: "Part des habilitations revues dans chaque organisme.",
                    values: organisations.map { ($0.name, $0.figures.percent) }, vertical: false,
                    valueHeading: "% revues"),
                organisations: organisations, reviewURL: "/revue-des-habilitations/c1",
                reportURL: "/administration/revues/c1/rapport.csv"),
            "campaign")
    }
}
