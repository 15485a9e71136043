import Foundation
import Vapor

/// The OpenID Connect endpoints (OIDC Core 1.0, Discovery 1.0, RFC 6749, 6750, 7636): discovery and keys, the
/// authorization endpoint where the door is checked, the token endpoint and userinfo. Open to applications and
/// visitors; the protocol endpoints take no form token (CSRFMiddleware.exemptPrefixes).
struct OpenIDController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(Paths.openIDConfiguration.pathComponents, use: configuration)
        routes.get(Paths.oidcJWKS.pathComponents, use: jwks)
        // The protocol's calls are short and frequent: they run on their request's event loop.
        routes.get(Paths.oidcAuthorize.pathComponents, use: onEventLoop(authorize))
        routes.post(Paths.oidcAuthorize.pathComponents, use: onEventLoop(authorize))
        routes.post(Paths.oidcToken.pathComponents, use: onEventLoop(token))
        routes.get(Paths.oidcUserinfo.pathComponents, use: onEventLoop(userinfo))
        routes.post(Paths.oidcUserinfo.pathComponents, use: onEventLoop(userinfo))
        routes.post(Paths.oidcRevoke.pathComponents, use: onEventLoop(revoke))
        routes.post(Paths.oidcIntrospect.pathComponents, use: onEventLoop(introspect))
        refuseOtherMethods(on: routes)
    }

    /// Any other method on the endpoints that programs call is a 405 naming the allowed ones (RFC 9110 §15.5.6),
    /// answered as JSON by `ProgramInterface`, not a 404 page: RFC 6749 §3.2 has clients POST to the token endpoint.
    private func refuseOtherMethods(on routes: any RoutesBuilder) {
        let allowed: [(path: String, methods: [HTTPMethod])] = [
            (Paths.openIDConfiguration, [.GET, .HEAD]), (Paths.oidcJWKS, [.GET, .HEAD]), (Paths.oidcToken, [.POST]),
            (Paths.oidcUserinfo, [.GET, .HEAD, .POST]), (Paths.oidcRevoke, [.POST]), (Paths.oidcIntrospect, [.POST]),
        ]
        for (path, methods) in allowed {
            let allow = methods.map(\.rawValue).joined(separator: ", ")
            for method in [HTTPMethod.GET, .POST, .PUT, .PATCH, .DELETE, .OPTIONS] where !methods.contains(method) {
                routes.on(method, path.pathComponents) { _ -> Response in
                    throw Abort(.methodNotAllowed, headers: ["Allow": allow])
                }
            }
        }
    }

    /// `/.well-known/openid-configuration`: exactly what is supported.
    func configuration(req: Request) async throws -> Response {
        try json(ProviderMetadata(issuer: req.portal.provider.issuer), cache: "public, max-age=300")
    }

    /// The published keys (RFC 7517): the signing ones, the next ones, and those whose tokens may still live.
    func jwks(req: Request) async throws -> Response {
        try json(["keys": try await req.portal.signingKeys.jwks(on: req.db)], cache: "public, max-age=300")
    }

    /// The authorization endpoint (GET or POST): a code for a signed-in agent whose door is open.
    func authorize(req: Request) async throws -> Response {
        let parameters = ProtocolParameters(req)
        let client: OIDCClient
        let redirectURI: String
        switch try await AuthorizationRequest.client(from: parameters, registry: req.portal.clients, on: req.db) {
        case .failure(let problem): return try await errorPage(problem, req)
        case .success(let trusted): (client, redirectURI) = trusted
        }
        let provider = req.portal.provider
        switch AuthorizationRequest.parse(parameters, client: client, redirectURI: redirectURI) {
        case .failure(.redirect(let error, let description)):
            return Response.found(
                provider.errorRedirect(
                    to: redirectURI, error: error, description: description, state: parameters["state"]))
        case .failure(let problem): return try await errorPage(problem, req)
        case .success(let request): return try await authorize(request, parameters: parameters, req)
        }
    }

    private func authorize(
        _ request: AuthorizationRequest, parameters: ProtocolParameters, _ req: Request
    )
        async throws -> Response
    {
        let provider = req.portal.provider
        func refuse(_ error: String, _ description: String) -> Response {
            Response.found(
                provider.errorRedirect(
                    to: request.redirectURI, error: error, description: description, state: request.state))
        }
        let user = req.currentUser
        guard let user, !(try await mustSignInAgain(request, user: user, req)) else {
            if request.prompts.contains("none") { return refuse("login_required", "the agent must sign in") }
            return signIn(request, parameters: parameters, signedIn: user != nil, req)
        }
        switch try await provider.door(agentID: user.id, application: request.client.application, on: req.db) {
        case .closed(let application, let pending):
            try await req.portal.audit.record(
                .oidcDoorClosed, outcome: "refused", by: req.auditContext,
                target: ("oidc_client", request.client.clientID), details: ["application": application.code],
                on: req.db)
            if request.prompts.contains("none") {
                return refuse("access_denied", "the agent has no right on this application")
            }
            return DoorPage.response(application: application, pending: pending, req)
        case .open:
            return Response.found(
                try await provider.issueCode(for: request, session: user.session, by: req.auditContext, on: req.db))
        }
    }

    /// `prompt=login`, an exceeded `max_age`, or an `id_token_hint` naming someone else.
    private func mustSignInAgain(
        _ request: AuthorizationRequest, user: CurrentUser, _ req: Request
    ) async throws
        -> Bool
    {
        if request.prompts.contains("login") { return true }
        if let maxAge = request.maxAge,
            req.portal.clock.now.timeIntervalSince(user.session.createdAt) > TimeInterval(maxAge)
        {
            return true
        }
        if let hint = request.idTokenHint {
            let claims = try await req.portal.signingKeys.verify(hint, as: IDTokenClaims.self, on: req.db)
            return claims?.identity.sub != user.id.uuidString.lowercased()
        }
        return false
    }

    /// Off to the sign-in pages, and back here after. The request comes back without `prompt=login` and
    /// `max_age`, which the new sign-in satisfies.
    private func signIn(
        _ request: AuthorizationRequest, parameters: ProtocolParameters, signedIn: Bool, _ req: Request
    )
        -> Response
    {
        let kept = parameters.values.filter { $0.key != "max_age" }.map { name, value in
            (name, name == "prompt" ? value.spaceSeparated.filter { $0 != "login" }.joined(separator: " ") : value)
        }.filter { !$0.1.isEmpty }.sorted { $0.0 < $1.0 }
        let path = Paths.oidcAuthorize.adding(kept.map { ($0.0, Optional($0.1)) })
        guard path.utf8.count <= SignInReturn.longestPath else {
            return Response.found(
                req.portal.provider.errorRedirect(
                    to: request.redirectURI, error: "invalid_request", description: "the request is too long",
                    state: request.state))
        }
        return SignInReturn.signIn(
            returningTo: path, loginHint: request.loginHint, reauthenticate: signedIn, status: .found, req)
    }

    private func errorPage(_ problem: AuthorizationRequest.Problem, _ req: Request) async throws -> Response {
        guard case .page(let message) = problem else { throw Abort(.badRequest) }
        return try await req.protocolErrorPage(heading: "Connexion à l’application impossible", message: message)
    }

    // MARK: - Token endpoint and userinfo

    /// The token endpoint: `authorization_code` and `refresh_token` grants for an authenticated client.
    func token(req: Request) async throws -> Response {
        let parameters = ProtocolParameters(req)
        // The grant decides which clients may ask; a request without a grant this endpoint serves is refused before
        // any secret is checked, whichever registry its client is in.
        switch parameters["grant_type"] {
        case "client_credentials": return try await machineToken(parameters, req)
        case "authorization_code", "refresh_token": break
        case nil:
            return OpenIDProvider.TokenError.invalidRequest("grant_type is missing").response
        default:
            return OpenIDProvider.TokenError(
                error: "unsupported_grant_type",
                description: "only authorization_code, refresh_token and client_credentials"
            ).response
        }
        let authentication = try await ClientAuthentication.authenticate(req, parameters: parameters)
        let client: OIDCClient
        switch authentication {
        case .failure(let error): return error.response
        case .success(let authenticated): client = authenticated
        }
        if parameters.isMalformed || !parameters.repeated.isEmpty {
            return OpenIDProvider.TokenError.invalidRequest("malformed or repeated parameters")
                .response
        }
        let provider = req.portal.provider
        let result: Result<OpenIDProvider.TokenResponse, OpenIDProvider.TokenError>
        switch parameters["grant_type"] {
        case "authorization_code":
            result = try await provider.exchange(
                code: parameters["code"], redirectURI: parameters["redirect_uri"],
                verifier: parameters["code_verifier"],
                client: client, ip: req.clientIP, on: req.db)
        default:
            result = try await provider.refresh(
                token: parameters["refresh_token"], client: client, ip: req.clientIP, on: req.db)
        }
        switch result {
        case .success(let tokens): return try json(tokens, cache: "no-store")
        case .failure(let error): return error.response
        }
    }

    /// The client-credentials grant (RFC 6749 §4.4) of the machine clients of the API and SCIM.
    private func machineToken(_ parameters: ProtocolParameters, _ req: Request) async throws -> Response {
        let client: MachineClient
        switch try await ClientAuthentication.authenticateMachine(req, parameters: parameters) {
        case .failure(let error):
            // A single sign-on client that proves itself is told that this grant is not for it (RFC 6749 §5.2).
            if error.error == "invalid_client", let claimed = ClientAuthentication.claimedClientID(req, parameters),
                try await req.portal.clients.find(claimed, on: req.db) != nil,
                case .success = try await ClientAuthentication.authenticate(req, parameters: parameters)
            {
                return OpenIDProvider.TokenError(
                    error: "unauthorized_client", description: "client_credentials is for machine clients"
                ).response
            }
            return error.response
        case .success(let authenticated): client = authenticated
        }
        if parameters.isMalformed || !parameters.repeated.isEmpty {
            return OpenIDProvider.TokenError.invalidRequest("malformed or repeated parameters")
                .response
        }
        switch try await req.portal.machineTokens.issue(
            to: client, scope: parameters["scope"], ip: req.clientIP, on: req.db)
        {
        case .success(let tokens): return try json(tokens, cache: "no-store")
        case .failure(let error): return error.response
        }
    }

    /// Userinfo (OIDC Core §5.3): the claims of the access token's scopes, if its sign-in and door still stand.
    func userinfo(req: Request) async throws -> Response {
        let header = req.headers.bearerAuthorization?.token
        let form = req.method == .POST ? ProtocolParameters(req)["access_token"] : nil
        if header != nil, form != nil {
            return bearerError(.badRequest, "invalid_request", "the token was given twice")
        }
        guard let token = header ?? form else {
            let response = Response(status: .unauthorized)
            response.headers.replaceOrAdd(name: .wwwAuthenticate, value: "Bearer realm=\"habilis\"")
            return response
        }
        guard let identity = try await req.portal.provider.identity(ofAccessToken: token, on: req.db) else {
            return bearerError(.unauthorized, "invalid_token", "the access token is invalid, expired or revoked")
        }
        return try json(identity.claims, cache: "no-store")
    }

    /// Revocation (RFC 7009) for an authenticated client: 200 whatever the token was.
    func revoke(req: Request) async throws -> Response {
        let parameters = ProtocolParameters(req)
        let client: OIDCClient
        switch try await ClientAuthentication.authenticate(req, parameters: parameters) {
        case .failure(let error): return error.response
        case .success(let authenticated): client = authenticated
        }
        guard let token = parameters["token"], !parameters.isMalformed, parameters.repeated.isEmpty else {
            return OpenIDProvider.TokenError.invalidRequest("token is missing or repeated")
                .response
        }
        try await req.portal.provider.revoke(token: token, client: client, ip: req.clientIP, on: req.db)
        let response = Response(status: .ok)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    /// Introspection (RFC 7662) of the client's own tokens, for confidential clients.
    func introspect(req: Request) async throws -> Response {
        let parameters = ProtocolParameters(req)
        let client: OIDCClient
        switch try await ClientAuthentication.authenticate(req, parameters: parameters) {
        case .failure(let error): return error.response
        case .success(let authenticated): client = authenticated
        }
        guard !client.isPublic else {
            return OpenIDProvider.TokenError(
                error: "invalid_client", description: "introspection is for confidential clients",
                status: .unauthorized
            ).response
        }
        guard let token = parameters["token"], !parameters.isMalformed, parameters.repeated.isEmpty else {
            return OpenIDProvider.TokenError.invalidRequest("token is missing or repeated")
                .response
        }
        return try json(
            try await req.portal.provider.introspect(token: token, client: client, on: req.db), cache: "no-store")
    }

    // MARK: - Answers

    private func json(_ value: some Encodable, cache: String) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // The protocols name their members in snake_case; Swift names them in camelCase.
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let response = Response(status: .ok, body: .init(data: try encoder.encode(value)))
        response.headers.contentType = .json
        response.headers.replaceOrAdd(name: .cacheControl, value: cache)
        if cache == "no-store" { response.headers.replaceOrAdd(name: "Pragma", value: "no-cache") }
        return response
    }

    private func bearerError(_ status: HTTPResponseStatus, _ error: String, _ description: String) -> Response {
        let response = Response(status: status)
        response.headers.replaceOrAdd(
            name: .wwwAuthenticate,
            value: "Bearer realm=\"habilis\", error=\"\(error)\", error_description=\"\(description)\"")
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}

/// The door page's context.
struct DoorPage {
    let frame: PageFrame
    let applicationName: String
    /// The catalogue's request flow, when no request is pending.
    let requestURL: String?
    let pendingRequestURL: String?
    /// « 14 décembre 2026 »: when the pending request is accepted unless someone refuses it.
    let automaticAcceptance: String?
    let catalogueURL: String
}
