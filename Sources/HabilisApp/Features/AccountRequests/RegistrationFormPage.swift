extension RegistrationFormPage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("<h1>Formulaire d’inscription</h1>\n")
            html.markup("<p>Tous les champs sont obligatoires sauf mention « facultatif ».</p>\n")
            errors.write(to: &html)
            html.markup("\n")
            html.markup("<form method=\"post\" action=\"")
            html.url(action)
            html.markup("\" class=\"form\" novalidate>\n")
            html.markup("<input type=\"hidden\" name=\"_csrf\" value=\"")
            html.attribute(frame.csrfToken)
            html.markup("\">\n")
            html.markup("<div class=\"field")
            if errors["email"] != nil {
                html.markup(" field-error")
            }
            html.markup("\">\n")
            html.markup("<label for=\"email\">E-mail professionnel (identifiant de connexion)</label>\n")
            if let error = errors["email"] {
                html.markup(
                    "<p class=\"error-message\" id=\"email-error\"><span class=\"visually-hidden\">Erreur : </span>")
                html.text(error)
                html.markup("</p>")
            }
            html.markup("\n")
            html.markup("<input type=\"email\" id=\"email\" name=\"email\" value=\"")
            html.attribute(form.email)
            html.markup("\" autocomplete=\"email\" spellcheck=\"false\"")
            if errors["email"] != nil {
                html.markup(" aria-invalid=\"true\" aria-describedby=\"email-error\"")
            }
            html.markup(">\n")
            html.markup("</div>\n")
            html.markup("<fieldset>\n")
            html.markup("<legend>Identité</legend>\n")
            html.markup("<div class=\"field")
            if errors["civilite"] != nil {
                html.markup(" field-error")
            }
            html.markup("\">\n")
            html.markup("<label for=\"civilite\">Civilité</label>\n")
            if let error = errors["civilite"] {
                html.markup(
                    "<p class=\"error-message\" id=\"civilite-error\"><span class=\"visually-hidden\">Erreur : </span>")
                html.text(error)
                html.markup("</p>")
            }
            html.markup("\n")
            html.markup("<select id=\"civilite\" name=\"civilite\" autocomplete=\"honorific-prefix\"")
            if errors["civilite"] != nil {
                html.markup(" aria-invalid=\"true\" aria-describedby=\"civilite-error\"")
            }
            html.markup(">\n")
            html.markup("<option value=\"\">Choisir</option>\n")
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
                    "<p class=\"error-message\" id=\"prenom-error\"><span class=\"visually-hidden\">Erreur : </span>")
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
            html.markup("<label for=\"nomNaissance\">Nom de naissance (facultatif)</label>\n")
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
            html.markup("</fieldset>\n")
            html.markup("<fieldset>\n")
            html.markup("<legend>Organisme</legend>\n")
            html.markup("<div class=\"field")
            if errors["organisme"] != nil {
                html.markup(" field-error")
            }
            html.markup("\">\n")
            html.markup("<label for=\"organisme\">Votre organisme</label>\n")
            html.markup(
                "<p class=\"hint\" id=\"organisme-hint\">Liste classée par branche ; tapez les premières lettres pour y aller directement.</p>\n"
            )
            if let error = errors["organisme"] {
                html.markup(
                    "<p class=\"error-message\" id=\"organisme-error\"><span class=\"visually-hidden\">Erreur : </span>"
                )
                html.text(error)
                html.markup("</p>")
            }
            html.markup("\n")
            html.markup("<select id=\"organisme\" name=\"organisme\" aria-describedby=\"")
            if errors["organisme"] != nil {
                html.markup("organisme-error ")
            }
            html.markup(" organisme-hint\"")
            if errors["organisme"] != nil {
                html.markup(" aria-invalid=\"true\"")
            }
            html.markup(">\n")
            html.markup("<option value=\"\">Choisir votre organisme</option>\n")
            for group in groups {
                html.markup("<optgroup label=\"")
                html.attribute(group.label)
                html.markup("\">\n")
                for option in group.options {
                    html.markup("<option value=\"")
                    html.attribute(option.id)
                    html.markup("\"")
                    if option.id == form.organisme {
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
            html.markup("<div class=\"field")
            if errors["secondOrganisme"] != nil {
                html.markup(" field-error")
            }
            html.markup("\">\n")
            html.markup(
                "<label for=\"secondOrganisme\">Vous occupez des fonctions dans un second organisme, merci de le renseigner (facultatif)</label>\n"
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
            html.markup("<div class=\"field")
            if errors["emailContact"] != nil {
                html.markup(" field-error")
            }
            html.markup("\">\n")
            html.markup("<label for=\"emailContact\">E-mail de contact (facultatif)</label>\n")
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
            html.markup("</fieldset>\n")
            html.markup("<fieldset>\n")
            html.markup("<legend>Mot de passe</legend>\n")
            html.markup("<p class=\"hint\" id=\"password-rule\">De ")
            html.text(minimumLength)
            html.markup(" à ")
            html.text(maximumLength)
            html.markup(
                " caractères, de tout type ; une phrase de plusieurs mots est une bonne idée. Il ne doit pas être trop courant ni contenir votre nom, votre adresse e-mail ou le nom de votre organisme.</p>\n"
            )
            html.markup("<div class=\"field")
            if errors["password"] != nil {
                html.markup(" field-error")
            }
            html.markup("\">\n")
            html.markup("<label for=\"password\">Mot de passe</label>\n")
            if let error = errors["password"] {
                html.markup(
                    "<p class=\"error-message\" id=\"password-error\"><span class=\"visually-hidden\">Erreur : </span>")
                html.text(error)
                html.markup("</p>")
            }
            html.markup("\n")
            html.markup(
                "<input type=\"password\" id=\"password\" name=\"password\" autocomplete=\"new-password\" aria-describedby=\""
            )
            if errors["password"] != nil {
                html.markup("password-error ")
            }
            html.markup(" password-rule\"")
            if errors["password"] != nil {
                html.markup(" aria-invalid=\"true\"")
            }
            html.markup(">\n")
            html.markup("</div>\n")
            html.markup("<div class=\"field")
            if errors["confirmation"] != nil {
                html.markup(" field-error")
            }
            html.markup("\">\n")
            html.markup("<label for=\"confirmation\">Confirmez le mot de passe</label>\n")
            if let error = errors["confirmation"] {
                html.markup(
                    "<p class=\"error-message\" id=\"confirmation-error\"><span class=\"visually-hidden\">Erreur : </span>"
                )
                html.text(error)
                html.markup("</p>")
            }
            html.markup("\n")
            html.markup(
                "<input type=\"password\" id=\"confirmation\" name=\"confirmation\" autocomplete=\"new-password\"")
            if errors["confirmation"] != nil {
                html.markup(" aria-invalid=\"true\" aria-describedby=\"confirmation-error\"")
            }
            html.markup(">\n")
            html.markup("</div>\n")
            html.markup("</fieldset>\n")
            html.markup("<div class=\"actions\"><button type=\"submit\">Envoyer ma demande</button></div>\n")
            html.markup("</form>\n")
        }
    }
}
