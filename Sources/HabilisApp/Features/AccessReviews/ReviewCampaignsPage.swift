import Foundation

/// The campaigns of access review, and the form that opens one.
struct ReviewCampaignsPage {
    struct Row {
        let name: String
        let url: String
        let openedOn: String
        let lastDay: String
        /// « conservées » or « retirées »: what becomes of the rights nobody reviewed.
        let rule: String
        let progress: String
        let isClosed: Bool
    }

    let frame: PageFrame
    let rows: [Row]
    let action: String
    let form: CampaignForm
    let organisations: [FormChoice]
    let applications: [FormChoice]
    let errors: FormErrors
}

extension ReviewCampaignsPage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("<h1>Campagnes de revue des habilitations</h1>\n")
            errors.write(to: &html)
            writeCampaigns(to: &html)
            html.markup("<h2>Ouvrir une campagne</h2>\n")
            html.markup("<p>La campagne porte sur les habilitations actives à son ouverture. Les correspondants ")
            html.markup("revoient celles des applications gérées localement ; les administrateurs, celles des ")
            html.markup("applications gérées par l’UCANSS, celles qu’un administrateur a décidées et celles des ")
            html.markup("organismes sans correspondant.</p>\n")
            frame.writeFormStart(action: action, to: &html)
            errors.writeInputField("nom", label: "Nom de la campagne", value: form.nom, to: &html)
            errors.writeInputField(
                "fin", label: "Dernier jour de la revue", type: "date", value: form.fin, to: &html)
            writeRule(to: &html)
            errors.writeField("organismes", label: "Organismes (aucun sélectionné : tous)", to: &html) { html in
                html.markup("<select id=\"organismes\" name=\"organismes[]\" multiple size=\"8\"")
                errors.writeInvalidState(of: "organismes", to: &html)
                html.markup(">\n")
                html.options(organisations)
                html.markup("</select>\n")
            }
            html.markup("<fieldset id=\"applications\"")
            if errors["applications"] != nil { html.markup(" class=\"field-error\"") }
            html.markup(">\n<legend>Applications (aucune cochée : toutes)</legend>\n")
            errors.writeMessage(of: "applications", to: &html)
            html.markup("<ul class=\"checkboxes\">\n")
            for choice in applications {
                html.markup("<li><input type=\"checkbox\" id=\"application-")
                html.attribute(choice.value)
                html.markup("\" name=\"applications[]\" value=\"")
                html.attribute(choice.value)
                html.markup("\"")
                if choice.isSelected { html.markup(" checked") }
                html.markup("> <label for=\"application-")
                html.attribute(choice.value)
                html.markup("\">")
                html.text(choice.label)
                html.markup("</label></li>\n")
            }
            html.markup("</ul>\n</fieldset>\n")
            html.markup("<div class=\"actions\"><button type=\"submit\">Ouvrir la campagne</button></div>\n</form>\n")
        }
    }

    private func writeCampaigns(to html: inout HTMLWriter) {
        guard !rows.isEmpty else {
            html.markup("<p>Aucune campagne n’a encore été ouverte.</p>\n")
            return
        }
        html.markup("<div class=\"table-wrapper\" tabindex=\"0\" role=\"region\" ")
        html.markup("aria-label=\"Tableau (défilement horizontal possible)\">\n<table>\n")
        html.markup("<caption>Campagnes, de la plus récente à la plus ancienne</caption>\n<thead><tr>")
        html.markup("<th scope=\"col\">Campagne</th><th scope=\"col\">Ouverte le</th>")
        html.markup("<th scope=\"col\">Dernier jour</th><th scope=\"col\">Non revues</th>")
        html.markup("<th scope=\"col\">Revues</th><th scope=\"col\">État</th></tr></thead>\n<tbody>\n")
        for row in rows {
            html.markup("<tr><td><a href=\"")
            html.url(row.url)
            html.markup("\">")
            html.text(row.name)
            html.markup("</a></td><td>")
            html.text(row.openedOn)
            html.markup("</td><td>")
            html.text(row.lastDay)
            html.markup("</td><td>")
            html.text(row.rule)
            html.markup("</td><td>")
            html.text(row.progress)
            html.markup("</td><td>")
            html.markup(row.isClosed ? "close" : "en cours")
            html.markup("</td></tr>\n")
        }
        html.markup("</tbody>\n</table>\n</div>\n")
    }

    private func writeRule(to html: inout HTMLWriter) {
        html.markup("<fieldset id=\"regle\"")
        if errors["regle"] != nil { html.markup(" class=\"field-error\"") }
        html.markup(">\n<legend>À l’échéance, les habilitations que personne n’a revues sont…</legend>\n")
        errors.writeMessage(of: "regle", to: &html)
        html.markup("<p><input type=\"radio\" id=\"regle-conserver\" name=\"regle\" value=\"conserver\"")
        if form.regle == "conserver" { html.markup(" checked") }
        html.markup("> <label for=\"regle-conserver\" class=\"inline\">conservées</label></p>\n")
        html.markup("<p><input type=\"radio\" id=\"regle-retirer\" name=\"regle\" value=\"retirer\"")
        if form.regle == "retirer" { html.markup(" checked") }
        html.markup("> <label for=\"regle-retirer\" class=\"inline\">retirées (les agents en sont informés)</label>")
        html.markup("</p>\n</fieldset>\n")
    }
}

/// One campaign as the administrators follow it.
struct ReviewCampaignPage {
    struct Row {
        let name: String
        let figures: AccessReviewFigures
    }

    let frame: PageFrame
    let name: String
    let openedOn: String
    let lastDay: String
    let rule: String
    let state: String
    let scope: String
    let total: AccessReviewFigures
    let chart: BarChart
    let organisations: [Row]
    let reviewURL: String
    let reportURL: String
}

extension ReviewCampaignPage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("<h1>Campagne de revue — ")
            html.text(name)
            html.markup("</h1>\n<dl class=\"summary\">\n<dt>Périmètre</dt><dd>")
            html.text(scope)
            html.markup("</dd>\n<dt>Ouverte le</dt><dd>")
            html.text(openedOn)
            html.markup("</dd>\n<dt>Dernier jour</dt><dd>")
            html.text(lastDay)
            html.markup("</dd>\n<dt>Règle</dt><dd>")
            html.text(rule)
            html.markup("</dd>\n<dt>État</dt><dd>")
            html.text(state)
            html.markup("</dd>\n<dt>Habilitations</dt><dd>")
            html.text(total.total)
            html.markup("</dd>\n<dt>Revues</dt><dd>")
            html.text(total.reviewed)
            html.markup(" (")
            html.text(total.percent)
            html.markup(" %) : ")
            html.text(total.kept)
            html.markup(" conservée(s), ")
            html.text(total.removed)
            html.markup(" retirée(s), ")
            html.text(total.ended)
            html.markup(" retirée(s) par ailleurs ; dont ")
            html.text(total.byDeadline)
            html.markup(" par la règle de l’échéance</dd>\n</dl>\n<p><a href=\"")
            html.url(reportURL)
            html.markup("\">Télécharger le rapport de la campagne (CSV)</a> · <a href=\"")
            html.url(reviewURL)
            html.markup("\">Revoir les habilitations qui reviennent aux administrateurs</a></p>\n")
            chart.write(to: &html)
            html.markup("<div class=\"table-wrapper\" tabindex=\"0\" role=\"region\" ")
            html.markup("aria-label=\"Tableau (défilement horizontal possible)\">\n<table>\n")
            html.markup("<caption>Avancement par organisme</caption>\n<thead><tr><th scope=\"col\">Organisme</th>")
            html.markup("<th scope=\"col\">Habilitations</th><th scope=\"col\">Conservées</th>")
            html.markup("<th scope=\"col\">Retirées</th><th scope=\"col\">Retirées par ailleurs</th>")
            html.markup("<th scope=\"col\">Restant à revoir</th><th scope=\"col\">Avancement</th></tr></thead>\n")
            html.markup("<tbody>\n")
            for row in organisations {
                html.markup("<tr><th scope=\"row\">")
                html.text(row.name)
                html.markup("</th><td>")
                html.text(row.figures.total)
                html.markup("</td><td>")
                html.text(row.figures.kept)
                html.markup("</td><td>")
                html.text(row.figures.removed)
                html.markup("</td><td>")
                html.text(row.figures.ended)
                html.markup("</td><td>")
                html.text(row.figures.remaining)
                html.markup("</td><td>")
                html.text(row.figures.percent)
                html.markup(" %</td></tr>\n")
            }
            html.markup("</tbody>\n</table>\n</div>\n")
        }
    }
}
