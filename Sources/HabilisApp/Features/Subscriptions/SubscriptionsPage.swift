extension SubscriptionsPage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("\n")
            html.markup("<h1>Mes abonnements</h1>\n")
            html.markup("<form method=\"post\" action=\"")
            html.url(action)
            html.markup("\" class=\"form\">\n")
            html.markup("<input type=\"hidden\" name=\"_csrf\" value=\"")
            html.attribute(frame.csrfToken)
            html.markup("\">\n")
            html.markup("<fieldset>\n")
            html.markup("<legend>Lettres d’information auxquelles vous souhaitez vous abonner</legend>\n")
            html.markup("<ul class=\"checkboxes\">\n")
            for newsletter in newsletters {
                html.markup("<li><input type=\"checkbox\" id=\"lettre-")
                html.attribute(newsletter.id)
                html.markup("\" name=\"lettres[]\" value=\"")
                html.attribute(newsletter.id)
                html.markup("\"")
                if newsletter.isSubscribed {
                    html.markup(" checked")
                }
                html.markup("> <label for=\"lettre-")
                html.attribute(newsletter.id)
                html.markup("\">")
                html.text(newsletter.title)
                html.markup("</label></li>\n")
            }
            html.markup("</ul>\n")
            html.markup("</fieldset>\n")
            html.markup("<div class=\"actions\"><button type=\"submit\">Valider mes abonnements</button></div>\n")
            html.markup("</form>\n")
            html.markup(
                "<p class=\"hint\">Vous pouvez vous désabonner à tout moment en décochant une lettre puis en validant.</p>\n"
            )
        }
    }
}
