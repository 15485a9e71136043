import Foundation
import Vapor

/// RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0): an application ends the agent's Habilis session,
/// which ends its sign-ins into every application (back-channel logout to the others). The agent is sent back
/// only to a post-logout redirect URI registered for the client the `id_token_hint` names; without a hint naming
/// the signed-in agent, Habilis asks first, so that no other site can sign anyone out.
struct LogoutController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(Paths.oidcLogout.pathComponents, use: logout)
        routes.post(Paths.oidcLogout.pathComponents, use: logout)
    }

    /// The end-session endpoint, GET or POST; a POST with `confirmation=1` is the agent's answer to the question.
    func logout(req: Request) async throws -> Response {
        let parameters = ProtocolParameters(req)
        guard !parameters.isMalformed, parameters.repeated.isEmpty else {
            return try await page("La demande de déconnexion est mal formée.", req)
        }
        let services = req.portal
        var hinted: IDTokenClaims?
        if let hint = parameters["id_token_hint"] {
            // An expired ID token is still a valid hint (§2): only its signature and issuer are checked.
            guard let claims = try await services.signingKeys.verify(hint, as: IDTokenClaims.self, on: req.db),
                claims.iss == services.provider.issuer
            else { return try await page("La demande de déconnexion donne un jeton d’identité invalide.", req) }
            hinted = claims
        }
        let clientID = parameters["client_id"] ?? hinted?.aud
        if let given = parameters["client_id"], let hinted, given != hinted.aud {
            return try await page("La demande de déconnexion ne désigne pas une seule application.", req)
        }
        let client = if let clientID { try await services.clients.find(clientID, on: req.db) } else { OIDCClient?.none }
        var destination = Paths.signIn + "?message=deconnecte"
        if let uri = parameters["post_logout_redirect_uri"] {
            guard let client, client.postLogoutRedirectURIs.contains(uri) else {
                return try await page(
                    "L’adresse de retour après déconnexion n’est pas enregistrée pour cette application.", req)
            }
            destination = uri.adding([("state", parameters["state"])])
        }
        guard let user = req.currentUser else { return Response.found(destination) }
        let confirmed =
            req.method == .POST && parameters["confirmation"] == "1"
            && SecureToken.constantTimeEquals(parameters["_csrf"] ?? "", user.session.csrfToken)
        let named = hinted?.identity.sub == user.id.uuidString.lowercased()
        guard named || confirmed else { return try await confirmation(parameters, client: client, req) }
        try await req.db.atomically { database in
            try await services.sessions.close(user.session, on: database)
            try await services.audit.record(
                .oidcLoggedOut, by: req.auditContext, target: client.map { ("oidc_client", $0.clientID) },
                details: ["application": client?.application.code ?? ""], on: database)
        }
        // The agent's answer is a form: its navigation may not be redirected to the application's site.
        let response =
            confirmed
            ? try await SignInReturn.continuePage(
                to: destination, heading: "Vous êtes déconnecté", message: "Votre session est terminée.",
                linkText: "Continuer", req)
            : Response.found(destination)
        response.cookies[services.sessions.cookieName] = services.sessions.expiredCookie
        return response
    }

    /// « Voulez-vous vous déconnecter ? », posted back with the parameters and the session's form token.
    private func confirmation(
        _ parameters: ProtocolParameters, client: OIDCClient?, _ req: Request
    ) async throws
        -> Response
    {
        let kept = parameters.values.filter { !["_csrf", "confirmation"].contains($0.key) }.sorted { $0.key < $1.key }
        let page = LogoutConfirmationPage(
            frame: PageFrame(req, title: "Déconnexion"), action: Paths.oidcLogout,
            applicationName: client?.application.name,
            fields: kept.map { LogoutConfirmationPage.Field(name: $0.key, value: $0.value) }, homeURL: Paths.home)
        return req.page(page)
    }

    private func page(_ message: String, _ req: Request) async throws -> Response {
        try await req.protocolErrorPage(heading: "Déconnexion impossible", message: message)
    }
}

/// The question asked before an application signs the agent out without naming it.
struct LogoutConfirmationPage {
    struct Field {
        let name: String
        let value: String
    }

    let frame: PageFrame
    let action: String
    let applicationName: String?
    let fields: [Field]
    let homeURL: String
}
