extension FAQEditPage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("<h1>Question de la FAQ</h1>\n")
            errors.write(to: &html)
            html.markup("\n")
            frame.writeFormStart(action: action, to: &html)
            errors.writeInputField("question", label: "Question", value: form.question, to: &html)
            errors.writeField("reponse", label: "Réponse", to: &html) { html in
                html.markup("<textarea id=\"reponse\" name=\"reponse\" rows=\"6\"")
                errors.writeInvalidState(of: "reponse", to: &html)
                html.markup(">")
                html.text(form.reponse)
                html.markup("</textarea>\n")
            }
            errors.writeInputField("ordre", label: "Ordre d’affichage", numeric: true, value: form.ordre, to: &html)
            html.markup("<div class=\"field\"><input type=\"checkbox\" id=\"active\" name=\"active\" value=\"1\"")
            if form.active == "1" {
                html.markup(" checked")
            }
            html.markup("> <label for=\"active\" class=\"inline\">Publiée dans la FAQ</label></div>\n")
            html.markup(
                "<div class=\"actions\"><button type=\"submit\">Enregistrer</button> <a class=\"button secondary\" href=\""
            )
            html.url(listURL)
            html.markup("\">Annuler</a></div>\n")
            html.markup("</form>\n")
        }
    }
}
