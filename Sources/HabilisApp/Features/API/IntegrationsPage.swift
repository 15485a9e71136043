/// « Accès machine et événements »: the machine clients and the endpoints, each list with the form that adds one.
struct IntegrationsPage {
    /// The value of « Toute la fédération » in the application list.
    static let federation = "*"

    struct ClientRow {
        let name: String
        let clientID: String
        let scope: String
        let scopes: String
        let secretURL: String
        let removeURL: String
    }

    struct EndpointRow {
        let application: String
        let url: String
        let createdAt: String
        let logURL: String
    }

    let frame: PageFrame
    let errors: FormErrors
    let tokenURL: String
    let contractURL: String
    let applications: [(code: String, name: String)]
    let clients: [ClientRow]
    let endpoints: [EndpointRow]
    let clientForm: IntegrationsAdminController.ClientForm
    let endpointForm: IntegrationsAdminController.EndpointForm
}

extension IntegrationsPage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("<h1>Accès machine et événements</h1>\n")
            errors.write(to: &html)
            writeClients(to: &html)
            writeEndpoints(to: &html)
        }
    }

    private func writeClients(to html: inout HTMLWriter) {
        html.markup("<h2>Clients machine (API et SCIM)</h2>\n<p>Un client machine obtient un jeton au point ")
        html.markup("de jeton (<code>")
        html.text(tokenURL)
        html.markup("</code>, octroi <code>client_credentials</code>) et appelle l’API décrite par <a href=\"")
        html.url(contractURL)
        html.markup("\">son contrat OpenAPI</a>. Un client d’application ne voit et ne change que les habilitations ")
        html.markup("de son application.</p>\n")
        if clients.isEmpty {
            html.markup("<p>Aucun client machine n’est enregistré.</p>\n")
        } else {
            html.markup("<div class=\"table-wrapper\" tabindex=\"0\" role=\"region\" aria-label=\"Clients machine\">\n")
            html.markup("<table>\n<caption>Clients machine</caption>\n<thead><tr><th scope=\"col\">Client</th>")
            html.markup("<th scope=\"col\">Identifiant (client_id)</th><th scope=\"col\">Périmètre</th>")
            html.markup("<th scope=\"col\">Portées</th><th scope=\"col\">Actions</th></tr></thead>\n<tbody>\n")
            for client in clients {
                html.markup("<tr><td>")
                html.text(client.name)
                html.markup("</td><td><code>")
                html.text(client.clientID)
                html.markup("</code></td><td>")
                html.text(client.scope)
                html.markup("</td><td>")
                html.text(client.scopes)
                html.markup("</td><td>")
                writeButton(client.secretURL, label: "Nouveau secret", of: client.name, danger: false, to: &html)
                writeButton(client.removeURL, label: "Supprimer", of: client.name, danger: true, to: &html)
                html.markup("</td></tr>\n")
            }
            html.markup("</tbody>\n</table>\n</div>\n")
        }
        html.markup("<h3>Enregistrer un client machine</h3>\n")
        frame.writeFormStart(action: Paths.adminMachineClients, to: &html)
        errors.writeInputField("name", label: "Nom du client (facultatif)", value: clientForm.name, to: &html)
        errors.writeField("application", label: "Périmètre", to: &html) { html in
            html.markup("<select id=\"application\" name=\"application\"")
            errors.writeInvalidState(of: "application", to: &html)
            html.markup(">\n<option value=\"*\">Toute la fédération</option>\n")
            writeOptions(selected: clientForm.application, to: &html)
            html.markup("</select>\n")
        }
        html.markup("<fieldset id=\"scopes\">\n<legend>Portées</legend>\n")
        errors.writeMessage(of: "scopes", to: &html)
        for scope in MachineScope.allCases {
            html.markup("<p><input type=\"checkbox\" name=\"scopes[]\" id=\"scope-")
            html.attribute(scope.rawValue.replacingOccurrences(of: ":", with: "-"))
            html.markup("\" value=\"")
            html.attribute(scope.rawValue)
            html.markup("\"")
            if clientForm.scopes?.contains(scope.rawValue) == true { html.markup(" checked") }
            html.markup("> <label class=\"inline\" for=\"scope-")
            html.attribute(scope.rawValue.replacingOccurrences(of: ":", with: "-"))
            html.markup("\"><code>")
            html.text(scope.rawValue)
            html.markup("</code> — ")
            html.text(Self.scopeLabel(scope))
            html.markup("</label></p>\n")
        }
        html.markup(
            "</fieldset>\n<div class=\"actions\"><button type=\"submit\">Enregistrer le client</button></div>\n")
        html.markup("</form>\n")
    }

    private func writeEndpoints(to html: inout HTMLWriter) {
        html.markup("<h2>Événements vers les applications (webhooks)</h2>\n<p>Chaque habilitation attribuée ou ")
        html.markup("retirée, chaque demande et chaque changement d’un agent est envoyé aux points de réception de ")
        html.markup("l’application, signé selon Standard Webhooks, au moins une fois et dans l’ordre pour un même ")
        html.markup("agent ; un envoi refusé est retenté pendant 24 heures.</p>\n")
        if endpoints.isEmpty {
            html.markup("<p>Aucun point de réception n’est enregistré.</p>\n")
        } else {
            html.markup(
                "<div class=\"table-wrapper\" tabindex=\"0\" role=\"region\" aria-label=\"Points de réception\">\n")
            html.markup("<table>\n<caption>Points de réception</caption>\n<thead><tr>")
            html.markup("<th scope=\"col\">Application</th><th scope=\"col\">Adresse</th>")
            html.markup("<th scope=\"col\">Enregistré le</th><th scope=\"col\">Journal</th></tr></thead>\n<tbody>\n")
            for endpoint in endpoints {
                html.markup("<tr><td>")
                html.text(endpoint.application)
                html.markup("</td><td class=\"wrap\">")
                html.text(endpoint.url)
                html.markup("</td><td>")
                html.text(endpoint.createdAt)
                html.markup("</td><td><a href=\"")
                html.url(endpoint.logURL)
                html.markup("\">Envois vers ")
                html.text(endpoint.url)
                html.markup("</a></td></tr>\n")
            }
            html.markup("</tbody>\n</table>\n</div>\n")
        }
        html.markup("<h3>Enregistrer un point de réception</h3>\n")
        frame.writeFormStart(action: Paths.adminWebhooks, to: &html)
        errors.writeField("endpoint-application", label: "Application", to: &html) { html in
            html.markup("<select id=\"endpoint-application\" name=\"application\"")
            errors.writeInvalidState(of: "endpoint-application", to: &html)
            html.markup(">\n")
            writeOptions(selected: endpointForm.application, to: &html)
            html.markup("</select>\n")
        }
        errors.writeField("endpoint-url", label: "Adresse (https)", to: &html) { html in
            html.markup("<input type=\"url\" id=\"endpoint-url\" name=\"url\" value=\"")
            html.attribute(endpointForm.url)
            html.markup("\"")
            errors.writeInvalidState(of: "endpoint-url", to: &html)
            html.markup(">\n")
        }
        html.markup("<div class=\"actions\"><button type=\"submit\">Enregistrer le point de réception</button></div>\n")
        html.markup("</form>\n")
    }

    private func writeOptions(selected: String?, to html: inout HTMLWriter) {
        for application in applications {
            html.markup("<option value=\"")
            html.attribute(application.code)
            html.markup("\"")
            if selected == application.code { html.markup(" selected") }
            html.markup(">")
            html.text(application.name)
            html.markup("</option>\n")
        }
    }

    /// A button alone in its form, its accessible name saying what it acts on.
    private func writeButton(
        _ action: String, label: StaticString, of name: String, danger: Bool, to html: inout HTMLWriter
    ) {
        html.markup("<form method=\"post\" class=\"inline\" action=\"")
        html.url(action)
        html.markup("\"><input type=\"hidden\" name=\"_csrf\" value=\"")
        html.attribute(frame.csrfToken)
        html.markup(
            danger ? "\"><button type=\"submit\" class=\"danger\">" : "\"><button type=\"submit\" class=\"secondary\">")
        html.markup(label)
        html.markup("<span class=\"visually-hidden\"> : ")
        html.text(name)
        html.markup("</span></button></form> ")
    }

    static func scopeLabel(_ scope: MachineScope) -> String {
        switch scope {
        case .rightsRead: "lire les habilitations, les demandes et le journal"
        case .rightsWrite: "attribuer et retirer des habilitations"
        case .directoryRead: "lire les organismes et les agents"
        case .directoryWrite: "alimenter les agents"
        case .scim: "le service SCIM 2.0"
        }
    }
}

/// The one page that shows a machine client's or an endpoint's secret.
struct IntegrationSecretPage: HTMLPage {
    let frame: PageFrame
    let heading: String
    let identifier: String
    let secret: String
    /// A client's secret is kept as a fingerprint; an endpoint's is kept, to sign with.
    let isHashed: Bool
    let listURL: String

    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("<h1>")
            html.text(heading)
            html.markup("</h1>\n<dl class=\"summary\">\n<dt>")
            html.markup(isHashed ? "Identifiant du client (client_id)" : "Adresse")
            html.markup("</dt><dd><code>")
            html.text(identifier)
            html.markup("</code></dd>\n<dt>")
            html.markup(isHashed ? "Secret du client (client_secret)" : "Secret de signature")
            html.markup("</dt><dd><code>")
            html.text(secret)
            html.markup("</code></dd>\n</dl>\n<div class=\"warning-box\" role=\"status\"><p>Copiez ce secret ")
            html.markup("maintenant et transmettez-le à l’équipe de l’application par un canal sûr : il ne sera plus ")
            html.markup(
                isHashed
                    ? "jamais affiché. Habilis n’en garde qu’une empreinte.</p></div>\n" : "jamais affiché.</p></div>\n"
            )
            html.markup("<p><a href=\"")
            html.url(listURL)
            html.markup("\">Retour à l’accès machine et aux événements</a></p>\n")
        }
    }
}
