extension FAQPage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("<h1>Foire aux questions</h1>\n")
            for entry in entries {
                html.markup("<details class=\"faq-entry\">\n")
                html.markup("<summary>")
                html.text(entry.question)
                html.markup("</summary>\n")
                html.markup("<p>")
                html.text(entry.answer)
                html.markup("</p>\n")
                html.markup("</details>\n")
            }
            html.markup("\n")
            html.markup("<h2>Nous écrire</h2>\n")
            html.markup("<p>Pour toutes questions, vous pouvez nous contacter à <a href=\"mailto:")
            html.attribute(frame.webmasterEmail)
            html.markup("\">")
            html.text(frame.webmasterEmail)
            html.markup("</a>.</p>\n")
        }
    }
}
