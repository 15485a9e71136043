extension NewsletterEditPage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("<h1>Lettre d’information</h1>\n")
            errors.write(to: &html)
            html.markup("\n")
            html.markup("<form method=\"post\" action=\"")
            html.url(action)
            html.markup("\" class=\"form\" novalidate>\n")
            html.markup("<input type=\"hidden\" name=\"_csrf\" value=\"")
            html.attribute(frame.csrfToken)
            html.markup("\">\n")
            html.markup("<div class=\"field")
            errors.writeErrorClass(of: "titre", to: &html)
            html.markup("\">\n")
            html.markup("<label for=\"titre\">Titre</label>\n")
            errors.writeMessage(of: "titre", to: &html)
            html.markup("\n")
            html.markup("<input type=\"text\" id=\"titre\" name=\"titre\" value=\"")
            html.attribute(form.titre)
            html.markup("\"")
            errors.writeInvalidState(of: "titre", to: &html)
            html.markup(">\n")
            html.markup("</div>\n")
            html.markup("<div class=\"field")
            errors.writeErrorClass(of: "ordre", to: &html)
            html.markup("\">\n")
            html.markup("<label for=\"ordre\">Ordre d’affichage</label>\n")
            errors.writeMessage(of: "ordre", to: &html)
            html.markup("\n")
            html.markup("<input type=\"text\" inputmode=\"numeric\" id=\"ordre\" name=\"ordre\" value=\"")
            html.attribute(form.ordre)
            html.markup("\"")
            errors.writeInvalidState(of: "ordre", to: &html)
            html.markup(">\n")
            html.markup("</div>\n")
            html.markup("<div class=\"field\"><input type=\"checkbox\" id=\"active\" name=\"active\" value=\"1\"")
            if form.active == "1" {
                html.markup(" checked")
            }
            html.markup("> <label for=\"active\" class=\"inline\">Proposée aux agents</label></div>\n")
            html.markup(
                "<div class=\"actions\"><button type=\"submit\">Enregistrer</button> <a class=\"button secondary\" href=\""
            )
            html.url(listURL)
            html.markup("\">Annuler</a></div>\n")
            html.markup("</form>\n")
        }
    }
}
