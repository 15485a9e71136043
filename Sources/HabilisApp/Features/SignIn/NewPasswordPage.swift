extension NewPasswordPage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("<h1>Choisir un nouveau mot de passe</h1>\n")
            if linkIsValid {
                errors.write(to: &html)
                html.markup("<p id=\"password-rule\">Votre mot de passe doit contenir de ")
                html.text(minimumLength)
                html.markup(" à ")
                html.text(maximumLength)
                html.markup(
                    " caractères, de tout type. Une phrase de plusieurs mots est une bonne idée. Il ne doit pas être trop courant ni contenir votre nom, votre adresse e-mail ou le nom de votre organisme.</p>\n"
                )
                frame.writeFormStart(action: action, to: &html)
                html.markup("<input type=\"hidden\" name=\"jeton\" value=\"")
                html.attribute(token)
                html.markup("\">\n")
                errors.writeNewPasswordFields(
                    password: "Nouveau mot de passe", confirmation: "Confirmez le nouveau mot de passe", to: &html)
                html.markup(
                    "<div class=\"actions\"><button type=\"submit\">Enregistrer le mot de passe</button></div>\n")
                html.markup("</form>\n")
            } else {
                html.markup("\n")
                html.markup(
                    "<p>Ce lien n’est plus valable : il a déjà servi, a expiré ou a été remplacé par un lien plus récent.</p>\n"
                )
                html.markup("<p><a href=\"")
                html.url(forgotPasswordURL)
                html.markup("\">Demander un nouveau lien</a></p>\n")
            }
        }
    }
}
