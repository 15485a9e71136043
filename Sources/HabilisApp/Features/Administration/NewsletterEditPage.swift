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
            if errors["titre"] != nil {
                html.markup(" field-error")
            }
            html.markup("\">\n")
            html.markup("<label for=\"titre\">Titre</label>\n")
            if let error = errors["titre"] {
                html.markup(
                    "<p class=\"error-message\" id=\"titre-error\"><span class=\"visually-hidden\">Erreur : </span>")
                html.text(error)
                html.markup("</p>")
            }
            html.markup("\n")
            html.markup("<input type=\"text\" id=\"titre\" name=\"titre\" value=\"")
            html.attribute(form.titre)
            html.markup("\"")
            if errors["titre"] != nil {
                html.markup(" aria-invalid=\"true\" aria-describedby=\"titre-error\"")
            }
            html.markup(">\n")
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
