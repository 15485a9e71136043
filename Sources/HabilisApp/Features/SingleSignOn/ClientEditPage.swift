extension ClientEditPage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("<h1>")
            html.text(heading)
            html.markup("</h1>\n")
            errors.write(to: &html)
            if let clientID = clientID {
                html.markup("<p>Identifiant du client (client_id) : <code>")
                html.text(clientID)
                html.markup("</code>. Type : ")
                if isPublic {
                    html.markup("public, sans secret (PKCE obligatoire)")
                } else {
                    html.markup("confidentiel")
                }
                html.markup(".</p>")
            }
            html.markup("\n")
            frame.writeFormStart(action: action, to: &html)
            errors.writeInputField("name", label: "Nom du client", value: form.name, to: &html)
            html.markup("<div class=\"field")
            errors.writeErrorClass(of: "redirectURIs", to: &html)
            html.markup("\">\n")
            html.markup("<label for=\"redirectURIs\">Adresses de retour (redirect URI), une par ligne</label>\n")
            html.markup(
                "<p class=\"hint\" id=\"redirectURIs-hint\">Comparées à l’identique ; https obligatoire en production.</p>\n"
            )
            errors.writeMessage(of: "redirectURIs", to: &html)
            html.markup("\n")
            html.markup("<textarea id=\"redirectURIs\" name=\"redirectURIs\" rows=\"3\"")
            if errors["redirectURIs"] != nil {
                html.markup(" aria-invalid=\"true\" aria-describedby=\"redirectURIs-error redirectURIs-hint\"")
            } else {
                html.markup(" aria-describedby=\"redirectURIs-hint\"")
            }
            html.markup(">")
            html.text(form.redirectURIs)
            html.markup("</textarea>\n")
            html.markup("</div>\n")
            errors.writeField(
                "postLogoutRedirectURIs", label: "Adresses de retour après déconnexion, une par ligne (facultatif)",
                to: &html
            ) { html in
                html.markup("<textarea id=\"postLogoutRedirectURIs\" name=\"postLogoutRedirectURIs\" rows=\"3\"")
                errors.writeInvalidState(of: "postLogoutRedirectURIs", to: &html)
                html.markup(">")
                html.text(form.postLogoutRedirectURIs)
                html.markup("</textarea>\n")
            }
            errors.writeInputField(
                "backchannelLogoutURI",
                label: "Adresse de déconnexion par canal direct (back-channel logout, facultatif)", type: "url",
                value: form.backchannelLogoutURI, to: &html)
            html.markup("<div class=\"field")
            errors.writeErrorClass(of: "initiateLoginURI", to: &html)
            html.markup("\">\n")
            html.markup(
                "<label for=\"initiateLoginURI\">Adresse d’ouverture de session par l’application (initiate login URI, facultatif)</label>\n"
            )
            html.markup(
                "<p class=\"hint\" id=\"initiateLoginURI-hint\">« Accéder à l’application » dans le catalogue y envoie l’agent, qui arrive connecté.</p>\n"
            )
            errors.writeMessage(of: "initiateLoginURI", to: &html)
            html.markup("\n")
            html.markup("<input type=\"url\" id=\"initiateLoginURI\" name=\"initiateLoginURI\" value=\"")
            html.attribute(form.initiateLoginURI)
            html.markup("\"")
            if errors["initiateLoginURI"] != nil {
                html.markup(" aria-invalid=\"true\" aria-describedby=\"initiateLoginURI-error initiateLoginURI-hint\"")
            } else {
                html.markup(" aria-describedby=\"initiateLoginURI-hint\"")
            }
            html.markup(">\n")
            html.markup("</div>\n")
            if isNew {
                html.markup("<fieldset id=\"kind\">\n")
                html.markup("<legend>Type de client</legend>\n")
                html.markup("<p><input type=\"radio\" id=\"kind-confidential\" name=\"kind\" value=\"confidential\"")
                if form.kind == "confidential" {
                    html.markup(" checked")
                }
                html.markup(
                    "> <label for=\"kind-confidential\" class=\"inline\">Confidentiel : un serveur qui garde un secret</label></p>\n"
                )
                html.markup("<p><input type=\"radio\" id=\"kind-public\" name=\"kind\" value=\"public\"")
                if form.kind == "public" {
                    html.markup(" checked")
                }
                html.markup(
                    "> <label for=\"kind-public\" class=\"inline\">Public : une application sans secret (PKCE obligatoire)</label></p>\n"
                )
                html.markup("</fieldset>")
            }
            html.markup("\n")
            html.markup("<div class=\"field\"><input type=\"checkbox\" id=\"pkce\" name=\"pkce\" value=\"1\"")
            if form.pkce == "1" {
                html.markup(" checked")
            }
            html.markup(
                "> <label for=\"pkce\" class=\"inline\">Exiger PKCE (S256) ; toujours exigé pour un client public</label></div>\n"
            )
            html.markup("<div class=\"field\">\n")
            html.markup("<label for=\"algorithm\">Algorithme de signature des jetons</label>\n")
            html.markup("<select id=\"algorithm\" name=\"algorithm\"><option value=\"RS256\"")
            if form.algorithm == "RS256" {
                html.markup(" selected")
            }
            html.markup(">RS256</option><option value=\"ES256\"")
            if form.algorithm == "ES256" {
                html.markup(" selected")
            }
            html.markup(">ES256</option></select>\n")
            html.markup("</div>\n")
            errors.writeInputField(
                "accessTokenSeconds", label: "Durée du jeton d’accès, en secondes (60 à 3 600)", numeric: true,
                value: form.accessTokenSeconds, to: &html)
            errors.writeInputField(
                "idTokenSeconds", label: "Durée du jeton d’identité, en secondes (60 à 3 600)", numeric: true,
                value: form.idTokenSeconds, to: &html)
            errors.writeInputField(
                "refreshTokenSeconds", label: "Durée du jeton de rafraîchissement, en secondes (300 à 2 592 000)",
                numeric: true, value: form.refreshTokenSeconds, to: &html)
            html.markup(
                "<div class=\"actions\"><button type=\"submit\">Enregistrer</button> <a class=\"button secondary\" href=\""
            )
            html.url(listURL)
            html.markup("\">Annuler</a></div>\n")
            html.markup("</form>\n")
            if let rotateURL = rotateURL {
                html.markup("<form method=\"post\" action=\"")
                html.url(rotateURL)
                html.markup("\">\n")
                html.markup("<input type=\"hidden\" name=\"_csrf\" value=\"")
                html.attribute(frame.csrfToken)
                html.markup("\">\n")
                html.markup(
                    "<div class=\"actions\"><button type=\"submit\" class=\"secondary\">Générer un nouveau secret pour « "
                )
                html.text(form.name)
                html.markup(" »</button></div>\n")
                html.markup("</form>")
            }
            if let removeURL = removeURL {
                html.markup("<form method=\"post\" action=\"")
                html.url(removeURL)
                html.markup("\">\n")
                html.markup("<input type=\"hidden\" name=\"_csrf\" value=\"")
                html.attribute(frame.csrfToken)
                html.markup("\">\n")
                html.markup("<div class=\"actions\"><button type=\"submit\" class=\"danger\">Supprimer le client « ")
                html.text(form.name)
                html.markup(" »</button></div>\n")
                html.markup("</form>")
            }
        }
    }
}
