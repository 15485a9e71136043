extension AuditPage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("\n")
            html.markup("<h1>Journal d’audit</h1>\n")
            html.markup("<form method=\"get\" action=\"")
            html.url(action)
            html.markup("\" class=\"form filters\">\n")
            html.markup("<div class=\"columns\">\n")
            html.markup(
                "<div class=\"field\"><label for=\"acteur\">Acteur (nom ou e-mail)</label><input type=\"search\" id=\"acteur\" name=\"acteur\" value=\""
            )
            html.attribute(filters.actor)
            html.markup("\"></div>\n")
            html.markup(
                "<div class=\"field\"><label for=\"organisme\">Organisme</label><select id=\"organisme\" name=\"organisme\"><option value=\"\">Tous</option>\n"
            )
            for organisation in organisations {
                html.markup("<option value=\"")
                html.attribute(organisation.id)
                html.markup("\"")
                if organisation.id == filters.organisation {
                    html.markup(" selected")
                }
                html.markup(">")
                html.text(organisation.name)
                html.markup("</option>\n")
            }
            html.markup("</select></div>\n")
            html.markup(
                "<div class=\"field\"><label for=\"action\">Action</label><select id=\"action\" name=\"action\"><option value=\"\">Toutes</option>\n"
            )
            for name in actions {
                html.markup("<option value=\"")
                html.attribute(name)
                html.markup("\"")
                if name == filters.action {
                    html.markup(" selected")
                }
                html.markup(">")
                html.text(name)
                html.markup("</option>\n")
            }
            html.markup("\n")
            html.markup("</select></div>\n")
            html.markup(
                "<div class=\"field\"><label for=\"du\">Du (AAAA-MM-JJ)</label><input type=\"text\" id=\"du\" name=\"du\" value=\""
            )
            html.attribute(filters.from)
            html.markup("\" inputmode=\"numeric\"></div>\n")
            html.markup(
                "<div class=\"field\"><label for=\"au\">Au (AAAA-MM-JJ)</label><input type=\"text\" id=\"au\" name=\"au\" value=\""
            )
            html.attribute(filters.to)
            html.markup("\" inputmode=\"numeric\"></div>\n")
            html.markup("</div>\n")
            html.markup("<div class=\"actions\"><button type=\"submit\">Filtrer</button> <a href=\"")
            html.url(exportURL)
            html.markup("\">Exporter ces événements (CSV)</a></div>\n")
            html.markup("</form>\n")
            html.markup("<p>")
            html.text(pagination.total)
            html.markup(" événement(s).</p>\n")
            if !rows.isEmpty {
                html.markup(
                    "<div class=\"table-wrapper\" tabindex=\"0\" role=\"region\" aria-label=\"Tableau (défilement horizontal possible)\">\n"
                )
                html.markup("<table>\n")
                html.markup(
                    "<caption class=\"visually-hidden\">Événements du journal, du plus récent au plus ancien</caption>\n"
                )
                html.markup(
                    "<thead><tr><th scope=\"col\">Date</th><th scope=\"col\">Acteur</th><th scope=\"col\">Action</th><th scope=\"col\">Résultat</th><th scope=\"col\">Cible</th><th scope=\"col\">Adresse IP</th><th scope=\"col\">Détails</th></tr></thead>\n"
                )
                html.markup("<tbody>\n")
                for row in rows {
                    html.markup("<tr><td>")
                    html.text(row.occurredAt)
                    html.markup("</td><td>")
                    html.text(row.actor)
                    html.markup("</td><td>")
                    html.text(row.action)
                    html.markup("</td><td>")
                    html.text(row.outcome)
                    html.markup("</td><td class=\"wrap\">")
                    html.text(row.target)
                    html.markup("</td><td>")
                    html.text(row.ip)
                    html.markup("</td><td class=\"wrap\">")
                    html.text(row.details)
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
