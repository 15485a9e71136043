extension CataloguePage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("<h1>Applications</h1>\n")
            html.markup("<p>Bonjour ")
            html.text(firstName)
            html.markup(
                ". Toutes les applications de l’offre de services de l’UCANSS sont accessibles via l’espace Organismes. Ouvrez une application avec la croix pour y accéder ou en demander l’accès.</p>\n"
            )
            html.markup("<ul class=\"catalogue\">\n")
            for app in applications {
                html.markup("<li class=\"application")
                if app.isLocked {
                    html.markup(" locked")
                }
                if app.isPending {
                    html.markup(" pending")
                }
                html.markup("\">\n")
                html.markup("<details id=\"application-")
                html.attribute(app.id)
                html.markup("\">\n")
                html.markup("<summary><span class=\"application-name\">")
                html.text(app.name)
                html.markup("</span>")
                if app.isLocked {
                    html.markup(" <span class=\"lock\" aria-hidden=\"true\">🔒</span>")
                }
                html.markup(" <span class=\"application-state\">(")
                html.text(app.stateLabel)
                html.markup(")</span></summary>\n")
                html.markup("<div class=\"application-details\">\n")
                html.markup("<p>")
                html.text(app.summary)
                html.markup("</p>\n")
                if app.isHeld {
                    html.markup("<p><a class=\"button\" href=\"")
                    html.url(app.launchURL)
                    html.markup("\">Accéder à l’application</a></p>")
                }
                if let otherProfileURL = app.otherProfileURL {
                    html.markup("<p><a href=\"")
                    html.url(otherProfileURL)
                    html.markup("\">Demander un autre profil sur ")
                    html.text(app.name)
                    html.markup("</a></p>\n")
                }
                if app.isPending {
                    html.markup("<p>Demande en cours depuis le ")
                    html.text(app.pendingSince)
                    html.markup(". Sauf refus formel, elle sera acceptée automatiquement le <strong>")
                    html.text(app.autoAcceptOn)
                    html.markup("</strong>.</p>\n")
                    html.markup("<p><a href=\"")
                    html.url(app.pendingRequestURL)
                    html.markup("\">Suivre ma demande d’accès à ")
                    html.text(app.name)
                    html.markup("</a></p>")
                }
                if app.isLocked {
                    html.markup("<p><a class=\"button\" href=\"")
                    html.url(app.requestURL)
                    html.markup("\">Demander l’accès à l’application ")
                    html.text(app.name)
                    html.markup("</a></p>")
                }
                html.markup("</div>\n")
                html.markup("</details>\n")
                html.markup("</li>\n")
            }
            html.markup("</ul>\n")
        }
    }
}
