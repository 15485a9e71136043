extension AgentAdminPage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("<h1>Compte de ")
            html.text(form.prenom)
            html.markup(" ")
            html.text(form.nom)
            html.markup("</h1>\n")
            errors.write(to: &html)
            html.markup("<dl class=\"summary\"><dt>Identifiant</dt><dd>")
            html.text(email)
            html.markup("</dd><dt>Statut</dt><dd>")
            html.text(statusLabel)
            html.markup("</dd></dl>\n")
            html.markup("<p><a href=\"")
            html.url(rightsURL)
            html.markup("\">Voir ses habilitations et ses demandes, retirer une habilitation</a></p>\n")
            frame.writeFormStart(action: action, to: &html)
            errors.writeField("civilite", label: "Civilité", to: &html) { html in
                html.markup("<select id=\"civilite\" name=\"civilite\"")
                errors.writeInvalidState(of: "civilite", to: &html)
                html.markup(">\n")
                html.markup("<option value=\"\">Choisir</option>\n")
                html.options(civilities, selected: form.civilite)
                html.markup("\n")
                html.markup("</select>\n")
            }
            errors.writeInputField("prenom", label: "Prénom", value: form.prenom, to: &html)
            errors.writeInputField("nom", label: "Nom", value: form.nom, to: &html)
            errors.writeInputField("telephone", label: "Téléphone", type: "tel", value: form.telephone, to: &html)
            errors.writeField("organisme", label: "Organisme", to: &html) { html in
                html.markup("<select id=\"organisme\" name=\"organisme\"")
                errors.writeInvalidState(of: "organisme", to: &html)
                html.markup(">\n")
                OrganisationGroup.writeOptions(groups, selected: form.organisme, to: &html)
                html.markup("\n")
                html.markup("</select>\n")
            }
            errors.writeField("secondOrganisme", label: "Second organisme", to: &html) { html in
                html.markup("<select id=\"secondOrganisme\" name=\"secondOrganisme\"")
                errors.writeInvalidState(of: "secondOrganisme", to: &html)
                html.markup(">\n")
                html.markup("<option value=\"\">Aucun</option>\n")
                OrganisationGroup.writeOptions(groups, selected: form.secondOrganisme, to: &html)
                html.markup("\n")
                html.markup("</select>\n")
            }
            html.markup("<div class=\"field\"><input type=\"checkbox\" id=\"add\" name=\"add\" value=\"1\"")
            if form.add == "1" {
                html.markup(" checked")
            }
            html.markup(
                "> <label for=\"add\" class=\"inline\">Agent de Direction (identité gérée par le Référentiel)</label></div>\n"
            )
            html.markup(
                "<div class=\"field\"><input type=\"checkbox\" id=\"suppleance\" name=\"suppleance\" value=\"1\"")
            if form.suppleance == "1" { html.markup(" checked") }
            html.markup(
                "> <label for=\"suppleance\" class=\"inline\">Peut suppléer un correspondant absent de son organisme (un correspondant peut alors le désigner)</label></div>\n"
            )
            html.markup("<div class=\"field")
            errors.writeErrorClass(of: "administrateur", to: &html)
            html.markup("\">\n")
            errors.writeMessage(of: "administrateur", to: &html)
            html.markup("\n")
            html.markup("<input type=\"checkbox\" id=\"administrateur\" name=\"administrateur\" value=\"1\"")
            if form.administrateur == "1" {
                html.markup(" checked")
            }
            html.markup("> <label for=\"administrateur\" class=\"inline\">Administrateur de l’UCANSS</label></div>\n")
            html.markup(
                "<div class=\"actions\"><button type=\"submit\">Enregistrer</button> <a class=\"button secondary\" href=\""
            )
            html.url(listURL)
            html.markup("\">Retour à la recherche</a></div>\n")
            html.markup("</form>\n")
            if canChangeStatus {
                html.markup("\n")
                html.markup("<h2>Accès au portail</h2>\n")
                html.markup("<form method=\"post\" action=\"")
                html.url(statusURL)
                html.markup("\">\n")
                html.markup("<input type=\"hidden\" name=\"_csrf\" value=\"")
                html.attribute(frame.csrfToken)
                html.markup("\">\n")
                if isActive {
                    html.markup(
                        "<input type=\"hidden\" name=\"action\" value=\"desactiver\"><p>Désactiver le compte ferme ses sessions et annule ses demandes en attente.</p><button type=\"submit\" class=\"danger\">Désactiver le compte</button>"
                    )
                } else {
                    html.markup(
                        "<input type=\"hidden\" name=\"action\" value=\"reactiver\"><button type=\"submit\">Réactiver le compte</button>"
                    )
                }
                html.markup("</form>\n")
            }
            if canEndSessions {
                html.markup("<h2>Sessions</h2>\n")
                html.markup("<p>Sessions ouvertes : ")
                html.text(openSessions)
                html.markup(".</p>\n")
                if openSessions > 0 {
                    html.markup("<form method=\"post\" action=\"")
                    html.url(endSessionsURL)
                    html.markup("\">\n")
                    html.markup("<input type=\"hidden\" name=\"_csrf\" value=\"")
                    html.attribute(frame.csrfToken)
                    html.markup("\">\n")
                    html.markup("<button type=\"submit\" class=\"danger\">Fermer ses sessions</button>\n")
                    html.markup("</form>")
                }
                html.markup("<h2>Double authentification</h2>\n")
                if let secondFactorSince = secondFactorSince {
                    html.markup("<p>Activée depuis le ")
                    html.text(secondFactorSince)
                    html.markup(".</p>\n")
                    html.markup("<form method=\"post\" action=\"")
                    html.url(resetSecondFactorURL)
                    html.markup("\">\n")
                    html.markup("<input type=\"hidden\" name=\"_csrf\" value=\"")
                    html.attribute(frame.csrfToken)
                    html.markup("\">\n")
                    html.markup(
                        "<p class=\"hint\">Si la personne a perdu ou changé de téléphone : elle se connectera avec son seul mot de passe, puis configurera de nouveau son application.</p>\n"
                    )
                    html.markup(
                        "<button type=\"submit\" class=\"danger\">Réinitialiser la double authentification</button>\n")
                    html.markup("</form>")
                } else {
                    html.markup("<p>Non configurée.</p>")
                }
            }
            html.markup("<h2>Attribuer une habilitation</h2>\n")
            if grantable.isEmpty {
                html.markup("<p>Ce compte dispose déjà de toutes les applications actives.</p>")
            } else {
                html.markup("\n")
                frame.writeFormStart(action: grantURL, to: &html)
                errors.writeField("application", label: "Application", to: &html) { html in
                    html.markup("<select id=\"application\" name=\"application\"")
                    errors.writeInvalidState(of: "application", to: &html)
                    html.markup(">\n")
                    html.markup("<option value=\"\">Choisir</option>\n")
                    for choice in grantable {
                        html.markup("<option value=\"")
                        html.attribute(choice.id)
                        html.markup("\">")
                        html.text(choice.name)
                        html.markup("</option>\n")
                    }
                    html.markup("</select>\n")
                }
                html.markup("<div class=\"actions\"><button type=\"submit\">Attribuer l’habilitation</button></div>\n")
                html.markup("</form>\n")
            }
        }
    }
}
