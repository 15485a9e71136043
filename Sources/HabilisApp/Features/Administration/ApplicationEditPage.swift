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
            html.markup("<form method=\"post\" action=\"")
            html.url(action)
            html.markup("\" class=\"form\" novalidate>\n")
            html.markup("<input type=\"hidden\" name=\"_csrf\" value=\"")
            html.attribute(frame.csrfToken)
            html.markup("\">\n")
            if confirmation != nil {
                html.markup("<input type=\"hidden\" name=\"confirm\" value=\"1\">")
            }
            html.markup("\n")
            html.markup("<div class=\"field")
            errors.writeErrorClass(of: "code", to: &html)
            html.markup("\">\n")
            html.markup("<label for=\"code\">Code</label>\n")
            errors.writeMessage(of: "code", to: &html)
            html.markup("\n")
            html.markup("<input type=\"text\" id=\"code\" name=\"code\" value=\"")
            html.attribute(form.code)
            html.markup("\"")
            errors.writeInvalidState(of: "code", to: &html)
            html.markup(">\n")
            html.markup("</div>\n")
            html.markup("<div class=\"field")
            errors.writeErrorClass(of: "name", to: &html)
            html.markup("\">\n")
            html.markup("<label for=\"name\">Nom</label>\n")
            errors.writeMessage(of: "name", to: &html)
            html.markup("\n")
            html.markup("<input type=\"text\" id=\"name\" name=\"name\" value=\"")
            html.attribute(form.name)
            html.markup("\"")
            errors.writeInvalidState(of: "name", to: &html)
            html.markup(">\n")
            html.markup("</div>\n")
            html.markup("<div class=\"field")
            errors.writeErrorClass(of: "summary", to: &html)
            html.markup("\">\n")
            html.markup("<label for=\"summary\">Description</label>\n")
            errors.writeMessage(of: "summary", to: &html)
            html.markup("\n")
            html.markup("<textarea id=\"summary\" name=\"summary\" rows=\"3\"")
            errors.writeInvalidState(of: "summary", to: &html)
            html.markup(">")
            html.text(form.summary)
            html.markup("</textarea>\n")
            html.markup("</div>\n")
            html.markup("<div class=\"field")
            errors.writeErrorClass(of: "launchURL", to: &html)
            html.markup("\">\n")
            html.markup("<label for=\"launchURL\">Adresse de l’application</label>\n")
            errors.writeMessage(of: "launchURL", to: &html)
            html.markup("\n")
            html.markup("<input type=\"url\" id=\"launchURL\" name=\"launchURL\" value=\"")
            html.attribute(form.launchURL)
            html.markup("\"")
            errors.writeInvalidState(of: "launchURL", to: &html)
            html.markup(">\n")
            html.markup("</div>\n")
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
            html.markup("<div class=\"field")
            errors.writeErrorClass(of: "position", to: &html)
            html.markup("\">\n")
            html.markup("<label for=\"position\">Ordre dans le catalogue</label>\n")
            errors.writeMessage(of: "position", to: &html)
            html.markup("\n")
            html.markup("<input type=\"text\" inputmode=\"numeric\" id=\"position\" name=\"position\" value=\"")
            html.attribute(form.position)
            html.markup("\"")
            errors.writeInvalidState(of: "position", to: &html)
            html.markup(">\n")
            html.markup("</div>\n")
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
            if let clientsURL = clientsURL {
                html.markup("<p><a href=\"")
                html.url(clientsURL)
                html.markup("\">Connexion des applications (OpenID Connect)</a></p>")
            }
        }
    }
}
