extension ApplicationProfilesPage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("<h1>Profils de ")
            html.text(applicationName)
            html.markup("</h1>\n")
            html.markup(
                "<p>Un profil précise ce que l’habilitation permet dans l’application (par exemple « Consultation » ou « Rédaction »). L’agent choisit le profil demandé ; l’application reçoit les codes des profils détenus (revendication <code>roles</code>, interface de programmation, événements). Sans profil, une habilitation ouvre l’application, sans plus.</p>\n"
            )
            html.markup("<p><a class=\"button\" href=\"")
            html.url(newURL)
            html.markup("\">Ajouter un profil</a></p>\n")
            if rows.isEmpty {
                html.markup("<p>Cette application n’a pas de profil.</p>\n")
            } else {
                html.markup(
                    "<div class=\"table-wrapper\" tabindex=\"0\" role=\"region\" aria-label=\"Tableau (défilement horizontal possible)\">\n<table>\n<caption>Profils de "
                )
                html.text(applicationName)
                html.markup(
                    "</caption>\n<thead><tr><th scope=\"col\">Ordre</th><th scope=\"col\">Profil</th><th scope=\"col\">Code</th><th scope=\"col\">Description</th><th scope=\"col\">Agents habilités</th></tr></thead>\n<tbody>\n"
                )
                for row in rows {
                    html.markup("<tr><td>")
                    html.text(row.position)
                    html.markup("</td><td><a href=\"")
                    html.url(row.editURL)
                    html.markup("\">")
                    html.text(row.label)
                    html.markup("</a>")
                    if row.isDefault { html.markup(" (par défaut)") }
                    html.markup("</td><td><code>")
                    html.text(row.code)
                    html.markup("</code></td><td class=\"wrap\">")
                    html.text(row.description)
                    html.markup("</td><td>")
                    html.text(row.holders)
                    html.markup("</td></tr>\n")
                }
                html.markup("</tbody>\n</table>\n</div>\n")
            }
            html.markup("<h2>Changement de profil</h2>\n")
            frame.writeFormStart(action: ruleURL, to: &html)
            html.markup(
                "<fieldset><legend>Un agent qui détient un profil en demande un autre ; accepté, le nouveau profil :</legend>\n"
            )
            html.markup(
                "<div class=\"choice\"><input type=\"radio\" id=\"change-replace\" name=\"change\" value=\"replace\"")
            if replaces { html.markup(" checked") }
            html.markup(
                "> <label class=\"inline\" for=\"change-replace\">remplace le profil détenu (un seul profil par agent)</label></div>\n"
            )
            html.markup("<div class=\"choice\"><input type=\"radio\" id=\"change-add\" name=\"change\" value=\"add\"")
            if !replaces { html.markup(" checked") }
            html.markup(
                "> <label class=\"inline\" for=\"change-add\">s’ajoute au profil détenu (plusieurs profils possibles)</label></div>\n"
            )
            html.markup(
                "</fieldset>\n<div class=\"actions\"><button type=\"submit\">Enregistrer la règle</button></div>\n</form>\n"
            )
            html.markup("<p><a href=\"")
            html.url(applicationURL)
            html.markup("\">Retour à l’application ")
            html.text(applicationName)
            html.markup("</a></p>\n")
        }
    }
}

extension ApplicationProfileEditPage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("<h1>")
            html.text(heading)
            html.markup("</h1>\n")
            errors.write(to: &html)
            frame.writeFormStart(action: action, to: &html)
            if isNew {
                errors.writeInputField(
                    "code", label: "Code (lettres sans accent, chiffres, tirets ; ne change plus ensuite)",
                    value: form.code, to: &html)
            } else {
                html.markup("<p>Code : <code>")
                html.text(form.code)
                html.markup("</code></p>\n")
            }
            errors.writeInputField("label", label: "Libellé", value: form.label, to: &html)
            errors.writeField("summary", label: "Description (montrée à l’agent qui choisit)", to: &html) { html in
                html.markup("<textarea id=\"summary\" name=\"summary\" rows=\"3\"")
                errors.writeInvalidState(of: "summary", to: &html)
                html.markup(">")
                html.text(form.summary)
                html.markup("</textarea>\n")
            }
            errors.writeInputField("position", label: "Ordre", numeric: true, value: form.position, to: &html)
            html.markup("<div class=\"field")
            errors.writeErrorClass(of: "isDefault", to: &html)
            html.markup("\">")
            errors.writeMessage(of: "isDefault", to: &html)
            html.markup("<input type=\"checkbox\" id=\"isDefault\" name=\"isDefault\" value=\"1\"")
            if form.isDefault == "1" { html.markup(" checked") }
            errors.writeInvalidState(of: "isDefault", to: &html)
            html.markup(
                "> <label for=\"isDefault\" class=\"inline\">Profil par défaut (proposé en premier, donné aux habilitations attribuées sans profil)</label></div>\n"
            )
            html.markup(
                "<div class=\"actions\"><button type=\"submit\">Enregistrer</button> <a class=\"button secondary\" href=\""
            )
            html.url(listURL)
            html.markup("\">Annuler</a></div>\n</form>\n")
            if let removeURL {
                html.markup("<h2>Supprimer ce profil</h2>\n")
                html.markup("<div id=\"remove\">")
                errors.writeMessage(of: "remove", to: &html)
                html.markup("</div>\n")
                frame.writeFormStart(action: removeURL, to: &html)
                html.markup(
                    "<p>Possible seulement si aucune habilitation ni demande, même passée, ne porte ce profil.</p>\n<div class=\"actions\"><button type=\"submit\" class=\"secondary\">Supprimer le profil</button></div>\n</form>\n"
                )
            }
        }
    }
}
