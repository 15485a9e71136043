extension ForgotPasswordPage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("<h1>Créer un nouveau mot de passe</h1>\n")
            if sent {
                html.markup("<div class=\"confirmation\" role=\"status\">\n")
                html.markup("<p>Si un compte actif correspond à l’adresse <strong>")
                html.text(email)
                html.markup(
                    "</strong>, un message vient d’y être envoyé avec un lien pour créer un nouveau mot de passe.</p>\n"
                )
                html.markup("<p>Ce lien est valable ")
                html.text(validMinutes)
                html.markup(" minutes et ne sert qu’une fois. Pensez à regarder dans vos courriers indésirables.</p>\n")
                html.markup("</div>\n")
                html.markup("<p><a href=\"/connexion\">Retour à la connexion</a></p>\n")
            } else {
                errors.write(to: &html)
                html.markup("\n")
                html.markup(
                    "<p>Entrez d’abord votre adresse e-mail qui vous sert d’identifiant de connexion : nous vous enverrons un lien pour créer un nouveau mot de passe.</p>\n"
                )
                frame.writeFormStart(action: action, to: &html)
                errors.writeInputField(
                    "email", label: "Adresse e-mail professionnelle", type: "email", value: email,
                    attributes: " autocomplete=\"email\" spellcheck=\"false\" ", to: &html)
                html.markup("<div class=\"actions\"><button type=\"submit\">Recevoir le lien</button></div>\n")
                html.markup("</form>\n")
                html.markup("<p><a href=\"/connexion\">Retour à la connexion</a></p>\n")
            }
        }
    }
}
