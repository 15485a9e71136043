import Crypto
import Fluent
import Foundation

/// An authorization request (OIDC Core §3.1.2.1) checked in the order the specifications give: until the client
/// and its redirect URI are known to be genuine, every problem is told on Habilis's own page and nothing is
/// redirected; after that, problems go back to the client as `error` parameters.
struct AuthorizationRequest: Sendable {
    let client: OIDCClient
    let redirectURI: String
    let state: String?
    let nonce: String?
    let scopes: [String]
    let prompts: Set<String>
    let maxAge: Int?
    let loginHint: String?
    let idTokenHint: String?
    let codeChallenge: String?

    /// The scopes this provider knows; others are ignored, as OIDC Core §3.1.2.1 allows.
    static let supportedScopes = ["openid", "profile", "email", "organisation"]
    /// Longer `state` and `nonce` values are refused: they travel in URLs and cookies.
    static let longestValue = 512

    /// Why a request cannot go on.
    enum Problem: Error, Equatable {
        /// Shown on Habilis's page: the client or the redirect URI cannot be trusted.
        case page(String)
        /// Sent back to the client's redirect URI.
        case redirect(error: String, description: String)
    }

    /// The client's half of the checks: which client, and whether its redirect URI is registered (exact match).
    static func client(
        from parameters: ProtocolParameters, registry: ClientRegistry, on database: any Database
    )
        async throws -> Result<(OIDCClient, String), Problem>
    {
        if parameters.isMalformed {
            return .failure(.page("La demande de connexion contient des caractères invalides."))
        }
        for name in ["client_id", "redirect_uri"] where parameters.repeated.contains(name) {
            return .failure(.page("La demande de connexion donne plusieurs fois le paramètre « \(name) »."))
        }
        guard let clientID = parameters["client_id"] else {
            return .failure(.page("La demande de connexion ne dit pas quelle application la fait (client_id)."))
        }
        guard let client = try await registry.find(clientID, on: database) else {
            return .failure(.page("L’application qui demande la connexion n’est pas enregistrée dans Habilis."))
        }
        guard let redirectURI = parameters["redirect_uri"] else {
            return .failure(.page("La demande de connexion ne donne pas d’adresse de retour (redirect_uri)."))
        }
        guard client.redirectURIs.contains(redirectURI) else {
            return .failure(.page("L’adresse de retour demandée n’est pas enregistrée pour cette application."))
        }
        return .success((client, redirectURI))
    }

    /// The rest of the checks, once the redirect URI is trusted.
    static func parse(
        _ parameters: ProtocolParameters, client: OIDCClient, redirectURI: String
    )
        -> Result<AuthorizationRequest, Problem>
    {
        if let name = parameters.repeated.sorted().first {
            return .failure(.redirect(error: "invalid_request", description: "parameter \(name) given more than once"))
        }
        for name in ["state", "nonce"] where (parameters[name]?.utf8.count ?? 0) > longestValue {
            return .failure(.page("La demande de connexion est trop longue (paramètre « \(name) »)."))
        }
        guard let responseType = parameters["response_type"] else {
            return .failure(.redirect(error: "invalid_request", description: "response_type is missing"))
        }
        guard responseType == "code" else {
            return .failure(.redirect(error: "unsupported_response_type", description: "only code is supported"))
        }
        if parameters["request"] != nil {
            return .failure(.redirect(error: "request_not_supported", description: "request objects are not supported"))
        }
        if parameters["request_uri"] != nil {
            return .failure(
                .redirect(error: "request_uri_not_supported", description: "request_uri is not supported"))
        }
        if let mode = parameters["response_mode"], mode != "query" {
            return .failure(.redirect(error: "invalid_request", description: "only response_mode=query is supported"))
        }
        let scopes = parameters["scope"]?.spaceSeparated ?? []
        guard scopes.contains("openid") else {
            return .failure(.redirect(error: "invalid_scope", description: "the openid scope is required"))
        }
        let prompts = Set(parameters["prompt"]?.spaceSeparated ?? [])
        guard prompts.isSubset(of: ["none", "login", "consent", "select_account"]) else {
            return .failure(.redirect(error: "invalid_request", description: "unknown prompt value"))
        }
        if prompts.contains("none"), prompts.count > 1 {
            return .failure(.redirect(error: "invalid_request", description: "prompt=none cannot be combined"))
        }
        var maxAge: Int?
        if let text = parameters["max_age"] {
            guard let value = Int(text), value >= 0 else {
                return .failure(.redirect(error: "invalid_request", description: "max_age must be a number of seconds"))
            }
            maxAge = value
        }
        let challenge = parameters["code_challenge"]
        let method = parameters["code_challenge_method"] ?? (challenge == nil ? nil : "plain")
        if let method, method != "S256" {
            return .failure(.redirect(error: "invalid_request", description: "code_challenge_method must be S256"))
        }
        if let challenge, !isCodeChallenge(challenge) {
            return .failure(.redirect(error: "invalid_request", description: "code_challenge is malformed"))
        }
        if client.requiresPKCE, challenge == nil {
            return .failure(.redirect(error: "invalid_request", description: "PKCE (S256) is required for this client"))
        }
        return .success(
            AuthorizationRequest(
                client: client, redirectURI: redirectURI, state: parameters["state"], nonce: parameters["nonce"],
                scopes: supportedScopes.filter(scopes.contains), prompts: prompts, maxAge: maxAge,
                loginHint: parameters["login_hint"].map { String($0.prefix(320)) },
                idTokenHint: parameters["id_token_hint"],
                codeChallenge: challenge))
    }

    /// An S256 challenge is the base64url of a SHA-256: 43 characters.
    static func isCodeChallenge(_ text: String) -> Bool {
        text.utf8.count == 43
            && text.utf8.allSatisfy { isUnreserved($0) && $0 != UInt8(ascii: "~") && $0 != UInt8(ascii: ".") }
    }

    /// RFC 7636 §4.1: 43 to 128 unreserved characters.
    static func isCodeVerifier(_ text: String) -> Bool {
        (43...128).contains(text.utf8.count) && text.utf8.allSatisfy(isUnreserved)
    }

    /// Whether `verifier` is the secret behind `challenge` (S256).
    static func verifier(_ verifier: String, matches challenge: String) -> Bool {
        guard isCodeVerifier(verifier) else { return false }
        let digest = Data(SHA256.hash(data: Data(verifier.utf8))).base64URLEncodedString()
        return SecureToken.constantTimeEquals(digest, challenge)
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"):
            true
        default: false
        }
    }
}
