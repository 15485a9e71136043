extension AgentListPage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("<h1>")
            html.text(heading)
            html.markup("</h1>\n")
            html.markup("<form method=\"get\" action=\"")
            html.url(action)
            html.markup("\" class=\"form search\" role=\"search\">\n")
            html.markup("<div class=\"field\"><label for=\"q\">Rechercher par nom ou adresse e-mail</label>\n")
            html.markup("<input type=\"search\" id=\"q\" name=\"q\" value=\"")
            html.attribute(query)
            html.markup("\"></div>\n")
            html.markup("<div class=\"actions\"><button type=\"submit\">Rechercher</button></div>\n")
            html.markup("</form>\n")
            html.markup("<p>")
            html.text(pagination.total)
            html.markup(" compte(s).</p>\n")
            if !rows.isEmpty {
                html.markup(
                    "<div class=\"table-wrapper\" tabindex=\"0\" role=\"region\" aria-label=\"Tableau (défilement horizontal possible)\">\n"
                )
                html.markup("<table>\n")
                html.markup("<caption class=\"visually-hidden\">Comptes trouvés</caption>\n")
                html.markup(
                    "<thead><tr><th scope=\"col\">Nom</th><th scope=\"col\">E-mail</th><th scope=\"col\">Organisme</th><th scope=\"col\">Statut</th><th scope=\"col\">Habilitations</th></tr></thead>\n"
                )
                html.markup("<tbody>\n")
                for row in rows {
                    html.markup("<tr><td><a href=\"")
                    html.url(row.url)
                    html.markup("\">")
                    html.text(row.name)
                    html.markup("</a></td><td>")
                    html.text(row.email)
                    html.markup("</td><td>")
                    html.text(row.organisationName)
                    html.markup("</td><td>")
                    html.text(row.status)
                    html.markup("</td><td class=\"wrap\">")
                    html.text(row.rights)
                    html.markup("</td></tr>\n")
                }
                html.markup("</tbody>\n")
                html.markup("</table>\n")
                html.markup("</div>\n")
                pagination.write(to: &html)
            }
        }
    }
}
