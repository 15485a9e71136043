extension ClientsPage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("<h1>Connexion de ")
            html.text(applicationName)
            html.markup(" (OpenID Connect)</h1>\n")
            html.markup(
                "<p>Les clients OpenID Connect permettent à l’application de connecter les agents par l’espace Organismes : seuls les agents habilités à l’application obtiennent un jeton. Émetteur (issuer) : <code>"
            )
            html.text(issuer)
            html.markup("</code>, configuration : <code>")
            html.text(discoveryURL)
            html.markup("</code>.</p>\n")
            html.markup("<p><a class=\"button\" href=\"")
            html.url(newURL)
            html.markup("\">Enregistrer un client</a></p>\n")
            if rows.isEmpty {
                html.markup(
                    "<p>Aucun client n’est enregistré pour cette application : « Accéder à l’application » ouvre simplement son adresse.</p>"
                )
            } else {
                html.markup(
                    "<div class=\"table-wrapper\" tabindex=\"0\" role=\"region\" aria-label=\"Tableau (défilement horizontal possible)\">\n"
                )
                html.markup("<table>\n")
                html.markup("<caption>Clients OpenID Connect de ")
                html.text(applicationName)
                html.markup("</caption>\n")
                html.markup(
                    "<thead><tr><th scope=\"col\">Client</th><th scope=\"col\">Identifiant (client_id)</th><th scope=\"col\">Type</th><th scope=\"col\">Signature</th><th scope=\"col\">Adresses de retour</th></tr></thead>\n"
                )
                html.markup("<tbody>\n")
                for row in rows {
                    html.markup("<tr><td><a href=\"")
                    html.url(row.editURL)
                    html.markup("\">")
                    html.text(row.name)
                    html.markup("</a></td><td><code>")
                    html.text(row.clientID)
                    html.markup("</code></td><td>")
                    html.text(row.kind)
                    html.markup("</td><td>")
                    html.text(row.algorithm)
                    html.markup("</td><td class=\"wrap\">")
                    html.text(row.redirectURIs)
                    html.markup("</td></tr>\n")
                }
                html.markup("</tbody>\n")
                html.markup("</table>\n")
                html.markup("</div>\n")
            }
            html.markup("\n")
            html.markup("<p><a href=\"")
            html.url(applicationURL)
            html.markup("\">Retour à l’application ")
            html.text(applicationName)
            html.markup("</a></p>\n")
        }
    }
}
