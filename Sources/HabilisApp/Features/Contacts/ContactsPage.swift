extension ContactsPage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("<h1>Mes contacts</h1>\n")
            html.markup(
                "<p>La gestion des droits sur le site de l’Ucanss est en partie décentralisée au sein de votre organisme. Pour toute question relative à une demande d’habilitation, vous pouvez contacter :</p>\n"
            )
            for block in blocks {
                html.markup("<h2>")
                html.text(block.organisationName)
                html.markup("</h2>\n")
                if block.contacts.isEmpty {
                    html.markup(
                        "<p>Votre organisme ne dispose pas de correspondant local : vos demandes sont traitées par les administrateurs de l’Ucanss, que vous pouvez joindre à <a href=\"mailto:"
                    )
                    html.attribute(webmasterEmail)
                    html.markup("\">")
                    html.text(webmasterEmail)
                    html.markup("</a>.</p>")
                } else {
                    html.markup("<ul class=\"contacts\">\n")
                    for contact in block.contacts {
                        html.markup("<li><span class=\"contact-name\">")
                        html.text(contact.firstName)
                        html.markup(" ")
                        html.text(contact.lastName)
                        html.markup("</span> <a href=\"mailto:")
                        html.attribute(contact.email)
                        html.markup("\">")
                        html.text(contact.email)
                        html.markup("</a></li>\n")
                    }
                    html.markup("</ul>\n")
                }
            }
            html.markup("\n")
            html.markup("<h2>Assistance</h2>\n")
            html.markup(
                "<p>Une page d’assistance et de FAQ, accessible en pied de page, vous permet de prendre connaissance des coordonnées de vos contacts au sein des directions métiers de l’Ucanss : <a href=\""
            )
            html.url(faqURL)
            html.markup(
                "\">consultez notre foire aux questions</a>. Pour toutes questions, vous pouvez nous contacter à <a href=\"mailto:"
            )
            html.attribute(webmasterEmail)
            html.markup("\">")
            html.text(webmasterEmail)
            html.markup("</a>.</p>\n")
        }
    }
}
