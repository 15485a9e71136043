extension DoorPage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("<h1>Vous n’avez pas d’habilitation pour l’application ")
            html.text(applicationName)
            html.markup("</h1>\n")
            if let pendingRequestURL = pendingRequestURL {
                html.markup(
                    "<p>Votre demande d’accès est en cours de validation. Sauf refus formel, elle sera acceptée automatiquement le <strong>"
                )
                html.text(automaticAcceptance)
                html.markup("</strong> ; vous pourrez alors vous connecter à l’application.</p>\n")
                html.markup("<p><a href=\"")
                html.url(pendingRequestURL)
                html.markup("\">Suivre ma demande d’accès à l’application ")
                html.text(applicationName)
                html.markup("</a></p>")
            }
            if let requestURL = requestURL {
                html.markup("<p>L’application ")
                html.text(applicationName)
                html.markup(
                    " n’accepte que les agents habilités. Vous pouvez demander l’accès : votre demande sera adressée pour validation.</p>\n"
                )
                html.markup("<p><a class=\"button\" href=\"")
                html.url(requestURL)
                html.markup("\">Demander l’accès à l’application ")
                html.text(applicationName)
                html.markup("</a></p>")
            }
            html.markup("\n")
            html.markup("<p><a href=\"")
            html.url(catalogueURL)
            html.markup("\">Retour aux applications</a></p>\n")
        }
    }
}
