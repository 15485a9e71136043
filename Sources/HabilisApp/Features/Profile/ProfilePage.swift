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
            if isDirector {
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
                html.markup("<div class=\"field")
                if errors["civilite"] != nil {
                    html.markup(" field-error")
                }
                html.markup("\">\n")
                html.markup("<label for=\"civilite\">Identité</label>\n")
                if let error = errors["civilite"] {
                    html.markup(
                        "<p class=\"error-message\" id=\"civilite-error\"><span class=\"visually-hidden\">Erreur : </span>"
                    )
                    html.text(error)
                    html.markup("</p>")
                }
                html.markup("\n")
                html.markup("<select id=\"civilite\" name=\"civilite\" autocomplete=\"honorific-prefix\"")
                if errors["civilite"] != nil {
                    html.markup(" aria-invalid=\"true\" aria-describedby=\"civilite-error\"")
                }
                html.markup(">\n")
                for civility in civilities {
                    html.markup("<option value=\"")
                    html.attribute(civility)
                    html.markup("\"")
                    if civility == form.civilite {
                        html.markup(" selected")
                    }
                    html.markup(">")
                    html.text(civility)
                    html.markup("</option>\n")
                }
                html.markup("\n")
                html.markup("</select>\n")
                html.markup("</div>\n")
                html.markup("<div class=\"field")
                if errors["prenom"] != nil {
                    html.markup(" field-error")
                }
                html.markup("\">\n")
                html.markup("<label for=\"prenom\">Prénom</label>\n")
                if let error = errors["prenom"] {
                    html.markup(
                        "<p class=\"error-message\" id=\"prenom-error\"><span class=\"visually-hidden\">Erreur : </span>"
                    )
                    html.text(error)
                    html.markup("</p>")
                }
                html.markup("\n")
                html.markup("<input type=\"text\" id=\"prenom\" name=\"prenom\" value=\"")
                html.attribute(form.prenom)
                html.markup("\" autocomplete=\"given-name\"")
                if errors["prenom"] != nil {
                    html.markup(" aria-invalid=\"true\" aria-describedby=\"prenom-error\"")
                }
                html.markup(">\n")
                html.markup("</div>\n")
                html.markup("<div class=\"field")
                if errors["nom"] != nil {
                    html.markup(" field-error")
                }
                html.markup("\">\n")
                html.markup("<label for=\"nom\">Nom</label>\n")
                if let error = errors["nom"] {
                    html.markup(
                        "<p class=\"error-message\" id=\"nom-error\"><span class=\"visually-hidden\">Erreur : </span>")
                    html.text(error)
                    html.markup("</p>")
                }
                html.markup("\n")
                html.markup("<input type=\"text\" id=\"nom\" name=\"nom\" value=\"")
                html.attribute(form.nom)
                html.markup("\" autocomplete=\"family-name\"")
                if errors["nom"] != nil {
                    html.markup(" aria-invalid=\"true\" aria-describedby=\"nom-error\"")
                }
                html.markup(">\n")
                html.markup("</div>\n")
                html.markup("<div class=\"field")
                if errors["nomNaissance"] != nil {
                    html.markup(" field-error")
                }
                html.markup("\">\n")
                html.markup("<label for=\"nomNaissance\">Nom de naissance</label>\n")
                if let error = errors["nomNaissance"] {
                    html.markup(
                        "<p class=\"error-message\" id=\"nomNaissance-error\"><span class=\"visually-hidden\">Erreur : </span>"
                    )
                    html.text(error)
                    html.markup("</p>")
                }
                html.markup("\n")
                html.markup("<input type=\"text\" id=\"nomNaissance\" name=\"nomNaissance\" value=\"")
                html.attribute(form.nomNaissance)
                html.markup("\" autocomplete=\"off\"")
                if errors["nomNaissance"] != nil {
                    html.markup(" aria-invalid=\"true\" aria-describedby=\"nomNaissance-error\"")
                }
                html.markup(">\n")
                html.markup("</div>\n")
            }
            html.markup("\n")
            html.markup("<div class=\"field")
            if errors["secondOrganisme"] != nil {
                html.markup(" field-error")
            }
            html.markup("\">\n")
            html.markup(
                "<label for=\"secondOrganisme\">Vous occupez des fonctions dans un second organisme, merci de le renseigner</label>\n"
            )
            if let error = errors["secondOrganisme"] {
                html.markup(
                    "<p class=\"error-message\" id=\"secondOrganisme-error\"><span class=\"visually-hidden\">Erreur : </span>"
                )
                html.text(error)
                html.markup("</p>")
            }
            html.markup("\n")
            html.markup("<select id=\"secondOrganisme\" name=\"secondOrganisme\"")
            if errors["secondOrganisme"] != nil {
                html.markup(" aria-invalid=\"true\" aria-describedby=\"secondOrganisme-error\"")
            }
            html.markup(">\n")
            html.markup("<option value=\"\">Aucun</option>\n")
            for group in groups {
                html.markup("<optgroup label=\"")
                html.attribute(group.label)
                html.markup("\">\n")
                for option in group.options {
                    html.markup("<option value=\"")
                    html.attribute(option.id)
                    html.markup("\"")
                    if option.id == form.secondOrganisme {
                        html.markup(" selected")
                    }
                    html.markup(">")
                    html.text(option.name)
                    html.markup("</option>\n")
                }
                html.markup("</optgroup>\n")
            }
            html.markup("\n")
            html.markup("</select>\n")
            html.markup("</div>\n")
            html.markup("</fieldset>\n")
            html.markup("<fieldset>\n")
            html.markup("<legend>Coordonnées</legend>\n")
            html.markup("<div class=\"field")
            if errors["email"] != nil {
                html.markup(" field-error")
            }
            html.markup("\">\n")
            html.markup("<label for=\"email\">Email</label>\n")
            html.markup(
                "<p class=\"hint\" id=\"email-hint\">C’est votre identifiant de connexion. Une nouvelle adresse ne sera utilisée qu’après confirmation par le lien que nous y enverrons.</p>\n"
            )
            if let error = errors["email"] {
                html.markup(
                    "<p class=\"error-message\" id=\"email-error\"><span class=\"visually-hidden\">Erreur : </span>")
                html.text(error)
                html.markup("</p>")
            }
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
            html.markup("<div class=\"field")
            if errors["motDePasseActuel"] != nil {
                html.markup(" field-error")
            }
            html.markup("\">\n")
            html.markup(
                "<label for=\"motDePasseActuel\">Mot de passe actuel (seulement pour changer d’adresse e-mail)</label>\n"
            )
            if let error = errors["motDePasseActuel"] {
                html.markup(
                    "<p class=\"error-message\" id=\"motDePasseActuel-error\"><span class=\"visually-hidden\">Erreur : </span>"
                )
                html.text(error)
                html.markup("</p>")
            }
            html.markup("\n")
            html.markup(
                "<input type=\"password\" id=\"motDePasseActuel\" name=\"motDePasseActuel\" autocomplete=\"current-password\""
            )
            if errors["motDePasseActuel"] != nil {
                html.markup(" aria-invalid=\"true\" aria-describedby=\"motDePasseActuel-error\"")
            }
            html.markup(">\n")
            html.markup("</div>\n")
            html.markup("<div class=\"field")
            if errors["emailContact"] != nil {
                html.markup(" field-error")
            }
            html.markup("\">\n")
            html.markup("<label for=\"emailContact\">Email de contact</label>\n")
            if let error = errors["emailContact"] {
                html.markup(
                    "<p class=\"error-message\" id=\"emailContact-error\"><span class=\"visually-hidden\">Erreur : </span>"
                )
                html.text(error)
                html.markup("</p>")
            }
            html.markup("\n")
            html.markup("<input type=\"email\" id=\"emailContact\" name=\"emailContact\" value=\"")
            html.attribute(form.emailContact)
            html.markup("\" autocomplete=\"email\" spellcheck=\"false\"")
            if errors["emailContact"] != nil {
                html.markup(" aria-invalid=\"true\" aria-describedby=\"emailContact-error\"")
            }
            html.markup(">\n")
            html.markup("</div>\n")
            html.markup("<div class=\"field")
            if errors["telephone"] != nil {
                html.markup(" field-error")
            }
            html.markup("\">\n")
            html.markup("<label for=\"telephone\">Téléphone</label>\n")
            if let error = errors["telephone"] {
                html.markup(
                    "<p class=\"error-message\" id=\"telephone-error\"><span class=\"visually-hidden\">Erreur : </span>"
                )
                html.text(error)
                html.markup("</p>")
            }
            html.markup("\n")
            html.markup("<input type=\"tel\" id=\"telephone\" name=\"telephone\" value=\"")
            html.attribute(form.telephone)
            html.markup("\" autocomplete=\"tel\"")
            if errors["telephone"] != nil {
                html.markup(" aria-invalid=\"true\" aria-describedby=\"telephone-error\"")
            }
            html.markup(">\n")
            html.markup("</div>\n")
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
