extension SignInPasswordPage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("<h1>Accéder à l’espace Organismes</h1>\n")
            errors.write(to: &html)
            html.markup("<p class=\"identifier\"><strong>")
            html.text(email)
            html.markup("</strong>, rappel de votre identifiant de connexion</p>\n")
            frame.writeFormStart(action: action, to: &html)
            html.markup("<input type=\"hidden\" name=\"email\" value=\"")
            html.attribute(email)
            html.markup("\">\n")
            errors.writeField("password", label: "Entrez votre mot de passe", to: &html) { html in
                html.markup(
                    "<input type=\"password\" id=\"password\" name=\"password\" autocomplete=\"current-password\"")
                errors.writeInvalidState(of: "password", to: &html)
                html.markup(">\n")
            }
            html.markup("<div class=\"actions\"><button type=\"submit\">Se connecter</button></div>\n")
            html.markup(
                "<p class=\"hint\">Par sécurité, votre session se ferme après 30 minutes sans activité, et au plus tard 12 heures après la connexion. Deux minutes avant, si JavaScript est activé, un message vous propose de la prolonger.</p>\n"
            )
            html.markup("</form>\n")
            html.markup("<form method=\"post\" action=\"")
            html.url(backAction)
            html.markup("\" class=\"inline-form\">\n")
            html.markup("<input type=\"hidden\" name=\"_csrf\" value=\"")
            html.attribute(frame.csrfToken)
            html.markup("\">\n")
            html.markup("<input type=\"hidden\" name=\"email\" value=\"")
            html.attribute(email)
            html.markup("\">\n")
            html.markup("<button type=\"submit\" class=\"secondary\">Retour</button>\n")
            html.markup("</form>\n")
            html.markup("<form method=\"post\" action=\"")
            html.url(forgotPasswordAction)
            html.markup("\" class=\"forgot\">\n")
            html.markup("<input type=\"hidden\" name=\"_csrf\" value=\"")
            html.attribute(frame.csrfToken)
            html.markup("\">\n")
            html.markup("<input type=\"hidden\" name=\"email\" value=\"")
            html.attribute(email)
            html.markup("\">\n")
            html.markup(
                "<p><strong>Vous avez oublié votre mot de passe ?</strong> <button type=\"submit\" class=\"link-button\">Cliquez ici pour créer un nouveau mot de passe</button></p>\n"
            )
            html.markup("</form>\n")
        }
    }
}
