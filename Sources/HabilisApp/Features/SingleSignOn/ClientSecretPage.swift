extension ClientSecretPage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("<h1>")
            html.text(heading)
            html.markup("</h1>\n")
            html.markup("<dl class=\"summary\">\n")
            html.markup("<dt>Identifiant du client (client_id)</dt><dd><code>")
            html.text(clientID)
            html.markup("</code></dd>\n")
            if let secret = secret {
                html.markup("<dt>Secret du client (client_secret)</dt><dd><code>")
                html.text(secret)
                html.markup("</code></dd>")
            }
            html.markup("</dl>\n")
            if secret != nil {
                html.markup(
                    "<div class=\"warning-box\" role=\"status\"><p>Copiez ce secret maintenant et transmettez-le à l’équipe de l’application par un canal sûr : il ne sera plus jamais affiché. Habilis n’en garde qu’une empreinte.</p></div>"
                )
            } else {
                html.markup("<p>Ce client est public : il n’a pas de secret et doit utiliser PKCE.</p>")
            }
            html.markup("\n")
            html.markup("<p><a href=\"")
            html.url(listURL)
            html.markup("\">Retour aux clients de l’application</a></p>\n")
        }
    }
}
