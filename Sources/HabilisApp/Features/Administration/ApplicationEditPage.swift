extension ApplicationEditPage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("<h1>")
            if let name = form.name {
                html.text(name)
            } else {
                html.markup("Nouvelle application")
            }
            html.markup("</h1>\n")
            errors.write(to: &html)
            if let confirmation = confirmation {
                html.markup("<div class=\"warning-box\" role=\"alert\"><p>")
                html.text(confirmation)
                html.markup("</p></div>")
            }
            html.markup("\n")
            frame.writeFormStart(action: action, to: &html)
            if confirmation != nil {
                html.markup("<input type=\"hidden\" name=\"confirm\" value=\"1\">")
            }
            html.markup("\n")
            errors.writeInputField("code", label: "Code", value: form.code, to: &html)
            errors.writeInputField("name", label: "Nom", value: form.name, to: &html)
            errors.writeField("summary", label: "Description", to: &html) { html in
                html.markup("<textarea id=\"summary\" name=\"summary\" rows=\"3\"")
                errors.writeInvalidState(of: "summary", to: &html)
                html.markup(">")
                html.text(form.summary)
                html.markup("</textarea>\n")
            }
            errors.writeInputField(
                "launchURL", label: "Adresse de l’application", type: "url", value: form.launchURL, to: &html)
            html.markup("<fieldset id=\"mode\" class=\"")
            if errors["mode"] != nil {
                html.markup("field-error")
            }
            html.markup("\">\n")
            html.markup("<legend>Qui décide des demandes d’accès ?</legend>\n")
            errors.writeMessage(of: "mode", to: &html)
            html.markup("\n")
            html.markup("<p><input type=\"radio\" id=\"mode-local\" name=\"mode\" value=\"local\"")
            if form.mode == "local" {
                html.markup(" checked")
            }
            html.markup(
                "> <label for=\"mode-local\" class=\"inline\">Les correspondants locaux de l’organisme du demandeur</label></p>\n"
            )
            html.markup("<p><input type=\"radio\" id=\"mode-central\" name=\"mode\" value=\"central\"")
            if form.mode == "central" {
                html.markup(" checked")
            }
            html.markup("> <label for=\"mode-central\" class=\"inline\">Les administrateurs de l’UCANSS</label></p>\n")
            html.markup("</fieldset>\n")
            errors.writeInputField(
                "position", label: "Ordre dans le catalogue", numeric: true, value: form.position, to: &html)
            errors.writeInputField(
                "validity",
                label:
                    "Durée maximale des habilitations, en mois (facultatif : vide, les habilitations n’expirent pas)",
                numeric: true, value: form.validity, to: &html)
            html.markup("<div class=\"field\"><input type=\"checkbox\" id=\"active\" name=\"active\" value=\"1\"")
            if form.active == "1" {
                html.markup(" checked")
            }
            html.markup(
                "> <label for=\"active\" class=\"inline\">Application active (visible dans le catalogue)</label></div>\n"
            )
            html.markup("<div class=\"actions\"><button type=\"submit\">")
            if confirmation != nil {
                html.markup("Confirmer et réadresser les demandes")
            } else {
                html.markup("Enregistrer")
            }
            html.markup("</button> <a class=\"button secondary\" href=\"")
            html.url(listURL)
            html.markup("\">Annuler</a></div>\n")
            html.markup("</form>\n")
            if let profilesURL {
                html.markup("<p><a href=\"")
                html.url(profilesURL)
                html.markup("\">Profils de l’application</a></p>\n")
            }
            if let clientsURL = clientsURL {
                html.markup("<p><a href=\"")
                html.url(clientsURL)
                html.markup("\">Connexion des applications (OpenID Connect)</a> · <a href=\"")
                html.url(Paths.adminIntegrations)
                html.markup("\">Accès machine et événements</a></p>")
            }
        }
    }
}
