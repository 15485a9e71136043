extension ApplicationsPage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("\n")
            html.markup("<h1>Applications du catalogue</h1>\n")
            html.markup("<p><a class=\"button\" href=\"")
            html.url(newURL)
            html.markup("\">Ajouter une application</a></p>\n")
            html.markup(
                "<div class=\"table-wrapper\" tabindex=\"0\" role=\"region\" aria-label=\"Tableau (défilement horizontal possible)\">\n"
            )
            html.markup("<table>\n")
            html.markup("<caption class=\"visually-hidden\">Applications, dans l’ordre du catalogue</caption>\n")
            html.markup(
                "<thead><tr><th scope=\"col\">Ordre</th><th scope=\"col\">Application</th><th scope=\"col\">Gestion des accès</th><th scope=\"col\">Active</th></tr></thead>\n"
            )
            html.markup("<tbody>\n")
            for row in rows {
                html.markup("<tr><td>")
                html.text(row.position)
                html.markup("</td><td><a href=\"")
                html.url(row.editURL)
                html.markup("\">")
                html.text(row.name)
                html.markup("</a><br><span class=\"muted\">")
                html.text(row.code)
                html.markup("</span></td><td>")
                html.text(row.mode)
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
