extension DashboardPage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("<h1>Tableau de bord</h1>\n")
            html.markup("<p>Période : ")
            html.text(periodLabel)
            html.markup(".</p>\n")
            html.markup("<dl class=\"summary\">\n")
            html.markup("<dt>Demandes reçues</dt><dd>")
            html.text(total)
            html.markup("</dd>\n")
            html.markup("<dt>Délai médian de décision</dt><dd>")
            html.text(medianDecision)
            html.markup("</dd>\n")
            html.markup("<dt>Décidées par un valideur</dt><dd>")
            html.text(manualShare)
            html.markup("</dd>\n")
            html.markup("<dt>Acceptées automatiquement</dt><dd>")
            html.text(automaticShare)
            html.markup("</dd>\n")
            html.markup("</dl>\n")
            for chart in charts {
                chart.write(to: &html)
            }
        }
    }
}

extension BarChart {
    /// The chart in its section: a titled SVG described for screen readers, then the same values as a table.
    func write(to html: inout HTMLWriter) {
        html.markup("\n")
        html.markup("<section class=\"chart\" aria-labelledby=\"")
        html.attribute(id)
        html.markup("-title\">\n")
        html.markup("<h2 id=\"")
        html.attribute(id)
        html.markup("-title\">")
        html.text(title)
        html.markup("</h2>\n")
        html.markup("<svg role=\"img\" aria-labelledby=\"")
        html.attribute(id)
        html.markup("-svg-title ")
        html.attribute(id)
        html.markup("-svg-desc\" viewBox=\"0 0 ")
        html.attribute(width)
        html.markup(" ")
        html.attribute(height)
        html.markup("\" width=\"100%\" preserveAspectRatio=\"xMinYMin meet\" class=\"chart-svg\">\n")
        html.markup("<title id=\"")
        html.attribute(id)
        html.markup("-svg-title\">")
        html.text(title)
        html.markup("</title>\n")
        html.markup("<desc id=\"")
        html.attribute(id)
        html.markup("-svg-desc\">")
        html.text(description)
        html.markup(" Les valeurs figurent dans le tableau qui suit.</desc>\n")
        for bar in bars {
            html.markup("<g>\n")
            html.markup("<rect x=\"")
            html.attribute(bar.x)
            html.markup("\" y=\"")
            html.attribute(bar.y)
            html.markup("\" width=\"")
            html.attribute(bar.width)
            html.markup("\" height=\"")
            html.attribute(bar.height)
            html.markup("\" class=\"bar\"></rect>\n")
            html.markup("<text x=\"")
            html.attribute(bar.valueX)
            html.markup("\" y=\"")
            html.attribute(bar.valueY)
            html.markup("\" class=\"")
            if vertical {
                html.markup("value-v")
            } else {
                html.markup("value-h")
            }
            html.markup("\">")
            html.text(bar.value)
            html.markup("</text>\n")
            html.markup("<text x=\"")
            html.attribute(bar.labelX)
            html.markup("\" y=\"")
            html.attribute(bar.labelY)
            html.markup("\" class=\"")
            if vertical {
                html.markup("label-v")
            } else {
                html.markup("label-h")
            }
            html.markup("\">")
            html.text(bar.label)
            html.markup("</text>\n")
            html.markup("</g>\n")
        }
        html.markup("</svg>\n")
        html.markup("<table>\n")
        html.markup("<caption>")
        html.text(title)
        html.markup(" — données</caption>\n")
        html.markup("<thead><tr><th scope=\"col\">Catégorie</th><th scope=\"col\">")
        html.text(valueHeading)
        html.markup("</th></tr></thead>\n")
        html.markup("<tbody>\n")
        for bar in bars {
            html.markup("<tr><td>")
            html.text(bar.label)
            html.markup("</td><td>")
            html.text(bar.value)
            html.markup("</td></tr>\n")
        }
        html.markup("</tbody>\n")
        html.markup("</table>\n")
        html.markup("</section>\n")
    }
}
