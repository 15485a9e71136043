extension OrganisationsPage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("\n")
            html.markup("<h1>Organismes</h1>\n")
            html.markup("<p><a class=\"button\" href=\"")
            html.url(newURL)
            html.markup("\">Ajouter un organisme</a></p>\n")
            html.markup(
                "<div class=\"table-wrapper\" tabindex=\"0\" role=\"region\" aria-label=\"Tableau (défilement horizontal possible)\">\n"
            )
            html.markup("<table>\n")
            html.markup(
                "<caption class=\"visually-hidden\">Organismes, leurs agents et leurs correspondants</caption>\n")
            html.markup(
                "<thead><tr><th scope=\"col\">Organisme</th><th scope=\"col\">Branche</th><th scope=\"col\">Domaines</th><th scope=\"col\">Agents</th><th scope=\"col\">Correspondants</th><th scope=\"col\">Actif</th></tr></thead>\n"
            )
            html.markup("<tbody>\n")
            for row in rows {
                html.markup("<tr><td><a href=\"")
                html.url(row.editURL)
                html.markup("\">")
                html.text(row.name)
                html.markup("</a><br><span class=\"muted\">")
                html.text(row.code)
                html.markup("</span></td><td>")
                html.text(row.branch)
                html.markup("</td><td>")
                html.text(row.domains)
                html.markup("</td><td>")
                html.text(row.agents)
                html.markup("</td><td>")
                html.text(row.correspondents)
                html.markup("</td><td>")
                if row.isActive {
                    html.markup("oui")
                } else {
                    html.markup("non")
                }
                html.markup("</td></tr>\n")
            }
            html.markup("</tbody>\n")
            html.markup("</table>\n")
            html.markup("</div>\n")
        }
    }
}
