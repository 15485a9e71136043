extension NotificationsPage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("<h1>Mes notifications</h1>\n")
            if hasUnread {
                html.markup("\n")
                html.markup("<form method=\"post\" action=\"")
                html.url(markReadAction)
                html.markup("\">\n")
                html.markup("<input type=\"hidden\" name=\"_csrf\" value=\"")
                html.attribute(frame.csrfToken)
                html.markup("\">\n")
                html.markup("<button type=\"submit\" class=\"secondary\">Tout marquer comme lu</button>\n")
                html.markup("</form>\n")
            }
            if notifications.isEmpty {
                html.markup("<p>Aucune notification.</p>")
            } else {
                html.markup("<ul class=\"notifications\">\n")
                for item in notifications {
                    html.markup("<li")
                    if item.isUnread {
                        html.markup(" class=\"unread\"")
                    }
                    html.markup(">")
                    if item.isUnread {
                        html.markup("<strong>Non lue :</strong> ")
                    }
                    html.text(item.message)
                    html.markup(" <span class=\"date\">")
                    html.text(item.createdOn)
                    html.markup("</span>")
                    if let link = item.link {
                        html.markup(" <a href=\"")
                        html.url(link)
                        html.markup("\">Voir</a>")
                    }
                    html.markup("</li>\n")
                }
                html.markup("</ul>\n")
                pagination.write(to: &html)
            }
        }
    }
}
