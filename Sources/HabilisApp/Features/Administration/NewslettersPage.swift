extension NewslettersPage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("\n")
            html.markup("<h1>Lettres d’information</h1>\n")
            html.markup("<p><a class=\"button\" href=\"")
            html.url(newURL)
            html.markup("\">Ajouter une lettre</a></p>\n")
            html.markup(
                "<div class=\"table-wrapper\" tabindex=\"0\" role=\"region\" aria-label=\"Tableau (défilement horizontal possible)\">\n"
            )
            html.markup("<table>\n")
            html.markup("<caption class=\"visually-hidden\">Lettres d’information et leurs abonnés</caption>\n")
            html.markup(
                "<thead><tr><th scope=\"col\">Lettre</th><th scope=\"col\">Abonnés</th><th scope=\"col\">Export</th></tr></thead>\n"
            )
            html.markup("<tbody>\n")
            for row in rows {
                html.markup("<tr><td><a href=\"")
                html.url(row.editURL)
                html.markup("\">")
                html.text(row.title)
                html.markup("</a>")
                if !row.isActive {
                    html.markup(" (masquée)")
                }
                html.markup("</td><td>")
                html.text(row.subscribers)
                html.markup("</td><td><a href=\"")
                html.url(row.exportURL)
                html.markup("\">Exporter les abonnés de « ")
                html.text(row.title)
                html.markup(" » (CSV)</a></td></tr>\n")
            }
            html.markup("</tbody>\n")
            html.markup("</table>\n")
            html.markup("</div>\n")
        }
    }
}
