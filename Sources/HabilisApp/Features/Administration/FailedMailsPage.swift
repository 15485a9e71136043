extension FailedMailsPage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("<h1>Courriels en échec</h1>\n")
            html.markup(
                "<p>Ces courriels n’ont pas pu être envoyés après plusieurs tentatives espacées. Corrigez la cause (adresse, serveur de messagerie) puis renvoyez-les.</p>\n"
            )
            if rows.isEmpty {
                html.markup("<p>Aucun courriel en échec.</p>")
            } else {
                html.markup(
                    "<div class=\"table-wrapper\" tabindex=\"0\" role=\"region\" aria-label=\"Tableau (défilement horizontal possible)\">\n"
                )
                html.markup("<table>\n")
                html.markup("<caption>Courriels en échec, du plus récent au plus ancien (")
                html.text(pagination.total)
                html.markup(")</caption>\n")
                html.markup(
                    "<thead><tr><th scope=\"col\">Destinataire</th><th scope=\"col\">Objet</th><th scope=\"col\">Créé le</th><th scope=\"col\">Tentatives</th><th scope=\"col\">Dernière erreur</th><th scope=\"col\">Action</th></tr></thead>\n"
                )
                html.markup("<tbody>\n")
                for row in rows {
                    html.markup("<tr><td class=\"wrap\">")
                    html.text(row.recipient)
                    html.markup("</td><td>")
                    html.text(row.subject)
                    html.markup("</td><td>")
                    html.text(row.createdAt)
                    html.markup("</td><td>")
                    html.text(row.attempts)
                    html.markup("</td><td class=\"wrap\">")
                    html.text(row.lastError)
                    html.markup("</td><td><form method=\"post\" action=\"")
                    html.url(row.retryURL)
                    html.markup("\"><input type=\"hidden\" name=\"_csrf\" value=\"")
                    html.attribute(frame.csrfToken)
                    html.markup("\"><button type=\"submit\" class=\"secondary\">Renvoyer le courriel « ")
                    html.text(row.subject)
                    html.markup(" » à ")
                    html.text(row.recipient)
                    html.markup("</button></form></td></tr>\n")
                }
                html.markup("</tbody>\n")
                html.markup("</table>\n")
                html.markup("</div>\n")
                pagination.write(to: &html)
            }
            html.markup("<h2>Déconnexions d’applications en échec</h2>\n")
            html.markup(
                "<p>Ces applications n’ont pas accepté l’avis de déconnexion (back-channel logout) envoyé quand une session, une habilitation ou un compte a pris fin : leur propre session peut durer jusqu’à son expiration. Vérifiez l’adresse de déconnexion du client.</p>\n"
            )
            if failedLogouts.isEmpty {
                html.markup("<p>Aucune déconnexion en échec.</p>")
            } else {
                html.markup(
                    "<div class=\"table-wrapper\" tabindex=\"0\" role=\"region\" aria-label=\"Tableau (défilement horizontal possible)\">\n"
                )
                html.markup("<table>\n")
                html.markup(
                    "<caption>Déconnexions d’applications en échec, de la plus récente à la plus ancienne</caption>\n")
                html.markup(
                    "<thead><tr><th scope=\"col\">Application</th><th scope=\"col\">Client</th><th scope=\"col\">Adresse de déconnexion</th><th scope=\"col\">Créée le</th><th scope=\"col\">Tentatives</th><th scope=\"col\">Dernière erreur</th></tr></thead>\n"
                )
                html.markup("<tbody>\n")
                for row in failedLogouts {
                    html.markup("<tr><td>")
                    html.text(row.application)
                    html.markup("</td><td>")
                    html.text(row.client)
                    html.markup("</td><td class=\"wrap\">")
                    html.text(row.uri)
                    html.markup("</td><td>")
                    html.text(row.createdAt)
                    html.markup("</td><td>")
                    html.text(row.attempts)
                    html.markup("</td><td class=\"wrap\">")
                    html.text(row.lastError)
                    html.markup("</td></tr>\n")
                }
                html.markup("</tbody>\n")
                html.markup("</table>\n")
                html.markup("</div>\n")
            }
        }
    }
}
