extension RegistrationEmailPage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("<h1>Demander un accès à l’espace Organismes</h1>\n")
            html.markup(
                "<p>Si vous ne disposez pas déjà d’un compte d’accès, vous pouvez formuler une demande de création de compte. Votre demande sera adressée pour validation à un correspondant local dans votre organisme (ou à un administrateur de l’Ucanss si votre organisme ne dispose pas de correspondant local).</p>\n"
            )
            errors.write(to: &html)
            html.markup("\n")
            frame.writeFormStart(action: action, to: &html)
            errors.writeInputField(
                "email", label: "Entrez votre e-mail professionnel qui vous servira d’identifiant de connexion",
                type: "email", value: email, attributes: " autocomplete=\"email\" spellcheck=\"false\"", to: &html)
            html.markup("<div class=\"actions\"><button type=\"submit\">Suivant</button></div>\n")
            html.markup("</form>\n")
            html.markup("<p>Vous avez déjà un compte ? <a href=\"/connexion\">Se connecter</a> — <a href=\"")
            html.url(forgotPasswordURL)
            html.markup("\">mot de passe oublié</a></p>\n")
        }
    }
}
