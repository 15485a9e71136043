extension RequestToDecidePage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("<h1>Demande de ")
            html.text(row.agentName)
            html.markup("</h1>\n")
            errors.write(to: &html)
            html.markup("\n")
            html.markup("<dl class=\"summary\">\n")
            html.markup("<dt>Agent</dt><dd><a href=\"")
            html.url(agentURL)
            html.markup("\">")
            html.text(row.agentName)
            html.markup("</a></dd>\n")
            html.markup("<dt>Organisme</dt><dd>")
            html.text(row.organisationName)
            html.markup("</dd>\n")
            html.markup("<dt>Application</dt><dd>")
            html.text(row.applicationName)
            html.markup("</dd>\n")
            if let profileChange {
                html.markup("<dt>Nature</dt><dd>Changement de profil : détient ")
                html.text(profileChange)
                html.markup("</dd>\n")
            }
            if let renewalOf {
                html.markup("<dt>Nature</dt><dd>Renouvellement")
                if !renewalOf.isEmpty {
                    html.markup(" d’une habilitation valable jusqu’au ")
                    html.text(renewalOf)
                }
                html.markup("</dd>\n")
            }
            html.markup("<dt>Demandée le</dt><dd>")
            html.text(row.createdOn)
            html.markup("</dd>\n")
            html.markup("<dt>Acceptation automatique</dt><dd>")
            html.text(row.autoAcceptOn)
            html.markup(" (")
            html.text(row.daysLeftLabel)
            html.markup(")</dd>\n")
            html.markup("<dt>Justification</dt><dd class=\"multiline\">")
            if let justification = row.justification {
                html.text(justification)
            } else {
                html.markup("—")
            }
            html.markup("</dd>\n")
            html.markup("</dl>\n")
            frame.writeFormStart(action: action, to: &html)
            errors.writeField("motif", label: "Motif du refus (obligatoire pour refuser)", to: &html) { html in
                html.markup("<textarea id=\"motif\" name=\"motif\" rows=\"3\"")
                errors.writeInvalidState(of: "motif", to: &html)
                html.markup(">")
                html.text(reason)
                html.markup("</textarea>\n")
            }
            if let latestEnd {
                errors.writeField(
                    "fin", label: "Fin de validité de l’habilitation, si vous l’acceptez (facultatif)", to: &html
                ) { html in
                    html.markup("<p class=\"hint\" id=\"fin-hint\">Au plus tard le ")
                    html.text(RightValidity.lastDay(of: latestEnd))
                    html.markup(
                        " (durée maximale de l’application) ; laissez vide pour l’accorder jusqu’à cette date.</p>\n")
                    html.markup("<input type=\"date\" id=\"fin\" name=\"fin\" max=\"")
                    html.attribute(RightValidity.inputValue(of: latestEnd))
                    html.markup("\" value=\"")
                    html.attribute(chosenEnd)
                    html.markup("\"")
                    if errors["fin"] != nil {
                        html.markup(" aria-invalid=\"true\" aria-describedby=\"fin-error fin-hint\"")
                    } else {
                        html.markup(" aria-describedby=\"fin-hint\"")
                    }
                    html.markup(">\n")
                }
            }
            if let error = errors["decision"] {
                html.markup("<p class=\"error-message\" id=\"decision\">")
                html.text(error)
                html.markup("</p>")
            }
            html.markup("\n")
            html.markup("<div class=\"actions\">\n")
            html.markup("<button type=\"submit\" name=\"decision\" value=\"accepter\">Accepter la demande</button>\n")
            html.markup(
                "<button type=\"submit\" name=\"decision\" value=\"refuser\" class=\"danger\">Refuser la demande</button>\n"
            )
            html.markup("</div>\n")
            html.markup("</form>\n")
            html.markup("<p><a href=\"")
            html.url(queueURL)
            html.markup("\">Retour aux demandes à traiter</a></p>\n")
        }
    }
}
