extension SecondFactorCodePage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("<h1>Accéder à l’espace Organismes</h1>\n")
            errors.write(to: &html)
            html.markup("\n")
            html.markup("<p>Votre compte est protégé par la double authentification.</p>\n")
            frame.writeFormStart(action: action, to: &html)
            html.markup("<div class=\"field")
            errors.writeErrorClass(of: "code", to: &html)
            html.markup("\">\n")
            html.markup("<label for=\"code\">Code de vérification à 6 chiffres</label>\n")
            html.markup(
                "<p class=\"hint\" id=\"code-hint\">Ouvrez votre application d’authentification et saisissez le code affiché pour l’espace Organismes.</p>\n"
            )
            errors.writeMessage(of: "code", to: &html)
            html.markup("\n")
            html.markup(
                "<input type=\"text\" id=\"code\" name=\"code\" inputmode=\"numeric\" autocomplete=\"one-time-code\" maxlength=\"12\" class=\"short\" aria-describedby=\"code-hint"
            )
            if errors["code"] != nil {
                html.markup(" code-error")
            }
            html.markup("\"")
            if errors["code"] != nil {
                html.markup(" aria-invalid=\"true\"")
            }
            html.markup(">\n")
            html.markup("</div>\n")
            html.markup("<div class=\"actions\"><button type=\"submit\">Valider</button></div>\n")
            html.markup("</form>\n")
            html.markup("<p><a href=\"")
            html.url(restartURL)
            html.markup("\">Recommencer la connexion</a></p>\n")
            html.markup("<p>Vous n’avez plus votre téléphone ? Écrivez à <a href=\"mailto:")
            html.attribute(frame.webmasterEmail)
            html.markup("\">")
            html.text(frame.webmasterEmail)
            html.markup(
                "</a> : un administrateur réinitialisera votre double authentification après avoir vérifié votre identité.</p>\n"
            )
        }
    }
}
