extension AccessRequestConfirmPage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            if renewalOf == nil {
                html.markup("<h1>Demander l’accès à l’application ")
            } else {
                html.markup("<h1>Renouveler votre habilitation à ")
            }
            html.text(applicationName)
            html.markup("</h1>\n")
            errors.write(to: &html)
            html.markup("<p>")
            html.text(summary)
            html.markup("</p>\n")
            if let renewalOf {
                html.markup("<p>Votre habilitation est valable jusqu’au <strong>")
                html.text(renewalOf)
                html.markup(
                    "</strong>. Vous la gardez jusqu’à la décision sur son renouvellement, ou au plus tard jusqu’à cette date.</p>\n"
                )
            }
            html.markup("<div class=\"callout\">\n")
            html.markup("<p>Votre demande sera immédiatement adressée pour validation <strong>")
            html.text(decidersDescription)
            html.markup("</strong>.</p>\n")
            html.markup("<p>Sauf refus formel, elle sera acceptée automatiquement le <strong>")
            html.text(autoAcceptOn)
            html.markup("</strong>. Vous recevrez un message de notification en cas d’acceptation ou de refus.</p>\n")
            html.markup("</div>\n")
            frame.writeFormStart(action: action, to: &html)
            profiles?.write(to: &html, errors: errors)
            html.markup("<div class=\"field")
            errors.writeErrorClass(of: "justification", to: &html)
            html.markup("\">\n")
            html.markup("<label for=\"justification\">Justification (facultative)</label>\n")
            html.markup(
                "<p class=\"hint\" id=\"justification-hint\">Expliquez si besoin pourquoi vous avez besoin de cet accès ("
            )
            html.text(justificationLimit)
            html.markup(" caractères au plus).</p>\n")
            errors.writeMessage(of: "justification", to: &html)
            html.markup("\n")
            html.markup("<textarea id=\"justification\" name=\"justification\" rows=\"4\" aria-describedby=\"")
            if errors["justification"] != nil {
                html.markup("justification-error ")
            }
            html.markup(" justification-hint\"")
            if errors["justification"] != nil {
                html.markup(" aria-invalid=\"true\"")
            }
            html.markup(">")
            html.text(justification)
            html.markup("</textarea>\n")
            html.markup("</div>\n")
            html.markup("<div class=\"actions\"><button type=\"submit\">Envoyer la demande</button> <a href=\"")
            html.url(cancelURL)
            html.markup("\" class=\"button secondary\">Annuler</a></div>\n")
            html.markup("</form>\n")
        }
    }
}
