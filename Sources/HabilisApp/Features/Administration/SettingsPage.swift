extension SettingsPage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("<h1>Paramètres</h1>\n")
            html.markup(
                "<p>Ces paramètres s’appliquent sans redémarrage, sur toutes les instances, dans les secondes qui suivent. Chaque demande garde la date d’acceptation automatique calculée lors de sa création.</p>\n"
            )
            errors.write(to: &html)
            html.markup("\n")
            html.markup("<form method=\"post\" action=\"")
            html.url(action)
            html.markup("\" class=\"form\" novalidate>\n")
            html.markup("<input type=\"hidden\" name=\"_csrf\" value=\"")
            html.attribute(frame.csrfToken)
            html.markup("\">\n")
            html.markup("<div class=\"field")
            if errors["delai"] != nil {
                html.markup(" field-error")
            }
            html.markup("\">\n")
            html.markup(
                "<label for=\"delai\">Délai d’acceptation automatique des demandes d’habilitation (jours)</label>\n")
            if let error = errors["delai"] {
                html.markup(
                    "<p class=\"error-message\" id=\"delai-error\"><span class=\"visually-hidden\">Erreur : </span>")
                html.text(error)
                html.markup("</p>")
            }
            html.markup("\n")
            html.markup("<input type=\"text\" inputmode=\"numeric\" id=\"delai\" name=\"delai\" value=\"")
            html.attribute(form.delai)
            html.markup("\"")
            if errors["delai"] != nil {
                html.markup(" aria-invalid=\"true\" aria-describedby=\"delai-error\"")
            }
            html.markup(">\n")
            html.markup("</div>\n")
            html.markup("<div class=\"field")
            if errors["rappel"] != nil {
                html.markup(" field-error")
            }
            html.markup("\">\n")
            html.markup("<label for=\"rappel\">Rappel aux valideurs (jours avant l’acceptation automatique)</label>\n")
            if let error = errors["rappel"] {
                html.markup(
                    "<p class=\"error-message\" id=\"rappel-error\"><span class=\"visually-hidden\">Erreur : </span>")
                html.text(error)
                html.markup("</p>")
            }
            html.markup("\n")
            html.markup("<input type=\"text\" inputmode=\"numeric\" id=\"rappel\" name=\"rappel\" value=\"")
            html.attribute(form.rappel)
            html.markup("\"")
            if errors["rappel"] != nil {
                html.markup(" aria-invalid=\"true\" aria-describedby=\"rappel-error\"")
            }
            html.markup(">\n")
            html.markup("</div>\n")
            html.markup("<div class=\"field")
            if errors["webmaster"] != nil {
                html.markup(" field-error")
            }
            html.markup("\">\n")
            html.markup("<label for=\"webmaster\">Adresse du webmestre (pied de page)</label>\n")
            if let error = errors["webmaster"] {
                html.markup(
                    "<p class=\"error-message\" id=\"webmaster-error\"><span class=\"visually-hidden\">Erreur : </span>"
                )
                html.text(error)
                html.markup("</p>")
            }
            html.markup("\n")
            html.markup("<input type=\"email\" id=\"webmaster\" name=\"webmaster\" value=\"")
            html.attribute(form.webmaster)
            html.markup("\"")
            if errors["webmaster"] != nil {
                html.markup(" aria-invalid=\"true\" aria-describedby=\"webmaster-error\"")
            }
            html.markup(">\n")
            html.markup("</div>\n")
            html.markup("<div class=\"field")
            if errors["contactAdd"] != nil {
                html.markup(" field-error")
            }
            html.markup("\">\n")
            html.markup("<label for=\"contactAdd\">Adresse de contact pour les Agents de Direction</label>\n")
            if let error = errors["contactAdd"] {
                html.markup(
                    "<p class=\"error-message\" id=\"contactAdd-error\"><span class=\"visually-hidden\">Erreur : </span>"
                )
                html.text(error)
                html.markup("</p>")
            }
            html.markup("\n")
            html.markup("<input type=\"email\" id=\"contactAdd\" name=\"contactAdd\" value=\"")
            html.attribute(form.contactAdd)
            html.markup("\"")
            if errors["contactAdd"] != nil {
                html.markup(" aria-invalid=\"true\" aria-describedby=\"contactAdd-error\"")
            }
            html.markup(">\n")
            html.markup("</div>\n")
            html.markup("<div class=\"actions\"><button type=\"submit\">Enregistrer les paramètres</button></div>\n")
            html.markup("</form>\n")
        }
    }
}
