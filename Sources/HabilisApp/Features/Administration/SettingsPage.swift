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
            html.markup("<fieldset id=\"decompte\">\n<legend>Décompte des délais</legend>\n")
            errors.writeMessage(of: "decompte", to: &html)
            html.markup("<p><input type=\"radio\" id=\"decompte-calendar\" name=\"decompte\" value=\"calendar\"")
            if form.decompte == DayCounting.calendar.rawValue { html.markup(" checked") }
            html.markup("> <label class=\"inline\" for=\"decompte-calendar\">Jours calendaires</label></p>\n")
            html.markup("<p><input type=\"radio\" id=\"decompte-working\" name=\"decompte\" value=\"working\"")
            if form.decompte == DayCounting.working.rawValue { html.markup(" checked") }
            html.markup("> <label class=\"inline\" for=\"decompte-working\">Jours ouvrés (du lundi au vendredi, ")
            html.markup("hors jours fériés ; Vendredi saint et 26 décembre en plus pour les organismes ")
            html.markup("d’Alsace-Moselle)</label></p>\n</fieldset>\n")
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
