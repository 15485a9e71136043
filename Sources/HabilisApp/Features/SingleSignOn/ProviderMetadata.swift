/// The provider's metadata (OpenID Connect Discovery 1.0 §3, RFC 8414): exactly what this provider does, and
/// nothing it does not. docs/openid-configuration.md explains each value. Encoded with snake_case keys.
struct ProviderMetadata: Encodable {
    let issuer: String
    let authorizationEndpoint: String
    let tokenEndpoint: String
    let userinfoEndpoint: String
    let jwksUri: String
    let revocationEndpoint: String
    let introspectionEndpoint: String
    let endSessionEndpoint: String
    /// The agents' scopes (authorization code) and the machine clients' (client credentials).
    let scopesSupported = AuthorizationRequest.supportedScopes + MachineScope.allCases.map(\.rawValue)
    let responseTypesSupported = ["code"]
    let responseModesSupported = ["query"]
    let grantTypesSupported = ["authorization_code", "refresh_token", "client_credentials"]
    let subjectTypesSupported = ["public"]
    let idTokenSigningAlgValuesSupported = SigningKeys.Algorithm.allCases.map(\.rawValue)
    let tokenEndpointAuthMethodsSupported = ["client_secret_basic", "client_secret_post", "none"]
    let codeChallengeMethodsSupported = ["S256"]
    let promptValuesSupported = ["none", "login", "consent", "select_account"]
    let displayValuesSupported = ["page"]
    let uiLocalesSupported = ["fr"]
    let claimsSupported = [
        "iss", "sub", "aud", "azp", "exp", "iat", "auth_time", "nonce", "amr", "sid", "email", "email_verified",
        "given_name", "family_name", "name", "habilis_organisation", "roles",
    ]
    let claimsParameterSupported = false
    let requestParameterSupported = false
    let requestUriParameterSupported = false
    let authorizationResponseIssParameterSupported = true
    let revocationEndpointAuthMethodsSupported = ["client_secret_basic", "client_secret_post", "none"]
    let introspectionEndpointAuthMethodsSupported = ["client_secret_basic", "client_secret_post"]
    let backchannelLogoutSupported = true
    let backchannelLogoutSessionSupported = true

    init(issuer: String) {
        self.issuer = issuer
        authorizationEndpoint = issuer + Paths.oidcAuthorize
        tokenEndpoint = issuer + Paths.oidcToken
        userinfoEndpoint = issuer + Paths.oidcUserinfo
        jwksUri = issuer + Paths.oidcJWKS
        revocationEndpoint = issuer + Paths.oidcRevoke
        introspectionEndpoint = issuer + Paths.oidcIntrospect
        endSessionEndpoint = issuer + Paths.oidcLogout
    }
}
