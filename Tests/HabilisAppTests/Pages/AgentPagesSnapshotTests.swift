import Testing

@testable import HabilisApp

/// The pages every agent sees, in each of their states, against committed snapshots.
@Suite("Pages of the agents: snapshots")
struct AgentPagesSnapshotTests {
    @Test("the frame of each role, with a notice, an unread count and a session at its end")
    func frame() {
        for (role, name) in [
            (Fixture.Role.visitor, "visitor"), (.agent, "agent"), (.correspondent, "correspondent"),
            (.administrator, "administrator"),
        ] {
            assertDocument(
                ErrorPage(frame: Fixture.frame(role), heading: "Titre", message: "", correlationID: nil), name)
        }
        let busy = Fixture.frame(
            .agent, path: Paths.myDetails, notice: "Vos coordonnées sont enregistrées.", canExtend: false,
            unread: "plus de 99 non lues")
        assertDocument(ErrorPage(frame: busy, heading: Fixture.hostile, message: "", correlationID: nil), "busy")
    }

    @Test("the catalogue: held, pending and locked applications, none, hostile text")
    func catalogue() {
        let held = CataloguePage.Row(
            id: "rh-paie", name: "Paie", summary: "Bulletins et déclarations.", launchURL: "https://paie.example/",
            isHeld: true, isPending: false, isLocked: false, stateLabel: "accès ouvert, profil Consultation",
            requestURL: Paths.requestAccess("RH-PAIE"), pendingSince: nil, autoAcceptOn: nil, pendingRequestURL: nil,
            cancelURL: nil, heldProfiles: "Consultation", otherProfileURL: Paths.requestAccess("RH-PAIE"))
        let pending = CataloguePage.Row(
            id: "formation", name: "Formation", summary: Fixture.long, launchURL: "https://formation.example/",
            isHeld: false, isPending: true, isLocked: false, stateLabel: "demande en cours depuis le 1 décembre 2026",
            requestURL: Paths.requestAccess("FORMATION"), pendingSince: "1 décembre 2026",
            autoAcceptOn: "11 décembre 2026", pendingRequestURL: "/demandes/42", cancelURL: "/demandes/42/annulation",
            heldProfiles: nil, otherProfileURL: nil)
        let locked = CataloguePage.Row(
            id: "x", name: Fixture.hostile, summary: Fixture.hostile, launchURL: "javascript:alert(1)",
            isHeld: false, isPending: false, isLocked: true, stateLabel: "accès non attribué",
            requestURL: Paths.requestAccess("X"), pendingSince: nil, autoAcceptOn: nil, pendingRequestURL: nil,
            cancelURL: nil, heldProfiles: nil, otherProfileURL: nil)
        assertPage(
            CataloguePage(frame: Fixture.frame(), firstName: "Aristide", applications: [held, pending, locked]),
            "three-states")
        assertPage(CataloguePage(frame: Fixture.frame(), firstName: Fixture.hostile, applications: []), "empty")
    }

    @Test("Mes habilitations: history open on a second page, rights, nothing yet")
    func myRights() {
        let history = [
            MyRightsPage.HistoryRow(
                applicationName: "Paie", createdOn: "2 novembre 2026", statusLabel: "refusée",
                decidedBy: "Marie Durand",
                decidedOn: "3 novembre 2026", refusalReason: Fixture.hostile, url: "/demandes/1"),
            MyRightsPage.HistoryRow(
                applicationName: "Formation", createdOn: "1 décembre 2026", statusLabel: "en cours", decidedBy: nil,
                decidedOn: nil, refusalReason: nil, url: "/demandes/2"),
        ]
        let grants = [
            MyRightsPage.GrantRow(
                applicationName: Fixture.long, grantedOn: "4 novembre 2026", origin: "demande acceptée automatiquement",
                launchURL: "https://paie.example/", lastDay: nil, renewalURL: nil, pendingRenewalURL: nil),
            MyRightsPage.GrantRow(
                applicationName: "Grève", grantedOn: "2 mars 2026", origin: "demande acceptée par Marie Durand",
                launchURL: "/applications/GREVE/acces", lastDay: "2 mars 2027",
                renewalURL: "/habilitations/g1/renouvellement",
                pendingRenewalURL: nil),
            MyRightsPage.GrantRow(
                applicationName: "Paie", grantedOn: "2 mars 2026", origin: "attribuée par Claire Morel",
                launchURL: "/applications/PAIE/acces", lastDay: "30 septembre 2026", renewalURL: nil,
                pendingRenewalURL: "/demandes/3"),
        ]
        assertPage(
            MyRightsPage(
                frame: Fixture.frame(path: Paths.myRights), history: history, historyOpen: true,
                pagination: Fixture.pagination(page: 2, total: 45, baseURL: Paths.myRights), grants: grants),
            "history-and-rights")
        assertPage(
            MyRightsPage(
                frame: Fixture.frame(path: Paths.myRights), history: [], historyOpen: false,
                pagination: Fixture.pagination(), grants: []),
            "empty")
    }

    @Test("the error page, with and without a correlation reference")
    func errorPage() {
        assertPage(
            ErrorPage(
                frame: Fixture.frame(.visitor), heading: "Erreur du service", message: "Une erreur inattendue.",
                correlationID: "Ab3_x"),
            "with-reference")
        assertPage(
            ErrorPage(frame: Fixture.frame(), heading: Fixture.hostile, message: Fixture.hostile, correlationID: nil),
            "hostile")
    }
}
