extension SignInEmailPage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("<h1>Accéder à l’espace Organismes</h1>\n")
            errors.write(to: &html)
            html.markup("\n")
            frame.writeFormStart(action: action, to: &html)
            errors.writeInputField(
                "email", label: "Entrez votre adresse <strong>e-mail professionnelle</strong> :", type: "email",
                value: email, attributes: " autocomplete=\"email\" spellcheck=\"false\" ", to: &html)
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
