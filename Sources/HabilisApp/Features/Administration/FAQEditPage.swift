extension FAQEditPage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("<h1>Question de la FAQ</h1>\n")
            errors.write(to: &html)
            html.markup("\n")
            html.markup("<form method=\"post\" action=\"")
            html.url(action)
            html.markup("\" class=\"form\" novalidate>\n")
            html.markup("<input type=\"hidden\" name=\"_csrf\" value=\"")
            html.attribute(frame.csrfToken)
            html.markup("\">\n")
            html.markup("<div class=\"field")
            if errors["question"] != nil {
                html.markup(" field-error")
            }
            html.markup("\">\n")
            html.markup("<label for=\"question\">Question</label>\n")
            if let error = errors["question"] {
                html.markup(
                    "<p class=\"error-message\" id=\"question-error\"><span class=\"visually-hidden\">Erreur : </span>")
                html.text(error)
                html.markup("</p>")
            }
            html.markup("\n")
            html.markup("<input type=\"text\" id=\"question\" name=\"question\" value=\"")
            html.attribute(form.question)
            html.markup("\"")
            if errors["question"] != nil {
                html.markup(" aria-invalid=\"true\" aria-describedby=\"question-error\"")
            }
            html.markup(">\n")
            html.markup("</div>\n")
            html.markup("<div class=\"field")
            if errors["reponse"] != nil {
                html.markup(" field-error")
            }
            html.markup("\">\n")
            html.markup("<label for=\"reponse\">Réponse</label>\n")
            if let error = errors["reponse"] {
                html.markup(
                    "<p class=\"error-message\" id=\"reponse-error\"><span class=\"visually-hidden\">Erreur : </span>")
                html.text(error)
                html.markup("</p>")
            }
            html.markup("\n")
            html.markup("<textarea id=\"reponse\" name=\"reponse\" rows=\"6\"")
            if errors["reponse"] != nil {
                html.markup(" aria-invalid=\"true\" aria-describedby=\"reponse-error\"")
            }
            html.markup(">")
            html.text(form.reponse)
            html.markup("</textarea>\n")
            html.markup("</div>\n")
            html.markup("<div class=\"field")
            if errors["ordre"] != nil {
                html.markup(" field-error")
            }
            html.markup("\">\n")
            html.markup("<label for=\"ordre\">Ordre d’affichage</label>\n")
            if let error = errors["ordre"] {
                html.markup(
                    "<p class=\"error-message\" id=\"ordre-error\"><span class=\"visually-hidden\">Erreur : </span>")
                html.text(error)
                html.markup("</p>")
            }
            html.markup("\n")
            html.markup("<input type=\"text\" inputmode=\"numeric\" id=\"ordre\" name=\"ordre\" value=\"")
            html.attribute(form.ordre)
            html.markup("\"")
            if errors["ordre"] != nil {
                html.markup(" aria-invalid=\"true\" aria-describedby=\"ordre-error\"")
            }
            html.markup(">\n")
            html.markup("</div>\n")
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
