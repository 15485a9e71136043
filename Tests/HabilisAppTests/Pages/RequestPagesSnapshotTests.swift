import Foundation
import Testing

@testable import HabilisApp

/// Access requests, account requests and the correspondents' decision pages, against committed snapshots.
@Suite("Pages of the requests and decisions: snapshots")
struct RequestPagesSnapshotTests {
    static let request = RequestsToDecidePage.Row(
        id: "r1", agentName: "Aristide Charenne", organisationName: "CARSAT Rhône-Alpes", applicationName: "Paie",
        createdOn: "1 décembre 2026", autoAcceptOn: "11 décembre 2026", daysLeftLabel: "dans 8 jours",
        isOverdue: false, justification: Fixture.hostile, url: "/demandes-a-traiter/r1", agentURL: "/agents/a1",
        isSelected: true)
    static let overdue = RequestsToDecidePage.Row(
        id: "r2", agentName: Fixture.long, organisationName: Fixture.long, applicationName: "Formation",
        createdOn: "20 novembre 2026", autoAcceptOn: "30 novembre 2026", daysLeftLabel: "en retard", isOverdue: true,
        justification: nil, url: "/demandes-a-traiter/r2", agentURL: "/agents/a2", isSelected: false)
    static let account = AccountRequestRow(
        id: "c1", name: "Jeanne Martin", email: "j.martin@gmail.com", organisationName: "CAF du Rhône",
        secondOrganisationName: "CARSAT Rhône-Alpes", phone: "04 72 00 00 00", contactEmail: "jeanne@caf.fr",
        birthName: "Dupont", submittedOn: "2 décembre 2026", isOutsideMailDomains: true, mailDomains: "caf.fr",
        isOverdue: true, url: "/demandes-a-traiter/comptes/c1", isSelected: false)

    @Test("« Demandes à traiter »: requests and accounts, errors, a second page, more than listed, nothing to decide")
    func queue() {
        func page(
            rows: [RequestsToDecidePage.Row], accounts: [AccountRequestRow], total: Int, hasMore: Bool = false,
            _ errors: FormErrors = FormErrors()
        ) -> RequestsToDecidePage {
            RequestsToDecidePage(
                frame: Fixture.frame(.correspondent, path: Paths.requestsToDecide), rows: rows,
                pagination: Fixture.pagination(page: 2, total: total, baseURL: Paths.requestsToDecide),
                hasMore: hasMore, action: Paths.requestsToDecide, reason: Fixture.hostile, reasonLimit: 2000,
                errors: errors,
                accountRows: accounts, accountAction: Paths.requestsToDecide + "/comptes", accountReason: "")
        }
        assertPage(page(rows: [Self.request, Self.overdue], accounts: [Self.account], total: 45), "full")
        assertPage(
            page(
                rows: [Self.request], accounts: [Self.account], total: 1,
                Fixture.errors(
                    ("selection", "Sélectionnez au moins une demande."),
                    ("motif", "Le motif est obligatoire pour refuser."),
                    ("comptesSelection", "Sélectionnez au moins une demande de compte."))),
            "errors")
        assertPage(
            page(rows: [Self.request, Self.overdue], accounts: [], total: DecisionQueue.listedBound, hasMore: true),
            "beyondListed")
        assertPage(page(rows: [], accounts: [], total: 0), "empty")
    }

    @Test("one request to decide, and refused without a reason")
    func requestToDecide() {
        func page(
            _ row: RequestsToDecidePage.Row, _ errors: FormErrors, renewalOf: String? = nil, latestEnd: Date? = nil,
            profileChange: String? = nil
        ) -> RequestToDecidePage {
            RequestToDecidePage(
                frame: Fixture.frame(.correspondent), row: row, action: row.url, agentURL: row.agentURL,
                queueURL: Paths.requestsToDecide, reason: "", reasonLimit: 2000, renewalOf: renewalOf,
                profileChange: profileChange, latestEnd: latestEnd, chosenEnd: Fixture.hostile, errors: errors)
        }
        assertPage(page(Self.request, FormErrors()), "pending")
        assertPage(page(Self.overdue, Fixture.errors(("motif", "Le motif est obligatoire pour refuser."))), "refused")
        // A renewal of a time-limited right, its end refused.
        assertPage(
            page(
                Self.request, Fixture.errors(("fin", "La date de fin doit être postérieure à aujourd’hui.")),
                renewalOf: "2 mars 2027", latestEnd: testEpoch.addingTimeInterval(365 * 86_400)),
            "renewal-end-refused")
        assertPage(
            page(Self.request, FormErrors(), profileChange: Fixture.hostile + " — le profil demandé s’y ajoutera"),
            "profile-change")
    }

    @Test("one account request to decide")
    func accountToDecide() {
        assertPage(
            AccountRequestToDecidePage(
                frame: Fixture.frame(.correspondent), row: Self.account, action: Self.account.url,
                queueURL: Paths.requestsToDecide, reason: Fixture.hostile, reasonLimit: 2000,
                errors: Fixture.errors(("motif", "Le motif est obligatoire pour refuser."))),
            "errors")
    }

    @Test("an agent's rights: active, withdrawn, a failed withdrawal, history")
    func agentRights() {
        let grants = [
            AgentRightsPage.GrantRow(
                id: "g1", applicationName: "Paie", grantedOn: "1 novembre 2026", origin: "attribuée par Claire Morel",
                isActive: true, lastDay: "2 mars 2027", revokedOn: nil, revokedBy: nil, revocationReason: nil,
                revokeURL: "/droits/g1/retrait",
                canWithdraw: true, reason: Fixture.hostile, error: "Le motif est obligatoire."),
            AgentRightsPage.GrantRow(
                id: "g2", applicationName: "Formation", grantedOn: "1 octobre 2026",
                origin: "demande acceptée automatiquement", isActive: false, lastDay: nil, revokedOn: "5 novembre 2026",
                revokedBy: "Marie Durand", revocationReason: "Départ du service", revokeURL: "/droits/g2/retrait",
                canWithdraw: false, reason: "", error: nil),
        ]
        let history = [
            MyRightsPage.HistoryRow(
                applicationName: "Paie", createdOn: "2 novembre 2026", statusLabel: "acceptée",
                decidedBy: "Marie Durand",
                decidedOn: "3 novembre 2026", refusalReason: nil, url: "/demandes/1")
        ]
        assertPage(
            AgentRightsPage(
                frame: Fixture.frame(.correspondent), agentName: "Aristide Charenne",
                email: "a.charenne@lassuranceretraite.fr", organisationName: "CARSAT Rhône-Alpes", grants: grants,
                history: history, errors: FormErrors()),
            "rights")
        assertPage(
            AgentRightsPage(
                frame: Fixture.frame(.correspondent), agentName: Fixture.hostile, email: "x@y.fr",
                organisationName: Fixture.long, grants: [], history: [], errors: FormErrors()),
            "none")
    }

    @Test("the access request form, and refused")
    func accessRequestForm() {
        func page(
            _ justification: String, _ errors: FormErrors, renewalOf: String? = nil,
            profiles: ProfileChoiceField? = nil
        ) -> AccessRequestConfirmPage {
            AccessRequestConfirmPage(
                frame: Fixture.frame(), applicationName: "Paie", summary: Fixture.long, renewalOf: renewalOf,
                profiles: profiles,
                action: "/applications/PAIE/demande",
                decidersDescription: "votre correspondant local", autoAcceptOn: "13 décembre 2026",
                justification: justification, justificationLimit: 2000, errors: errors, cancelURL: Paths.home)
        }
        assertPage(page("", FormErrors()), "blank")
        assertPage(page(Fixture.hostile, Fixture.errors(("justification", "2000 caractères au plus."))), "refused")
        assertPage(page("", FormErrors(), renewalOf: "2 mars 2027"), "renewal")
        let choice = ProfileChoiceField(
            options: [
                .init(code: "REDACTION", label: "Rédaction", description: Fixture.hostile, isChosen: false),
                .init(code: "VALIDATION", label: Fixture.long, description: "", isChosen: false),
            ], held: ["Consultation"], replaces: true, renewed: nil)
        assertPage(
            page("", Fixture.errors(("profil", "Choisissez l’un des profils proposés.")), profiles: choice),
            "profile refused")
        assertPage(
            page(
                "", FormErrors(), renewalOf: "2 mars 2027",
                profiles: .init(options: [], held: [], replaces: false, renewed: "Rédaction")),
            "profile renewal")
    }

    @Test("one access request: just sent and pending, refused")
    func accessRequest() {
        func page(pending: Bool) -> AccessRequestPage {
            AccessRequestPage(
                frame: Fixture.frame(), justSent: pending, applicationName: "Paie",
                profileLabel: pending ? "Rédaction" : nil, createdOn: "1 décembre 2026",
                statusLabel: pending ? "en cours" : "refusée", isPending: pending,
                decidersDescription: "votre correspondant local", autoAcceptOn: "11 décembre 2026",
                justification: pending ? Fixture.hostile : nil, decidedBy: pending ? nil : "Marie Durand",
                decidedOn: pending ? nil : "2 décembre 2026", refusalReason: pending ? nil : Fixture.hostile,
                cancelURL: "/demandes/1/annulation", catalogueURL: Paths.home, historyURL: Paths.myRights)
        }
        assertPage(page(pending: true), "pending")
        assertPage(page(pending: false), "refused")
    }

    @Test("the account request: e-mail, form with errors, proof, sent")
    func registration() {
        assertPage(
            RegistrationEmailPage(
                frame: Fixture.frame(.visitor), action: Paths.registration, forgotPasswordURL: Paths.forgotPassword,
                email: Fixture.hostile, errors: Fixture.errors(("email", "Saisissez une adresse e-mail valide."))),
            "email-refused")
        var form = RegistrationForm()
        form.email = "j.martin@caf.fr"
        form.civilite = "Madame"
        form.prenom = Fixture.hostile
        form.organisme = "o2"
        assertPage(
            RegistrationFormPage(
                frame: Fixture.frame(.visitor), action: Paths.registrationForm, form: form,
                civilities: RegistrationForm.civilities, groups: Fixture.groups,
                errors: Fixture.errors(("nom", "Saisissez votre nom."), ("password", "12 caractères au moins.")),
                minimumLength: 12, maximumLength: 128),
            "form-refused")
        for (valid, proven) in [(true, nil), (true, "j.martin@caf.fr"), (false, nil)] as [(Bool, String?)] {
            assertPage(
                RegistrationProofPage(
                    frame: Fixture.frame(.visitor), token: "jeton", isValid: valid, email: "j.martin@caf.fr",
                    action: Paths.registration + "/preuve", proven: proven, registrationURL: Paths.registration,
                    signInURL: Paths.signIn),
                valid ? (proven == nil ? "proof-asked" : "proof-done") : "proof-expired")
        }
        assertPage(
            RegistrationSentPage(
                frame: Fixture.frame(.visitor), email: "j.martin@caf.fr",
                decidersDescription: "votre correspondant local",
                validHours: 48),
            "sent")
    }
}
