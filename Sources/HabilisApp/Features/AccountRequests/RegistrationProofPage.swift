extension RegistrationProofPage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            if let proven = proven {
                html.markup("<h1>Adresse confirmée</h1>\n")
                html.markup(
                    "<div class=\"confirmation\" role=\"status\"><p>Merci. Votre demande a été adressée pour validation "
                )
                html.text(proven)
                html.markup(". Vous recevrez un message en cas d’acceptation ou de refus.</p></div>\n")
            } else if isValid {
                html.markup("<h1>Confirmer votre adresse</h1>\n")
                html.markup("<p>Confirmez que l’adresse <strong>")
                html.text(email)
                html.markup(
                    "</strong> est bien la vôtre pour que votre demande de compte soit adressée pour validation.</p>\n")
                html.markup("<form method=\"post\" action=\"")
                html.url(action)
                html.markup("\">\n")
                html.markup("<input type=\"hidden\" name=\"_csrf\" value=\"")
                html.attribute(frame.csrfToken)
                html.markup("\">\n")
                html.markup("<input type=\"hidden\" name=\"jeton\" value=\"")
                html.attribute(token)
                html.markup("\">\n")
                html.markup("<button type=\"submit\">Confirmer mon adresse</button>\n")
                html.markup("</form>\n")
            } else {
                html.markup("\n")
                html.markup("<h1>Lien expiré</h1>\n")
                html.markup(
                    "<p>Ce lien n’est plus valable : il a déjà servi, a expiré ou a été remplacé par un lien plus récent.</p>\n"
                )
                html.markup("<p><a href=\"")
                html.url(registrationURL)
                html.markup("\">Recommencer ma demande d’accès</a> · <a href=\"")
                html.url(signInURL)
                html.markup("\">Se connecter</a></p>\n")
            }
        }
    }
}
