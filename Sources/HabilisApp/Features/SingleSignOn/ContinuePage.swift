extension ContinuePage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("<h1>")
            html.text(heading)
            html.markup("</h1>\n")
            html.markup("<p>")
            html.text(message)
            html.markup("</p>\n")
            html.markup("<p><a href=\"")
            html.url(frame.refreshURL)
            html.markup("\">")
            html.text(linkText)
            html.markup("</a></p>\n")
        }
    }
}
