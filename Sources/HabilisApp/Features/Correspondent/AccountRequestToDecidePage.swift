extension AccountRequestToDecidePage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("<h1>Demande de compte de ")
            html.text(row.name)
            html.markup("</h1>\n")
            errors.write(to: &html)
            if row.isOutsideMailDomains {
                html.markup("<p class=\"warning-box\"><strong>Attention :</strong> l’adresse ")
                html.text(row.email)
                html.markup(" n’appartient pas aux domaines de messagerie déclarés pour ")
                html.text(row.organisationName)
                html.markup(" (")
                html.text(row.mailDomains)
                html.markup("). Vérifiez l’identité de la personne avant d’accepter.</p>")
            }
            html.markup("<dl class=\"summary\">\n")
            html.markup("<dt>Identifiant (e-mail)</dt><dd>")
            html.text(row.email)
            html.markup("</dd>\n")
            html.markup("<dt>Identité</dt><dd>")
            html.text(row.name)
            html.markup("</dd>\n")
            html.markup("<dt>Nom de naissance</dt><dd>")
            if let birthName = row.birthName {
                html.text(birthName)
            } else {
                html.markup("—")
            }
            html.markup("</dd>\n")
            html.markup("<dt>Organisme</dt><dd>")
            html.text(row.organisationName)
            html.markup("</dd>\n")
            html.markup("<dt>Second organisme</dt><dd>")
            if let secondOrganisationName = row.secondOrganisationName {
                html.text(secondOrganisationName)
            } else {
                html.markup("—")
            }
            html.markup("</dd>\n")
            html.markup("<dt>Téléphone</dt><dd>")
            html.text(row.phone)
            html.markup("</dd>\n")
            html.markup("<dt>E-mail de contact</dt><dd>")
            if let contactEmail = row.contactEmail {
                html.text(contactEmail)
            } else {
                html.markup("—")
            }
            html.markup("</dd>\n")
            html.markup("<dt>Reçue le</dt><dd>")
            html.text(row.submittedOn)
            if row.isOverdue {
                html.markup(" — en retard")
            }
            html.markup("</dd>\n")
            html.markup("</dl>\n")
            frame.writeFormStart(action: action, to: &html)
            errors.writeField("motif", label: "Motif du refus (obligatoire pour refuser)", to: &html) { html in
                html.markup("<textarea id=\"motif\" name=\"motif\" rows=\"3\"")
                errors.writeInvalidState(of: "motif", to: &html)
                html.markup(">")
                html.text(reason)
                html.markup("</textarea>\n")
            }
            if let error = errors["decision"] {
                html.markup("<p class=\"error-message\" id=\"decision\">")
                html.text(error)
                html.markup("</p>")
            }
            html.markup("\n")
            html.markup("<div class=\"actions\">\n")
            html.markup(
                "<button type=\"submit\" name=\"decision\" value=\"accepter\">Accepter et ouvrir le compte</button>\n")
            html.markup(
                "<button type=\"submit\" name=\"decision\" value=\"refuser\" class=\"danger\">Refuser la demande</button>\n"
            )
            html.markup("</div>\n")
            html.markup("</form>\n")
            html.markup("<p><a href=\"")
            html.url(queueURL)
            html.markup("\">Retour aux demandes à traiter</a></p>\n")
        }
    }
}
