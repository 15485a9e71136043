extension ProfilePage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("<h1>Mes coordonnées</h1>\n")
            errors.write(to: &html)
            if isDirector {
                html.markup("\n")
                html.markup("<div class=\"warning-box\">\n")
                html.markup("<p><strong>Attention</strong></p>\n")
                html.markup(
                    "<p>Les données relatives aux Agents de Direction étant gérées dans le Référentiel des Agents de Direction, les ADD peuvent mettre à jour leurs informations sur la page <a href=\""
                )
                html.url(directorProfileURL)
                html.markup("\">« mon profil »</a>.</p>\n")
                html.markup(
                    "<p>Pour toutes questions relatives à ces mises à jour, vous pouvez écrire à <a href=\"mailto:")
                html.attribute(directorContactEmail)
                html.markup("\">")
                html.text(directorContactEmail)
                html.markup("</a>.</p>\n")
                html.markup("</div>\n")
            }
            if let identitySource {
                html.markup("<div class=\"warning-box\">\n<p><strong>Attention</strong></p>\n<p>Votre identité, ")
                html.markup("votre adresse e-mail de connexion et votre téléphone sont tenus à jour par « ")
                html.text(identitySource)
                html.markup(
                    " » : pour les corriger, adressez-vous à votre service des ressources humaines.</p>\n</div>\n")
            }
            html.markup("\n")
            html.markup("<form method=\"post\" action=\"")
            html.url(action)
            html.markup("\" class=\"form profile\" novalidate>\n")
            html.markup("<input type=\"hidden\" name=\"_csrf\" value=\"")
            html.attribute(frame.csrfToken)
            html.markup("\">\n")
            html.markup("<div class=\"columns\">\n")
            html.markup("<fieldset>\n")
            html.markup("<legend>Identité</legend>\n")
            if isDirector || identitySource != nil {
                html.markup("<dl class=\"summary\">\n")
                html.markup("<dt>Identité</dt><dd>")
                html.text(form.civilite)
                html.markup("</dd>\n")
                html.markup("<dt>Prénom</dt><dd>")
                html.text(form.prenom)
                html.markup("</dd>\n")
                html.markup("<dt>Nom</dt><dd>")
                html.text(form.nom)
                html.markup("</dd>\n")
                html.markup("<dt>Nom de naissance</dt><dd>")
                if let nomNaissance = form.nomNaissance {
                    html.text(nomNaissance)
                } else {
                    html.markup("—")
                }
                html.markup("</dd>\n")
                html.markup("</dl>\n")
            } else {
                html.markup("\n")
                errors.writeField("civilite", label: "Identité", to: &html) { html in
                    html.markup("<select id=\"civilite\" name=\"civilite\" autocomplete=\"honorific-prefix\"")
                    errors.writeInvalidState(of: "civilite", to: &html)
                    html.markup(">\n")
                    html.options(civilities, selected: form.civilite)
                    html.markup("\n")
                    html.markup("</select>\n")
                }
                errors.writeInputField(
                    "prenom", label: "Prénom", value: form.prenom, attributes: " autocomplete=\"given-name\"", to: &html
                )
                errors.writeInputField(
                    "nom", label: "Nom", value: form.nom, attributes: " autocomplete=\"family-name\"", to: &html)
                errors.writeInputField(
                    "nomNaissance", label: "Nom de naissance", value: form.nomNaissance,
                    attributes: " autocomplete=\"off\"", to: &html)
            }
            html.markup("\n")
            OrganisationGroup.writeSecondOrganisationField(
                groups, selected: form.secondOrganisme,
                label: "Vous occupez des fonctions dans un second organisme, merci de le renseigner", errors: errors,
                to: &html)
            html.markup("</fieldset>\n")
            html.markup("<fieldset>\n")
            html.markup("<legend>Coordonnées</legend>\n")
            if identitySource != nil {
                html.markup("<dl class=\"summary\">\n<dt>Email de connexion</dt><dd>")
                html.text(form.email)
                html.markup("</dd>\n<dt>Téléphone</dt><dd>")
                html.text(form.telephone?.isEmpty == false ? form.telephone : "—")
                html.markup("</dd>\n</dl>\n")
            } else {
                html.markup("<div class=\"field")
                errors.writeErrorClass(of: "email", to: &html)
                html.markup("\">\n")
                html.markup("<label for=\"email\">Email</label>\n")
                html.markup(
                    "<p class=\"hint\" id=\"email-hint\">C’est votre identifiant de connexion. Une nouvelle adresse ne sera utilisée qu’après confirmation par le lien que nous y enverrons.</p>\n"
                )
                errors.writeMessage(of: "email", to: &html)
                html.markup("\n")
                html.markup("<input type=\"email\" id=\"email\" name=\"email\" value=\"")
                html.attribute(form.email)
                html.markup("\" autocomplete=\"email\" spellcheck=\"false\" aria-describedby=\"")
                if errors["email"] != nil {
                    html.markup("email-error ")
                }
                html.markup(" email-hint\"")
                if errors["email"] != nil {
                    html.markup(" aria-invalid=\"true\"")
                }
                html.markup(">\n")
                html.markup("</div>\n")
                errors.writeField(
                    "motDePasseActuel", label: "Mot de passe actuel (seulement pour changer d’adresse e-mail)",
                    to: &html
                ) { html in
                    html.markup(
                        "<input type=\"password\" id=\"motDePasseActuel\" name=\"motDePasseActuel\" autocomplete=\"current-password\""
                    )
                    errors.writeInvalidState(of: "motDePasseActuel", to: &html)
                    html.markup(">\n")
                }
            }
            errors.writeInputField(
                "emailContact", label: "Email de contact", type: "email", value: form.emailContact,
                attributes: " autocomplete=\"email\" spellcheck=\"false\"", to: &html)
            if identitySource == nil {
                errors.writeInputField(
                    "telephone", label: "Téléphone", type: "tel", value: form.telephone,
                    attributes: " autocomplete=\"tel\"", to: &html)
            }
            html.markup("<div class=\"field\">\n")
            html.markup("<p class=\"label\">Organisme</p>\n")
            html.markup("<p class=\"readonly\">")
            html.text(organisationName)
            html.markup("</p>\n")
            html.markup(
                "<p class=\"hint\">Votre organisme est géré par les administrateurs : pour en changer, écrivez à <a href=\"mailto:"
            )
            html.attribute(webmasterEmail)
            html.markup("\">")
            html.text(webmasterEmail)
            html.markup("</a>.</p>\n")
            html.markup("</div>\n")
            html.markup("</fieldset>\n")
            html.markup("</div>\n")
            html.markup("<div class=\"actions\"><button type=\"submit\">Enregistrer les modifications</button></div>\n")
            html.markup("</form>\n")
            html.markup("<h2>Vos données personnelles</h2>\n")
            html.markup(
                "<p>Vous pouvez obtenir une copie de tout ce que l’espace Organismes conserve à votre sujet (profil, demandes, habilitations, abonnements, notifications).</p>\n"
            )
            html.markup("<p><a href=\"")
            html.url(downloadURL)
            html.markup("\" download>Télécharger mes données</a> (fichier JSON)</p>\n")
        }
    }
}
