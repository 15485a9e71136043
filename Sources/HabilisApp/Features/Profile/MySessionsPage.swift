extension MySessionsPage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("<h1>Mes sessions</h1>\n")
            html.markup(
                "<p>Voici les sessions ouvertes avec votre compte. Si vous ne reconnaissez pas l’une d’elles, fermez-la et changez votre mot de passe dans « Mes coordonnées ».</p>\n"
            )
            html.markup(
                "<div class=\"table-wrapper\" tabindex=\"0\" role=\"region\" aria-label=\"Tableau (défilement horizontal possible)\">\n"
            )
            html.markup("<table>\n")
            html.markup("<caption>Sessions ouvertes avec votre compte</caption>\n")
            html.markup(
                "<thead><tr><th scope=\"col\">Ouverte le</th><th scope=\"col\">Dernière activité</th><th scope=\"col\">Adresse IP</th><th scope=\"col\">Applications connectées</th><th scope=\"col\">Action</th></tr></thead>\n"
            )
            html.markup("<tbody>\n")
            for row in rows {
                html.markup("<tr><td>")
                html.text(row.openedAt)
                html.markup("</td><td>")
                html.text(row.lastSeenAt)
                html.markup("</td><td>")
                html.text(row.ip)
                html.markup("</td><td>")
                html.text(row.applications)
                html.markup("</td><td>")
                if row.isCurrent {
                    html.markup("Cette session")
                } else {
                    html.markup("<form method=\"post\" action=\"")
                    html.url(row.endURL)
                    html.markup("\"><input type=\"hidden\" name=\"_csrf\" value=\"")
                    html.attribute(frame.csrfToken)
                    html.markup("\"><button type=\"submit\" class=\"secondary\">Fermer la session ouverte le ")
                    html.text(row.openedAt)
                    html.markup("</button></form>")
                }
                html.markup("</td></tr>\n")
            }
            html.markup("</tbody>\n")
            html.markup("</table>\n")
            html.markup("</div>\n")
            if rows.count > 1 {
                html.markup("\n")
                html.markup("<form method=\"post\" action=\"")
                html.url(endOthersURL)
                html.markup("\">\n")
                html.markup("<input type=\"hidden\" name=\"_csrf\" value=\"")
                html.attribute(frame.csrfToken)
                html.markup("\">\n")
                html.markup(
                    "<div class=\"actions\"><button type=\"submit\" class=\"danger\">Fermer toutes mes autres sessions</button></div>\n"
                )
                html.markup("</form>\n")
            }
            html.markup(
                "<p class=\"hint\">Une session se ferme d’elle-même après 30 minutes sans activité, et au plus tard 12 heures après son ouverture. Fermer une session vous déconnecte aussi des applications ouvertes avec elle.</p>\n"
            )
        }
    }
}
