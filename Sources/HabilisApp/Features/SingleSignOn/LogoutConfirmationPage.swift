extension LogoutConfirmationPage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("<h1>Voulez-vous vous déconnecter ?</h1>\n")
            html.markup("<p>")
            if let applicationName = applicationName {
                html.markup("L’application ")
                html.text(applicationName)
                html.markup(" demande")
            } else {
                html.markup("Une application demande")
            }
            html.markup(
                " la fin de votre session dans l’espace Organismes. Vous serez aussi déconnecté des autres applications ouvertes avec cette session.</p>\n"
            )
            html.markup("<form method=\"post\" action=\"")
            html.url(action)
            html.markup("\">\n")
            html.markup("<input type=\"hidden\" name=\"_csrf\" value=\"")
            html.attribute(frame.csrfToken)
            html.markup("\">\n")
            html.markup("<input type=\"hidden\" name=\"confirmation\" value=\"1\">\n")
            for field in fields {
                html.markup("<input type=\"hidden\" name=\"")
                html.attribute(field.name)
                html.markup("\" value=\"")
                html.attribute(field.value)
                html.markup("\">\n")
            }
            html.markup("<button type=\"submit\">Me déconnecter</button>\n")
            html.markup("</form>\n")
            html.markup("<p><a href=\"")
            html.url(homeURL)
            html.markup("\">Rester connecté et revenir aux applications</a></p>\n")
        }
    }
}
