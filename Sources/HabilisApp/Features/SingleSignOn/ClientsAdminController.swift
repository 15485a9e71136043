import Fluent
import Vapor

/// « Connexion des applications (OpenID Connect) » on an application's page: administrators register, change,
/// give a new secret to and remove the application's clients. A secret is shown once, on the page that follows
/// its creation, never stored in clear. Every change is audited by `ClientRegistry`.
struct ClientsAdminController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let clients = Paths.adminApplicationClients.pattern
        let admin = routes.grouped(Paths.adminApplicationClients.pathComponents).grouped(AdministratorGuard())
        admin.get(use: index)
        admin.get(Paths.adminNewApplicationClient.pathComponents(under: clients), use: new)
        admin.post(Paths.adminNewApplicationClient.pathComponents(under: clients), use: create)
        admin.get(Paths.adminApplicationClient.pathComponents(under: clients), use: edit)
        admin.post(Paths.adminApplicationClient.pathComponents(under: clients), use: update)
        admin.post(Paths.adminRotateClientSecret.pathComponents(under: clients), use: rotateSecret)
        admin.post(Paths.adminRemoveClient.pathComponents(under: clients), use: remove)
    }

    /// The application's clients.
    func index(req: Request) async throws -> Response {
        let application = try await findApplication(req)
        let clients = try await req.portal.clients.clients(of: application.id!, on: req.db)
        let notice: String? =
            switch req.query[String.self, at: "fait"] {
            case "enregistre": "Les modifications du client ont été enregistrées."
            case "supprime": "Le client a été supprimé : les jetons qu’il avait reçus ne valent plus rien."
            default: nil
            }
        return req.page(
            ClientsPage(
                frame: PageFrame(req, title: "Connexion de \(application.name) (OpenID Connect)", notice: notice),
                applicationName: application.name, issuer: req.portal.provider.issuer,
                discoveryURL: req.portal.provider.issuer + Paths.openIDConfiguration,
                newURL: Paths.adminNewApplicationClient(application.id!),
                applicationURL: Paths.adminApplication(application.id!),
                rows: clients.map { client in
                    ClientsPage.Row(
                        name: client.name, clientID: client.clientID,
                        kind: client.isPublic ? "public (PKCE)" : "confidentiel", algorithm: client.signingAlgorithm,
                        redirectURIs: client.redirectURIs.joined(separator: " "),
                        editURL: Paths.adminApplicationClient(application.id!, client.clientID))
                }))
    }

    func new(req: Request) async throws -> Response {
        let application = try await findApplication(req)
        return try await render(req, application: application, client: nil, form: ClientForm(), errors: FormErrors())
    }

    /// Registers the client and shows its secret, once.
    func create(req: Request) async throws -> Response {
        let application = try await findApplication(req)
        let form = (try? req.content.decode(ClientForm.self)) ?? ClientForm()
        do {
            let (client, secret) = try await req.portal.clients.register(
                form.registration(for: application, isNew: true), by: req.auditContext, on: req.db)
            return try await secretPage(req, application: application, client: client, secret: secret, isNew: true)
        } catch let refusal as ClientRegistry.Refusal {
            return try await render(req, application: application, client: nil, form: form, errors: refusal.errors)
        }
    }

    func edit(req: Request) async throws -> Response {
        let (application, client) = try await findClient(req)
        return try await render(
            req, application: application, client: client, form: ClientForm(client), errors: FormErrors())
    }

    func update(req: Request) async throws -> Response {
        let (application, client) = try await findClient(req)
        let form = (try? req.content.decode(ClientForm.self)) ?? ClientForm()
        do {
            try await req.portal.clients.update(
                client, with: form.registration(for: application, isNew: false), by: req.auditContext, on: req.db)
            return req.redirect(to: Paths.adminApplicationClients(application.id!) + "?fait=enregistre")
        } catch let refusal as ClientRegistry.Refusal {
            return try await render(req, application: application, client: client, form: form, errors: refusal.errors)
        }
    }

    /// A new secret for a confidential client: the old one stops working at once.
    func rotateSecret(req: Request) async throws -> Response {
        let (application, client) = try await findClient(req)
        guard
            let secret = try await req.portal.clients.rotateSecret(
                of: client.clientID, by: req.auditContext, on: req.db)
        else { throw Abort(.notFound) }
        return try await secretPage(req, application: application, client: client, secret: secret, isNew: false)
    }

    /// A client already removed (from another tab, by another administrator) leads to the list, which shows it
    /// gone, rather than to « Page introuvable ».
    func remove(req: Request) async throws -> Response {
        let application = try await findApplication(req)
        let list = Paths.adminApplicationClients(application.id!)
        guard let clientID = req.parameters.get("client"),
            let client = try await req.portal.clients.find(clientID, on: req.db),
            client.$application.id == application.id,
            try await req.portal.clients.remove(client.clientID, by: req.auditContext, on: req.db)
        else { return req.redirect(to: list) }
        return req.redirect(to: list + "?fait=supprime")
    }

    // MARK: - Pages

    private func render(
        _ req: Request, application: BusinessApplication, client: OIDCClient?, form: ClientForm, errors: FormErrors
    ) async throws -> Response {
        let title = client.map { "Client « \($0.name) »" } ?? "Nouveau client de \(application.name)"
        let page = ClientEditPage(
            frame: PageFrame(req, title: errorPrefix(errors) + title), heading: title,
            applicationName: application.name,
            action: client.map { Paths.adminApplicationClient(application.id!, $0.clientID) }
                ?? Paths.adminNewApplicationClient(application.id!),
            clientID: client?.clientID, isNew: client == nil, isPublic: client?.isPublic ?? (form.kind == "public"),
            form: form, errors: errors,
            rotateURL: client.flatMap {
                $0.isPublic ? nil : Paths.adminRotateClientSecret(application.id!, $0.clientID)
            },
            removeURL: client.map { Paths.adminRemoveClient(application.id!, $0.clientID) },
            listURL: Paths.adminApplicationClients(application.id!))
        return req.page(page, status: status(errors))
    }

    /// The one page that shows a secret; never cached.
    private func secretPage(
        _ req: Request, application: BusinessApplication, client: OIDCClient, secret: String?, isNew: Bool
    ) async throws -> Response {
        let page = ClientSecretPage(
            frame: PageFrame(req, title: isNew ? "Client enregistré" : "Nouveau secret du client"),
            heading: isNew ? "Client « \(client.name) » enregistré" : "Nouveau secret du client « \(client.name) »",
            clientID: client.clientID, secret: secret, listURL: Paths.adminApplicationClients(application.id!))
        let response = req.page(page)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    private func findApplication(_ req: Request) async throws -> BusinessApplication {
        guard let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)),
            let application = try await BusinessApplication.find(id, on: req.db)
        else { throw Abort(.notFound) }
        return application
    }

    private func findClient(_ req: Request) async throws -> (BusinessApplication, OIDCClient) {
        let application = try await findApplication(req)
        guard let clientID = req.parameters.get("client"),
            let client = try await req.portal.clients.find(clientID, on: req.db),
            client.$application.id == application.id
        else { throw Abort(.notFound) }
        return (application, client)
    }
}

/// The client form; URIs one per line.
struct ClientForm: Content {
    var name: String?
    var kind: String?
    var pkce: String?
    var redirectURIs: String?
    var postLogoutRedirectURIs: String?
    var backchannelLogoutURI: String?
    var initiateLoginURI: String?
    var algorithm: String?
    var accessTokenSeconds: String?
    var idTokenSeconds: String?
    var refreshTokenSeconds: String?

    init() {
        kind = "confidential"
        pkce = "1"
        algorithm = SigningKeys.Algorithm.rs256.rawValue
        accessTokenSeconds = String(ClientRegistry.defaultAccessTokenSeconds)
        idTokenSeconds = String(ClientRegistry.defaultIDTokenSeconds)
        refreshTokenSeconds = String(ClientRegistry.defaultRefreshTokenSeconds)
    }

    init(_ client: OIDCClient) {
        name = client.name
        kind = client.isPublic ? "public" : "confidential"
        pkce = client.requiresPKCE ? "1" : nil
        redirectURIs = client.redirectURIs.joined(separator: "\n")
        postLogoutRedirectURIs = client.postLogoutRedirectURIs.joined(separator: "\n")
        backchannelLogoutURI = client.backchannelLogoutURI
        initiateLoginURI = client.initiateLoginURI
        algorithm = client.signingAlgorithm
        accessTokenSeconds = String(client.accessTokenSeconds)
        idTokenSeconds = String(client.idTokenSeconds)
        refreshTokenSeconds = String(client.refreshTokenSeconds)
    }

    /// What the registry checks; a number that is not one is out of every bound.
    func registration(for application: BusinessApplication, isNew: Bool) -> ClientRegistry.Registration {
        func lines(_ text: String?) -> [String] {
            (text ?? "").split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
        }
        func optional(_ text: String?) -> String? {
            text.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        var registration = ClientRegistry.Registration(
            applicationCode: application.code, redirectURIs: lines(redirectURIs))
        registration.name = name?.trimmingCharacters(in: .whitespaces) ?? ""
        registration.postLogoutRedirectURIs = lines(postLogoutRedirectURIs)
        registration.backchannelLogoutURI = optional(backchannelLogoutURI)
        registration.initiateLoginURI = optional(initiateLoginURI)
        registration.isPublic = isNew && kind == "public"
        registration.requiresPKCE = pkce == "1"
        registration.algorithm = SigningKeys.Algorithm(rawValue: algorithm ?? "") ?? .rs256
        registration.accessTokenSeconds = Int(accessTokenSeconds ?? "") ?? -1
        registration.idTokenSeconds = Int(idTokenSeconds ?? "") ?? -1
        registration.refreshTokenSeconds = Int(refreshTokenSeconds ?? "") ?? -1
        return registration
    }
}

struct ClientsPage {
    struct Row {
        let name: String
        let clientID: String
        let kind: String
        let algorithm: String
        let redirectURIs: String
        let editURL: String
    }

    let frame: PageFrame
    let applicationName: String
    let issuer: String
    let discoveryURL: String
    let newURL: String
    let applicationURL: String
    let rows: [Row]
}

struct ClientEditPage {
    let frame: PageFrame
    let heading: String
    let applicationName: String
    let action: String
    let clientID: String?
    let isNew: Bool
    let isPublic: Bool
    let form: ClientForm
    let errors: FormErrors
    let rotateURL: String?
    let removeURL: String?
    let listURL: String
}

struct ClientSecretPage {
    let frame: PageFrame
    let heading: String
    let clientID: String
    let secret: String?
    let listURL: String
}
