extension FAQListPage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("\n")
            html.markup("<h1>Foire aux questions — administration</h1>\n")
            html.markup("<p><a class=\"button\" href=\"")
            html.url(newURL)
            html.markup("\">Ajouter une question</a></p>\n")
            html.markup(
                "<div class=\"table-wrapper\" tabindex=\"0\" role=\"region\" aria-label=\"Tableau (défilement horizontal possible)\">\n"
            )
            html.markup("<table>\n")
            html.markup("<caption class=\"visually-hidden\">Questions de la foire aux questions</caption>\n")
            html.markup(
                "<thead><tr><th scope=\"col\">Ordre</th><th scope=\"col\">Question</th><th scope=\"col\">Publiée</th></tr></thead>\n"
            )
            html.markup("<tbody>\n")
            for entry in entries {
                html.markup("<tr><td>")
                html.text(entry.position)
                html.markup("</td><td><a href=\"")
                html.url(entry.editURL)
                html.markup("\">")
                html.text(entry.question)
                html.markup("</a></td><td>")
                if entry.isActive {
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
