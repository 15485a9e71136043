import Crypto
import Foundation
import Testing
import Vapor

@testable import HabilisApp

/// An application's side of OpenID Connect in the tests: a registered client that builds authorization requests,
/// reads the redirect, and calls the token endpoint and userinfo as a relying party does.
struct RelyingParty {
    let context: TestContext
    let clientID: String
    let secret: String?
    let redirectURI: String
    /// The PKCE verifier of the next authorization request, and its S256 challenge.
    let verifier = "verifier-" + SecureToken.generate()
    var challenge: String {
        Data(SHA256.hash(data: Data(verifier.utf8))).base64URLEncodedString()
    }

    static let defaultRedirectURI = "http://127.0.0.1:9999/callback"

    static func register(
        _ context: TestContext, application: String = "ACCORDS-LOCAUX", isPublic: Bool = false,
        adjust: (inout ClientRegistry.Registration) -> Void = { _ in }
    ) async throws -> RelyingParty {
        var registration = ClientRegistry.Registration(applicationCode: application, redirectURIs: [defaultRedirectURI])
        registration.isPublic = isPublic
        adjust(&registration)
        let (client, secret) = try await context.app.portal.clients.register(registration, by: .system, on: context.db)
        return RelyingParty(
            context: context, clientID: client.clientID, secret: secret, redirectURI: registration.redirectURIs[0])
    }

    /// `/oidc/authorize?…` with the usual parameters, PKCE S256 included, then `extra` (which may replace them).
    func authorizePath(_ extra: [(String, String?)] = [], pkce: Bool = true) -> String {
        var parameters: [(String, String?)] = [
            ("response_type", "code"), ("client_id", clientID), ("redirect_uri", redirectURI),
            ("scope", "openid profile email organisation"), ("state", "etat-123"), ("nonce", "nonce-456"),
        ]
        if pkce { parameters += [("code_challenge", challenge), ("code_challenge_method", "S256")] }
        for (name, value) in extra {
            parameters.removeAll { $0.0 == name }
            parameters.append((name, value))
        }
        return Paths.oidcAuthorize.adding(parameters)
    }

    /// Where a page that moves on at once (after a sign-in for an application) sends the browser.
    static func continuation(of page: Page) -> String? {
        guard let range = page.html.range(of: "<meta http-equiv=\"refresh\" content=\"0;url=") else { return nil }
        let rest = page.html[range.upperBound...]
        return rest.firstIndex(of: "\"").map { decodeEntities(String(rest[..<$0])) }
    }

    /// The query parameters of a redirect to this client.
    static func parameters(of location: String?) -> [String: String] {
        let items = location.flatMap { URLComponents(string: $0)?.queryItems } ?? []
        return Dictionary(items.map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { first, _ in first })
    }

    /// A code for the browser's signed-in agent.
    func code(for browser: TestBrowser, _ extra: [(String, String?)] = []) async throws -> String {
        let answer = try await browser.get(authorizePath(extra))
        #expect(answer.status == .found, "\(answer.text)")
        return try #require(Self.parameters(of: answer.location)["code"])
    }

    /// Posts to the token endpoint with HTTP Basic credentials (or the given `headers`); returns the answer and its
    /// JSON.
    func token(
        _ fields: [(String, String)], basic: Bool = true, headers: [(String, String)] = []
    ) async throws
        -> (Page, [String: Any])
    {
        var all = headers
        if basic, let secret {
            let credentials = Data("\(clientID):\(secret)".utf8).base64EncodedString()
            all.append(("Authorization", "Basic \(credentials)"))
        }
        let page = try await context.browser().post(Paths.oidcToken, fields, headers: all)
        let json = (try? JSONSerialization.jsonObject(with: Data(page.html.utf8)) as? [String: Any]) ?? [:]
        return (page, json)
    }

    /// The code exchanged for tokens.
    func exchange(_ code: String, verifier: String? = nil) async throws -> (Page, [String: Any]) {
        try await token([
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirectURI),
            ("code_verifier", verifier ?? self.verifier),
        ])
    }

    /// What a token test starts from: the demo agent signed in in a new browser, and the tokens of a code.
    func signedInTokens() async throws -> (agent: TestBrowser, access: String, refresh: String) {
        let agent = context.browser()
        try await agent.signIn(DemoWorld.agentEmail)
        let (_, tokens) = try await exchange(try await code(for: agent))
        return (
            agent, try #require(tokens["access_token"] as? String), try #require(tokens["refresh_token"] as? String)
        )
    }

    func refresh(_ refreshToken: String) async throws -> (Page, [String: Any]) {
        try await token([("grant_type", "refresh_token"), ("refresh_token", refreshToken)])
    }
}

/// The header and claims of a JWT, read without checking it (the tests check signatures on their own).
func jwtParts(_ token: String) -> (header: [String: Any], claims: [String: Any]) {
    let parts = token.split(separator: ".").map(String.init)
    func decode(_ part: String) -> [String: Any] {
        var base64 = part.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64) else { return [:] }
        return (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
    }
    return (decode(parts.first ?? ""), decode(parts.count > 1 ? parts[1] : ""))
}
