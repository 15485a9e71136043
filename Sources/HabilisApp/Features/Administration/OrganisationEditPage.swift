extension OrganisationEditPage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("<h1>")
            if isNew {
                html.markup("Nouvel organisme")
            } else {
                html.text(form.name)
            }
            html.markup("</h1>\n")
            errors.write(to: &html)
            html.markup("\n")
            frame.writeFormStart(action: action, to: &html)
            errors.writeInputField("code", label: "Code", value: form.code, to: &html)
            errors.writeInputField("name", label: "Nom", value: form.name, to: &html)
            errors.writeField("branch", label: "Branche", to: &html) { html in
                html.markup("<select id=\"branch\" name=\"branch\"")
                errors.writeInvalidState(of: "branch", to: &html)
                html.markup(">\n")
                html.markup("<option value=\"\">Choisir</option>\n")
                for branch in branches {
                    html.markup("<option value=\"")
                    html.attribute(branch.value)
                    html.markup("\"")
                    if branch.value == form.branch {
                        html.markup(" selected")
                    }
                    html.markup(">")
                    html.text(branch.label)
                    html.markup("</option>\n")
                }
                html.markup("\n")
                html.markup("</select>\n")
            }
            errors.writeInputField(
                "mailDomains", label: "Domaines de messagerie (séparés par des virgules ; vide : tous)",
                value: form.mailDomains, to: &html)
            html.markup("<div class=\"field\"><input type=\"checkbox\" id=\"active\" name=\"active\" value=\"1\"")
            if form.active == "1" {
                html.markup(" checked")
            }
            html.markup(
                "> <label for=\"active\" class=\"inline\">Organisme actif (proposé à l’inscription)</label></div>\n")
            html.markup("<div class=\"field\"><input type=\"checkbox\" id=\"alsaceMoselle\" name=\"alsaceMoselle\" ")
            html.markup("value=\"1\"")
            if form.alsaceMoselle == "1" { html.markup(" checked") }
            html.markup("> <label for=\"alsaceMoselle\" class=\"inline\">Organisme d’Alsace-Moselle (Vendredi saint ")
            html.markup("et 26 décembre chômés, pour les délais en jours ouvrés)</label></div>\n")
            html.markup(
                "<div class=\"actions\"><button type=\"submit\">Enregistrer</button> <a class=\"button secondary\" href=\""
            )
            html.url(listURL)
            html.markup("\">Retour à la liste</a></div>\n")
            html.markup("</form>\n")
            if let designateURL = designateURL {
                html.markup("<h2>Correspondants locaux</h2>\n")
                if correspondents.isEmpty {
                    html.markup(
                        "<p>Aucun correspondant : les demandes de cet organisme sont adressées aux administrateurs.</p>"
                    )
                } else {
                    html.markup("<ul class=\"grants\">\n")
                    for person in correspondents {
                        html.markup("<li class=\"grant\"><strong>")
                        html.text(person.name)
                        html.markup("</strong> (")
                        html.text(person.email)
                        html.markup(") — ")
                        html.text(person.scope)
                        if let absencesURL = person.absencesURL {
                            html.markup(" — <a href=\"")
                            html.url(absencesURL)
                            html.markup("\">Absences et suppléance de ")
                            html.text(person.name)
                            html.markup("</a>")
                        }
                        html.markup("\n")
                        html.markup("<form method=\"post\" action=\"")
                        html.url(person.removeURL)
                        html.markup("\" class=\"inline-form\"><input type=\"hidden\" name=\"_csrf\" value=\"")
                        html.attribute(frame.csrfToken)
                        html.markup("\"><button type=\"submit\" class=\"secondary\">Retirer ")
                        html.text(person.name)
                        html.markup("</button></form></li>\n")
                    }
                    html.markup("</ul>\n")
                }
                html.markup("\n")
                frame.writeFormStart(action: designateURL, to: &html)
                errors.writeField(
                    "correspondant", label: "Désigner un correspondant (adresse e-mail de son compte)", to: &html
                ) { html in
                    html.markup("<input type=\"email\" id=\"correspondant\" name=\"email\" value=\"")
                    html.attribute(form.correspondent)
                    html.markup("\"")
                    errors.writeInvalidState(of: "correspondant", to: &html)
                    html.markup(">\n")
                }
                html.markup("<fieldset>\n")
                html.markup("<legend>Limiter à certaines applications (aucune cochée : toutes)</legend>\n")
                html.markup("<ul class=\"checkboxes\">\n")
                for application in applications {
                    html.markup("<li><input type=\"checkbox\" id=\"app-")
                    html.attribute(application.id)
                    html.markup("\" name=\"applications[]\" value=\"")
                    html.attribute(application.id)
                    html.markup("\"> <label for=\"app-")
                    html.attribute(application.id)
                    html.markup("\">")
                    html.text(application.name)
                    html.markup("</label></li>\n")
                }
                html.markup("</ul>\n")
                html.markup("</fieldset>\n")
                html.markup("<div class=\"actions\"><button type=\"submit\">Désigner</button></div>\n")
                html.markup("</form>\n")
            }
        }
    }
}
