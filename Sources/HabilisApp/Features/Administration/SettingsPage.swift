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
            errors.writeInputField(
                "delai", label: "Délai d’acceptation automatique des demandes d’habilitation (jours)", numeric: true,
                value: form.delai, to: &html)
            errors.writeInputField(
                "rappel", label: "Rappel aux valideurs (jours avant l’acceptation automatique)", numeric: true,
                value: form.rappel, to: &html)
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
