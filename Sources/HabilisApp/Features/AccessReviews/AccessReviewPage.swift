import Foundation

/// « Revue des habilitations »: the open campaigns with what is left for the reviewer.
struct AccessReviewsPage {
    struct Row {
        let name: String
        let url: String
        let lastDay: String
        let rule: String
        let remaining: Int
        let total: Int
    }

    let frame: PageFrame
    let rows: [Row]
}

extension AccessReviewsPage.Row {
    init(_ campaign: ReviewCampaign, mine: AccessReviewFigures) {
        name = campaign.name
        url = Paths.accessReview(campaign.id!)
        lastDay = RightValidity.lastDay(of: campaign.deadline)
        rule = campaign.ruleSentence
        remaining = mine.remaining
        total = mine.total
    }
}

extension AccessReviewsPage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("<h1>Revue des habilitations</h1>\n")
            html.markup(
                "<p>Lors d’une campagne de revue, vous confirmez que chaque agent de votre périmètre a encore besoin ")
            html.markup("de ses habilitations, ou vous les retirez.</p>\n")
            guard !rows.isEmpty else {
                html.markup("<p>Aucune campagne de revue n’est en cours pour vous.</p>\n")
                return
            }
            html.markup("<ul class=\"grants\">\n")
            for row in rows {
                html.markup("<li><p><a href=\"")
                html.url(row.url)
                html.markup("\"><strong>")
                html.text(row.name)
                html.markup("</strong></a> — à revoir d’ici la fin du ")
                html.text(row.lastDay)
                html.markup(" : ")
                html.text(row.remaining)
                html.markup(" sur ")
                html.text(row.total)
                html.markup(" habilitation(s) restant à revoir.</p>\n<p>")
                html.text(row.rule)
                html.markup("</p></li>\n")
            }
            html.markup("</ul>\n")
        }
    }
}

/// The rights one reviewer has still to review in one campaign.
struct AccessReviewPage {
    /// The progress of one organisme in the reviewer's scope.
    struct Progress {
        let name: String
        let figures: AccessReviewFigures
    }

    /// One right to keep or remove.
    struct Row {
        let id: String
        let agentName: String
        let email: String
        let organisationName: String
        let applicationName: String
        let grantedOn: String
        let origin: String
        let lastSignIn: String
        let lastDay: String?
        let isSelected: Bool
    }

    let frame: PageFrame
    let name: String
    let lastDay: String
    let rule: String
    let isOpen: Bool
    let progress: [Progress]
    /// The organismes an administrator may look at (« Toutes celles de … »); empty for a correspondent.
    let organisations: [FormChoice]
    let filterURL: String
    let rows: [Row]
    let pagination: Pagination
    let action: String
    /// The organisme an administrator looks at, carried through the form.
    let organisationID: String?
    let reason: String
    let errors: FormErrors
}

extension AccessReviewPage.Row {
    init(_ entry: ReviewQueue.Entry, selected: Set<String>) {
        id = entry.grantID.uuidString.lowercased()
        agentName = entry.agentName
        email = entry.email
        organisationName = entry.organisationName
        applicationName = entry.applicationName
        grantedOn = ParisCalendar.shortDate(entry.grantedAt)
        origin = entry.origin
        lastSignIn = entry.lastSignInAt.map(ParisCalendar.shortDate) ?? "jamais"
        lastDay = entry.expiresAt.map(RightValidity.lastDay)
        isSelected = selected.contains(id) || selected.contains(entry.grantID.uuidString)
    }
}

extension AccessReviewPage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("<h1>Revue des habilitations — ")
            html.text(name)
            html.markup("</h1>\n")
            errors.write(to: &html)
            html.markup("<p>")
            if isOpen {
                html.markup("À revoir d’ici la fin du ")
                html.text(lastDay)
                html.markup(". ")
            } else {
                html.markup("<strong id=\"campagne\">Cette campagne est close.</strong> ")
            }
            html.text(rule)
            html.markup("</p>\n")
            writeProgress(to: &html)
            if !organisations.isEmpty { writeFilter(to: &html) }
            html.markup("<h2>Habilitations à revoir (")
            html.text(pagination.total)
            html.markup(")</h2>\n")
            guard !rows.isEmpty else {
                html.markup("<p>Aucune habilitation n’attend votre revue.</p>\n")
                return
            }
            writeForm(to: &html)
            pagination.write(to: &html)
        }
    }

    private func writeProgress(to html: inout HTMLWriter) {
        guard !progress.isEmpty else { return }
        html.markup("<h2>Avancement</h2>\n<ul class=\"review-progress\">\n")
        for (index, organisation) in progress.enumerated() {
            html.markup("<li><label for=\"avancement-")
            html.attribute(index)
            html.markup("\">")
            html.text(organisation.name)
            html.markup(" : ")
            html.text(organisation.figures.reviewed)
            html.markup(" sur ")
            html.text(organisation.figures.total)
            html.markup(" revue(s) (")
            html.text(organisation.figures.kept)
            html.markup(" conservée(s), ")
            html.text(organisation.figures.removed)
            html.markup(" retirée(s))</label> <progress id=\"avancement-")
            html.attribute(index)
            html.markup("\" max=\"")
            html.attribute(organisation.figures.total)
            html.markup("\" value=\"")
            html.attribute(organisation.figures.reviewed)
            html.markup("\">")
            html.text(organisation.figures.percent)
            html.markup(" %</progress></li>\n")
        }
        html.markup("</ul>\n")
    }

    /// An administrator's choice: the rights the administrators review, or those of one organisme.
    private func writeFilter(to html: inout HTMLWriter) {
        html.markup("<form method=\"get\" action=\"")
        html.url(filterURL)
        html.markup("\" class=\"form\">\n<div class=\"field\">\n")
        html.markup("<label for=\"organisme\">Habilitations affichées</label>\n<select id=\"organisme\" ")
        html.markup("name=\"organisme\">\n<option value=\"\">Celles que revoient les administrateurs</option>\n")
        html.options(organisations)
        html.markup("</select>\n</div>\n<button type=\"submit\">Afficher</button>\n</form>\n")
    }

    private func writeForm(to html: inout HTMLWriter) {
        frame.writeFormStart(action: action, to: &html)
        if let organisationID {
            html.markup("<input type=\"hidden\" name=\"organisme\" value=\"")
            html.attribute(organisationID)
            html.markup("\">\n")
        }
        html.markup("<fieldset id=\"selection\"")
        if errors["selection"] != nil { html.markup(" class=\"field-error\"") }
        html.markup(">\n<legend>Habilitations à revoir : sélectionnez-en une ou plusieurs</legend>\n")
        errors.writeMessage(of: "selection", to: &html)
        html.markup("<div class=\"table-wrapper\" tabindex=\"0\" role=\"region\" ")
        html.markup("aria-label=\"Tableau (défilement horizontal possible)\">\n<table>\n")
        html.markup("<caption class=\"visually-hidden\">Habilitations à revoir</caption>\n<thead><tr>")
        html.markup("<th scope=\"col\">Sélection</th><th scope=\"col\">Agent</th><th scope=\"col\">Organisme</th>")
        html.markup("<th scope=\"col\">Application</th><th scope=\"col\">Attribuée</th>")
        html.markup("<th scope=\"col\">Dernière connexion</th></tr></thead>\n<tbody>\n")
        for row in rows {
            html.markup("<tr>\n<td><input type=\"checkbox\" name=\"ids[]\" value=\"")
            html.attribute(row.id)
            html.markup("\" id=\"revue-")
            html.attribute(row.id)
            html.markup("\"")
            if row.isSelected { html.markup(" checked") }
            html.markup("><label for=\"revue-")
            html.attribute(row.id)
            html.markup("\" class=\"visually-hidden\">Sélectionner l’habilitation ")
            html.text(row.applicationName)
            html.markup(" de ")
            html.text(row.agentName)
            html.markup("</label></td>\n<td>")
            html.text(row.agentName)
            html.markup("<br>")
            html.text(row.email)
            html.markup("</td>\n<td>")
            html.text(row.organisationName)
            html.markup("</td>\n<td>")
            html.text(row.applicationName)
            if let lastDay = row.lastDay {
                html.markup("<br><span class=\"muted\">jusqu’au ")
                html.text(lastDay)
                html.markup("</span>")
            }
            html.markup("</td>\n<td>le ")
            html.text(row.grantedOn)
            html.markup("<br><span class=\"muted\">")
            html.text(row.origin)
            html.markup("</span></td>\n<td>")
            html.text(row.lastSignIn)
            html.markup("</td>\n</tr>\n")
        }
        html.markup("</tbody>\n</table>\n</div>\n</fieldset>\n")
        errors.writeField("motif", label: "Motif du retrait (obligatoire pour retirer)", to: &html) { html in
            html.markup("<textarea id=\"motif\" name=\"motif\" rows=\"3\"")
            errors.writeInvalidState(of: "motif", to: &html)
            html.markup(">")
            html.text(reason)
            html.markup("</textarea>\n")
        }
        if let error = errors["decision"] {
            html.markup("<p class=\"error-message\" id=\"decision\">")
            html.text(error)
            html.markup("</p>")
        }
        html.markup("<div class=\"actions\">\n")
        html.markup("<button type=\"submit\" name=\"decision\" value=\"conserver\">Conserver la sélection</button>\n")
        html.markup("<button type=\"submit\" name=\"decision\" value=\"retirer\" class=\"danger\">")
        html.markup("Retirer la sélection</button>\n</div>\n</form>\n")
    }
}
