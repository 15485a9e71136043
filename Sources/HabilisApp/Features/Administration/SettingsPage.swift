extension SettingsPage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("<h1>Paramètres</h1>\n")
            html.markup(
                "<p>Ces paramètres s’appliquent sans redémarrage, sur toutes les instances, dans les secondes qui suivent. Chaque demande garde la date d’acceptation automatique calculée lors de sa création.</p>\n"
            )
            errors.write(to: &html)
            html.markup("\n")
            frame.writeFormStart(action: action, to: &html)
            errors.writeField(
                "delai", label: "Délai d’acceptation automatique des demandes d’habilitation (jours)", to: &html
            ) { html in
                html.markup("<input type=\"text\" inputmode=\"numeric\" id=\"delai\" name=\"delai\" value=\"")
                html.attribute(form.delai)
                html.markup("\"")
                errors.writeInvalidState(of: "delai", to: &html)
                html.markup(">\n")
            }
            errors.writeField(
                "rappel", label: "Rappel aux valideurs (jours avant l’acceptation automatique)", to: &html
            ) { html in
                html.markup("<input type=\"text\" inputmode=\"numeric\" id=\"rappel\" name=\"rappel\" value=\"")
                html.attribute(form.rappel)
                html.markup("\"")
                errors.writeInvalidState(of: "rappel", to: &html)
                html.markup(">\n")
            }
            errors.writeInputField(
                "webmaster", label: "Adresse du webmestre (pied de page)", type: "email", value: form.webmaster,
                to: &html)
            errors.writeInputField(
                "contactAdd", label: "Adresse de contact pour les Agents de Direction", type: "email",
                value: form.contactAdd, to: &html)
            html.markup("<div class=\"actions\"><button type=\"submit\">Enregistrer les paramètres</button></div>\n")
            html.markup("</form>\n")
        }
    }
}
