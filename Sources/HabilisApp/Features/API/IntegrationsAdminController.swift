import Fluent
import Vapor

/// « Accès machine et événements », for administrators: the machine clients of the REST API and SCIM (bound to an
/// application or federation-wide, their scopes, a new secret, removal) and the endpoints that receive the
/// applications' change events (their delivery log of 30 days, « Renvoyer »). Secrets are shown once, on the page
/// that follows their creation. Every change is audited by the registries.
struct IntegrationsAdminController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let admin = routes.grouped(Paths.administration.pathComponents).grouped(AdministratorGuard())
        let under = Paths.administration
        admin.get(Paths.adminIntegrations.pathComponents(under: under), use: index)
        admin.post(Paths.adminMachineClients.pathComponents(under: under), use: addClient)
        admin.post(Paths.adminMachineClientSecret.pathComponents(under: under), use: rotateSecret)
        admin.post(Paths.adminRemoveMachineClient.pathComponents(under: under), use: removeClient)
        admin.post(Paths.adminWebhooks.pathComponents(under: under), use: addEndpoint)
        admin.get(Paths.adminWebhook.pathComponents(under: under), use: endpointLog)
        admin.post(Paths.adminRemoveWebhook.pathComponents(under: under), use: removeEndpoint)
        admin.post(Paths.adminResendWebhook.pathComponents(under: under), use: resend)
    }

    /// What the two forms post.
    struct ClientForm: Content {
        var name: String?
        var application: String?
        var scopes: [String]?
    }

    struct EndpointForm: Content {
        var application: String?
        var url: String?
    }

    func index(req: Request) async throws -> Response {
        try await render(req, clientForm: ClientForm(), endpointForm: EndpointForm(), errors: FormErrors())
    }

    func addClient(req: Request) async throws -> Response {
        let form = (try? req.content.decode(ClientForm.self)) ?? ClientForm()
        let code = form.application.flatMap { $0 == IntegrationsPage.federation || $0.isEmpty ? nil : $0 }
        let name = form.name?.trimmingCharacters(in: .whitespaces)
        do {
            let (client, secret) = try await req.portal.machineClients.register(
                .init(applicationCode: code, name: name?.isEmpty == false ? name : nil, scopes: form.scopes ?? []),
                by: req.auditContext, on: req.db)
            return secretPage(
                req, heading: "Client machine « \(client.name) » enregistré", identifier: client.clientID,
                secret: secret, isHashed: true)
        } catch let refusal as ClientRegistry.Refusal {
            return try await render(req, clientForm: form, endpointForm: EndpointForm(), errors: refusal.errors)
        }
    }

    func rotateSecret(req: Request) async throws -> Response {
        guard let clientID = req.parameters.get("client"),
            let secret = try await req.portal.machineClients.rotateSecret(
                of: clientID, by: req.auditContext, on: req.db)
        else { throw Abort(.notFound) }
        return secretPage(
            req, heading: "Nouveau secret du client machine", identifier: clientID, secret: secret, isHashed: true)
    }

    /// Already removed (another tab, another administrator): the list, which shows it gone.
    func removeClient(req: Request) async throws -> Response {
        guard let clientID = req.parameters.get("client"),
            try await req.portal.machineClients.remove(clientID, by: req.auditContext, on: req.db)
        else { return req.redirect(to: Paths.adminIntegrations) }
        return req.redirect(to: Paths.adminIntegrations + "?fait=client-supprime")
    }

    func addEndpoint(req: Request) async throws -> Response {
        let form = (try? req.content.decode(EndpointForm.self)) ?? EndpointForm()
        do {
            let (endpoint, secret) = try await req.portal.webhooks.add(
                application: form.application ?? "", url: (form.url ?? "").trimmingCharacters(in: .whitespaces),
                by: req.auditContext, on: req.db)
            return secretPage(
                req, heading: "Point de réception enregistré", identifier: endpoint.url, secret: secret,
                isHashed: false)
        } catch let refusal as ClientRegistry.Refusal {
            var errors = FormErrors()
            // The endpoint form's fields have names of their own on the shared page.
            for error in refusal.errors.list { errors.add("endpoint-" + error.field, error.message) }
            return try await render(req, clientForm: ClientForm(), endpointForm: form, errors: errors)
        }
    }

    /// The endpoint's deliveries of the last 30 days, newest first.
    func endpointLog(req: Request) async throws -> Response {
        let endpoint = try await findEndpoint(req)
        let deliveries = try await req.portal.webhooks.deliveries(of: endpoint.id!, on: req.db)
        let notice =
            req.query[String.self, at: "renvoye"] == "1"
            ? "L’événement repart : il sera envoyé dans les prochaines secondes." : nil
        return req.page(
            WebhookLogPage(
                frame: PageFrame(req, title: "Envois vers \(endpoint.url)", notice: notice),
                applicationName: endpoint.application.name, url: endpoint.url,
                rows: deliveries.map { delivery in
                    WebhookLogPage.Row(
                        createdAt: ParisCalendar.longDateTime(delivery.createdAt), event: delivery.eventType,
                        messageID: delivery.messageID, status: WebhookLogPage.label(delivery.status),
                        attempts: delivery.attempts,
                        answer: delivery.responseStatus.map {
                            "HTTP \($0)" + (delivery.responseBody.map { " : \($0)" } ?? "")
                        }
                            ?? delivery.lastError ?? "—",
                        resendURL: delivery.status == .failed ? Paths.adminResendWebhook(String(delivery.id!)) : nil)
                },
                removeURL: Paths.adminRemoveWebhook(endpoint.id!), listURL: Paths.adminIntegrations))
    }

    /// Already removed: the list, as for a client.
    func removeEndpoint(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)),
            try await req.portal.webhooks.remove(id, by: req.auditContext, on: req.db)
        else { return req.redirect(to: Paths.adminIntegrations) }
        return req.redirect(to: Paths.adminIntegrations + "?fait=point-supprime")
    }

    /// « Renvoyer » a failed delivery, back to its endpoint's log.
    func resend(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id").flatMap(Int.init),
            let delivery = try await WebhookDelivery.find(id, on: req.db)
        else { throw Abort(.notFound) }
        _ = try await req.portal.webhooks.resend(id, by: req.auditContext, on: req.db)
        return req.redirect(to: Paths.adminWebhook(delivery.$endpoint.id) + "?renvoye=1")
    }

    // MARK: - Pages

    private func render(
        _ req: Request, clientForm: ClientForm, endpointForm: EndpointForm, errors: FormErrors
    ) async throws -> Response {
        let applications = try await BusinessApplication.query(on: req.db).sort(\.$name).all()
        let clients = try await req.portal.machineClients.list(on: req.db)
        let endpoints = try await req.portal.webhooks.endpoints(on: req.db)
        let notice: String? =
            switch req.query[String.self, at: "fait"] {
            case "client-supprime": "Le client machine a été supprimé : ses jetons ne valent plus rien."
            case "point-supprime": "Le point de réception a été supprimé avec son journal d’envois."
            default: nil
            }
        let page = IntegrationsPage(
            frame: PageFrame(req, title: errorPrefix(errors) + "Accès machine et événements", notice: notice),
            errors: errors, tokenURL: req.portal.provider.issuer + Paths.oidcToken,
            contractURL: req.portal.provider.issuer + "/api/openapi.json",
            applications: applications.map { ($0.code, $0.name) },
            clients: clients.map { client in
                IntegrationsPage.ClientRow(
                    name: client.name, clientID: client.clientID,
                    scope: client.application?.name ?? "Toute la fédération", scopes: client.scopeList,
                    secretURL: Paths.adminMachineClientSecret(client.clientID),
                    removeURL: Paths.adminRemoveMachineClient(client.clientID))
            },
            endpoints: endpoints.map { endpoint in
                IntegrationsPage.EndpointRow(
                    application: endpoint.application.name, url: endpoint.url,
                    createdAt: ParisCalendar.longDateTime(endpoint.createdAt),
                    logURL: Paths.adminWebhook(endpoint.id!))
            },
            clientForm: clientForm, endpointForm: endpointForm)
        return req.page(page, status: status(errors))
    }

    /// The one page that shows a secret; never cached.
    private func secretPage(
        _ req: Request, heading: String, identifier: String, secret: String, isHashed: Bool
    ) -> Response {
        let response = req.page(
            IntegrationSecretPage(
                frame: PageFrame(req, title: heading), heading: heading, identifier: identifier, secret: secret,
                isHashed: isHashed, listURL: Paths.adminIntegrations))
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    private func findEndpoint(_ req: Request) async throws -> WebhookEndpoint {
        guard let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)),
            let endpoint = try await WebhookEndpoint.query(on: req.db).filter(\.$id == id).with(\.$application).first()
        else { throw Abort(.notFound) }
        return endpoint
    }
}
