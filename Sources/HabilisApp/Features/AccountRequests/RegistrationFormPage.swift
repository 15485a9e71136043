extension RegistrationFormPage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("<h1>Formulaire d’inscription</h1>\n")
            html.markup("<p>Tous les champs sont obligatoires sauf mention « facultatif ».</p>\n")
            errors.write(to: &html)
            html.markup("\n")
            frame.writeFormStart(action: action, to: &html)
            errors.writeInputField(
                "email", label: "E-mail professionnel (identifiant de connexion)", type: "email", value: form.email,
                attributes: " autocomplete=\"email\" spellcheck=\"false\"", to: &html)
            html.markup("<fieldset>\n")
            html.markup("<legend>Identité</legend>\n")
            errors.writeField("civilite", label: "Civilité", to: &html) { html in
                html.markup("<select id=\"civilite\" name=\"civilite\" autocomplete=\"honorific-prefix\"")
                errors.writeInvalidState(of: "civilite", to: &html)
                html.markup(">\n")
                html.markup("<option value=\"\">Choisir</option>\n")
                html.options(civilities, selected: form.civilite)
                html.markup("\n")
                html.markup("</select>\n")
            }
            errors.writeInputField(
                "prenom", label: "Prénom", value: form.prenom, attributes: " autocomplete=\"given-name\"", to: &html)
            errors.writeInputField(
                "nom", label: "Nom", value: form.nom, attributes: " autocomplete=\"family-name\"", to: &html)
            errors.writeInputField(
                "nomNaissance", label: "Nom de naissance (facultatif)", value: form.nomNaissance,
                attributes: " autocomplete=\"off\"", to: &html)
            html.markup("</fieldset>\n")
            html.markup("<fieldset>\n")
            html.markup("<legend>Organisme</legend>\n")
            html.markup("<div class=\"field")
            errors.writeErrorClass(of: "organisme", to: &html)
            html.markup("\">\n")
            html.markup("<label for=\"organisme\">Votre organisme</label>\n")
            html.markup(
                "<p class=\"hint\" id=\"organisme-hint\">Liste classée par branche ; tapez les premières lettres pour y aller directement.</p>\n"
            )
            errors.writeMessage(of: "organisme", to: &html)
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
            OrganisationGroup.writeOptions(groups, selected: form.organisme, to: &html)
            html.markup("\n")
            html.markup("</select>\n")
            html.markup("</div>\n")
            OrganisationGroup.writeSecondOrganisationField(
                groups, selected: form.secondOrganisme,
                label: "Vous occupez des fonctions dans un second organisme, merci de le renseigner (facultatif)",
                errors: errors, to: &html)
            html.markup("</fieldset>\n")
            html.markup("<fieldset>\n")
            html.markup("<legend>Coordonnées</legend>\n")
            errors.writeInputField(
                "telephone", label: "Téléphone", type: "tel", value: form.telephone,
                attributes: " autocomplete=\"tel\"", to: &html)
            errors.writeInputField(
                "emailContact", label: "E-mail de contact (facultatif)", type: "email", value: form.emailContact,
                attributes: " autocomplete=\"email\" spellcheck=\"false\"", to: &html)
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
            errors.writeNewPasswordFields(
                password: "Mot de passe", confirmation: "Confirmez le mot de passe", to: &html)
            html.markup("</fieldset>\n")
            html.markup("<div class=\"actions\"><button type=\"submit\">Envoyer ma demande</button></div>\n")
            html.markup("</form>\n")
        }
    }
}
