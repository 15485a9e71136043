extension EmailChangePage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            if done == true {
                html.markup("<h1>Adresse confirmée</h1>\n")
                html.markup(
                    "<div class=\"confirmation\" role=\"status\"><p>Votre nouvelle adresse est désormais votre identifiant de connexion.</p></div>\n"
                )
                html.markup("<p><a href=\"/\">Retour à l’espace Organismes</a></p>\n")
            } else if isValid {
                html.markup("<h1>Confirmer votre nouvelle adresse</h1>\n")
                html.markup("<p>Confirmez que vous voulez désormais vous connecter avec l’adresse <strong>")
                html.text(newEmail)
                html.markup("</strong>.</p>\n")
                html.markup("<form method=\"post\" action=\"")
                html.url(action)
                html.markup("\">\n")
                html.markup("<input type=\"hidden\" name=\"_csrf\" value=\"")
                html.attribute(frame.csrfToken)
                html.markup("\">\n")
                html.markup("<input type=\"hidden\" name=\"jeton\" value=\"")
                html.attribute(token)
                html.markup("\">\n")
                html.markup("<button type=\"submit\">Confirmer ma nouvelle adresse</button>\n")
                html.markup("</form>\n")
            } else {
                html.markup("<h1>Lien expiré</h1>\n")
                html.markup(
                    "<p>Ce lien n’est plus valable : il a déjà servi, a expiré, a été remplacé par une demande plus récente, ou l’adresse n’est plus disponible.</p>\n"
                )
                html.markup("<p><a href=\"/mes-informations/coordonnees\">Retour à mes coordonnées</a></p>\n")
            }
        }
    }
}
