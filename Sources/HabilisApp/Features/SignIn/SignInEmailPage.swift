extension SignInEmailPage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("<h1>Accéder à l’espace Organismes</h1>\n")
            errors.write(to: &html)
            html.markup("\n")
            html.markup("<form method=\"post\" action=\"")
            html.url(action)
            html.markup("\" class=\"form\" novalidate>\n")
            html.markup("<input type=\"hidden\" name=\"_csrf\" value=\"")
            html.attribute(frame.csrfToken)
            html.markup("\">\n")
            html.markup("<div class=\"field")
            if errors["email"] != nil {
                html.markup(" field-error")
            }
            html.markup("\">\n")
            html.markup("<label for=\"email\">Entrez votre adresse <strong>e-mail professionnelle</strong> :</label>\n")
            if let error = errors["email"] {
                html.markup(
                    "<p class=\"error-message\" id=\"email-error\"><span class=\"visually-hidden\">Erreur : </span>")
                html.text(error)
                html.markup("</p>")
            }
            html.markup("\n")
            html.markup("<input type=\"email\" id=\"email\" name=\"email\" value=\"")
            html.attribute(email)
            html.markup("\" autocomplete=\"email\" spellcheck=\"false\" ")
            if errors["email"] != nil {
                html.markup(" aria-invalid=\"true\" aria-describedby=\"email-error\"")
            }
            html.markup(">\n")
            html.markup("</div>\n")
            html.markup("<div class=\"actions\"><button type=\"submit\">Suivant</button></div>\n")
            html.markup("</form>\n")
            html.markup("<p><a href=\"")
            html.url(forgotPasswordURL)
            html.markup("\">Vous avez oublié votre mot de passe ?</a></p>\n")
            html.markup("<h2>Vous n’avez pas encore de compte ?</h2>\n")
            html.markup("<p><a href=\"")
            html.url(registrationURL)
            html.markup("\">Demander un accès à l’espace Organismes</a></p>\n")
        }
    }
}
