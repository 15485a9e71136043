extension ErrorPage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("<h1>")
            html.text(heading)
            html.markup("</h1>\n")
            html.markup("<p>")
            html.text(message)
            html.markup("</p>\n")
            if let correlationID = correlationID {
                html.markup("<p>Si le problème persiste, écrivez à <a href=\"mailto:")
                html.attribute(frame.webmasterEmail)
                html.markup("\">")
                html.text(frame.webmasterEmail)
                html.markup("</a> en indiquant la référence <strong>")
                html.text(correlationID)
                html.markup("</strong>.</p>")
            }
            html.markup("<p><a href=\"/\">Retour à l’accueil</a></p>\n")
        }
    }
}
