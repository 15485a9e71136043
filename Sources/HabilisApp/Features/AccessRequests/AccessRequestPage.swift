extension AccessRequestPage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("<h1>Demande d’accès à ")
            html.text(applicationName)
            html.markup("</h1>\n")
            if justSent {
                html.markup(
                    "<div class=\"confirmation\" role=\"status\"><p>Votre demande a été adressée pour validation ")
                html.text(decidersDescription)
                html.markup(".</p><p>Sauf refus formel, elle sera acceptée automatiquement le <strong>")
                html.text(autoAcceptOn)
                html.markup(
                    "</strong>. Vous recevrez un message de notification en cas d’acceptation ou de refus.</p></div>")
            }
            html.markup("<dl class=\"summary\">\n")
            html.markup("<dt>Application</dt><dd>")
            html.text(applicationName)
            html.markup("</dd>\n")
            if let profileLabel {
                html.markup("<dt>Profil</dt><dd>")
                html.text(profileLabel)
                html.markup("</dd>\n")
            }
            html.markup("<dt>Date de la demande</dt><dd>")
            html.text(createdOn)
            html.markup("</dd>\n")
            html.markup("<dt>Statut</dt><dd>")
            html.text(statusLabel)
            html.markup("</dd>\n")
            if isPending {
                html.markup("<dt>Validation</dt><dd>")
                html.text(decidersDescription)
                html.markup("</dd>\n")
                html.markup("<dt>Acceptation automatique</dt><dd>le ")
                html.text(autoAcceptOn)
                html.markup(", sauf refus formel</dd>")
            }
            if let justification = justification {
                html.markup("<dt>Justification</dt><dd class=\"multiline\">")
                html.text(justification)
                html.markup("</dd>")
            }
            if let decidedOn = decidedOn {
                html.markup("<dt>Décision</dt><dd>le ")
                html.text(decidedOn)
                if let decidedBy = decidedBy {
                    html.markup(" par ")
                    html.text(decidedBy)
                }
                html.markup("</dd>")
            }
            if let refusalReason = refusalReason {
                html.markup("<dt>Motif du refus</dt><dd class=\"multiline\">")
                html.text(refusalReason)
                html.markup("</dd>")
            }
            html.markup("</dl>\n")
            if isPending {
                html.markup("\n")
                html.markup("<form method=\"post\" action=\"")
                html.url(cancelURL)
                html.markup("\">\n")
                html.markup("<input type=\"hidden\" name=\"_csrf\" value=\"")
                html.attribute(frame.csrfToken)
                html.markup("\">\n")
                html.markup("<button type=\"submit\" class=\"secondary\">Annuler ma demande</button>\n")
                html.markup("</form>\n")
            }
            html.markup("\n")
            html.markup("<p><a href=\"")
            html.url(catalogueURL)
            html.markup("\">Retour aux applications</a> · <a href=\"")
            html.url(historyURL)
            html.markup("\">Historique de mes demandes</a></p>\n")
        }
    }
}
