extension SecondFactorSetupPage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("<h1>Double authentification</h1>\n")
            errors.write(to: &html)
            html.markup(
                "<p>Avec la double authentification, la connexion demande, après le mot de passe, un code à 6 chiffres calculé par une application de votre téléphone (FreeOTP, Google Authenticator, Microsoft Authenticator ou toute application « TOTP »). Quelqu’un qui connaîtrait votre mot de passe ne pourrait pas se connecter sans votre téléphone.</p>\n"
            )
            if let enabledSince = enabledSince {
                html.markup("<p><strong>La double authentification est activée depuis le ")
                html.text(enabledSince)
                html.markup(".</strong></p>\n")
                if isRequired {
                    html.markup(
                        "<p>Elle est obligatoire pour votre rôle. Si vous changez de téléphone, écrivez à <a href=\"mailto:"
                    )
                    html.attribute(frame.webmasterEmail)
                    html.markup("\">")
                    html.text(frame.webmasterEmail)
                    html.markup("</a> : un administrateur la réinitialisera.</p>")
                } else {
                    html.markup("\n")
                    html.markup("<h2>Désactiver la double authentification</h2>\n")
                    frame.writeFormStart(action: disableAction, to: &html)
                    errors.writeField("code", label: "Code affiché par votre application", to: &html) { html in
                        html.markup(
                            "<input type=\"text\" id=\"code\" name=\"code\" inputmode=\"numeric\" autocomplete=\"one-time-code\" maxlength=\"12\" class=\"short\""
                        )
                        errors.writeInvalidState(of: "code", to: &html)
                        html.markup(">\n")
                    }
                    html.markup(
                        "<div class=\"actions\"><button type=\"submit\" class=\"danger\">Désactiver</button></div>\n")
                    html.markup("</form>\n")
                }
            } else if let pendingKey = pendingKey {
                html.markup("<h2>Configurer votre application</h2>\n")
                html.markup("<ol class=\"steps\">\n")
                html.markup(
                    "<li>Dans votre application d’authentification, ajoutez un compte en saisissant la clé à la main :\n"
                )
                html.markup("<dl class=\"setup-key\">\n")
                html.markup("<dt>Compte</dt><dd>")
                html.text(accountName)
                html.markup("</dd>\n")
                html.markup("<dt>Émetteur</dt><dd>")
                html.text(issuer)
                html.markup("</dd>\n")
                html.markup("<dt>Clé</dt><dd><code>")
                html.text(pendingKey)
                html.markup("</code></dd>\n")
                html.markup("<dt>Type</dt><dd>basé sur l’heure, 6 chiffres, toutes les 30 secondes</dd>\n")
                html.markup("</dl>\n")
                html.markup("Sur le téléphone qui porte l’application, ce lien l’ouvre directement : <a href=\"")
                html.url(provisioningURI)
                html.markup("\">ajouter l’espace Organismes à mon application</a>.</li>\n")
                html.markup(
                    "<li>Saisissez le code que l’application affiche pour vérifier qu’elle est bien configurée.</li>\n")
                html.markup("</ol>\n")
                frame.writeFormStart(action: confirmAction, to: &html)
                errors.writeField("code", label: "Code affiché par votre application", to: &html) { html in
                    html.markup(
                        "<input type=\"text\" id=\"code\" name=\"code\" inputmode=\"numeric\" autocomplete=\"one-time-code\" maxlength=\"12\" class=\"short\""
                    )
                    errors.writeInvalidState(of: "code", to: &html)
                    html.markup(">\n")
                }
                html.markup(
                    "<div class=\"actions\"><button type=\"submit\">Activer la double authentification</button></div>\n"
                )
                html.markup("</form>\n")
                html.markup("<form method=\"post\" action=\"")
                html.url(setUpAction)
                html.markup("\">\n")
                html.markup("<input type=\"hidden\" name=\"_csrf\" value=\"")
                html.attribute(frame.csrfToken)
                html.markup("\">\n")
                html.markup(
                    "<p><button type=\"submit\" class=\"link-button\">Recommencer avec une nouvelle clé</button></p>\n")
                html.markup("</form>\n")
            } else {
                html.markup("\n")
                html.markup("<p>La double authentification n’est pas configurée.</p>\n")
                html.markup("<form method=\"post\" action=\"")
                html.url(setUpAction)
                html.markup("\">\n")
                html.markup("<input type=\"hidden\" name=\"_csrf\" value=\"")
                html.attribute(frame.csrfToken)
                html.markup("\">\n")
                html.markup("<button type=\"submit\">Configurer la double authentification</button>\n")
                html.markup("</form>\n")
            }
        }
    }
}
