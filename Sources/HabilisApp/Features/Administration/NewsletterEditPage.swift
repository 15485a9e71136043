extension NewsletterEditPage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("<h1>Lettre d’information</h1>\n")
            errors.write(to: &html)
            html.markup("\n")
            frame.writeFormStart(action: action, to: &html)
            errors.writeInputField("titre", label: "Titre", value: form.titre, to: &html)
            errors.writeInputField("ordre", label: "Ordre d’affichage", numeric: true, value: form.ordre, to: &html)
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
