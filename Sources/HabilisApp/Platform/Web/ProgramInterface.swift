import Foundation
import Vapor

/// The interfaces whose callers are programs. An error their handlers do not answer themselves (a body over the
/// limit, an unknown path or method, the database away) is still answered in their own format, never as a page:
/// a relying party's library or a directory feed reads JSON, not French HTML.
enum ProgramInterface {
    /// `/api/…`: RFC 9457 problem details.
    case restAPI
    /// `/scim/…`: RFC 7644 §3.12 errors.
    case scim
    /// The endpoints of the provider that programs call: RFC 6749 §5.2 errors. The authorization and logout
    /// endpoints are a browser's, and answer with pages.
    case oauth

    static let oauthPaths: Set<String> = [
        Paths.oidcToken, Paths.oidcUserinfo, Paths.oidcRevoke, Paths.oidcIntrospect, Paths.oidcJWKS,
        Paths.openIDConfiguration,
    ]

    init?(path: String) {
        if path.hasPrefix("/api/") {
            self = .restAPI
        } else if path.hasPrefix("/scim/") {
            self = .scim
        } else if Self.oauthPaths.contains(path) {
            self = .oauth
        } else {
            return nil
        }
    }

    /// The answer to an error of `status`, with `headers` (`Retry-After`, `Allow`…).
    func response(_ status: HTTPResponseStatus, headers: HTTPHeaders) -> Response {
        let response: Response
        switch self {
        case .restAPI: response = Self.problem(status).response
        case .scim: response = Self.problem(status).response(.scim)
        case .oauth: response = Self.oauthError(status)
        }
        for (name, value) in headers { response.headers.replaceOrAdd(name: name, value: value) }
        return response
    }

    /// A refusal that reached no handler, in French as the API's others.
    static func problem(_ status: HTTPResponseStatus) -> APIProblem {
        switch status.code {
        case 404: APIProblem(status, "Ressource inconnue.")
        case 405: APIProblem(status, "Méthode non prise en charge.")
        case 409:
            APIProblem(
                status, "Modification simultanée.",
                detail: "Une autre modification des mêmes données a été enregistrée au même instant ; recommencez.")
        case 413:
            APIProblem(
                status, "Requête trop volumineuse.", detail: "Le corps de la requête dépasse la taille admise.")
        case 415: APIProblem(status, "Type de contenu non pris en charge.")
        case 400..<500: APIProblem(status, "Requête invalide.")
        case 503: APIProblem(status, "Service indisponible.", detail: "Réessayez dans quelques minutes.")
        default: APIProblem(status, "Erreur du service.")
        }
    }

    /// RFC 6749 §5.2's JSON error; `server_error` and `temporarily_unavailable` are §4.1.2.1's names for the same
    /// failures, which the token endpoint's section does not name.
    private static func oauthError(_ status: HTTPResponseStatus) -> Response {
        let (error, description) =
            switch status.code {
            case 404: ("invalid_request", "unknown endpoint")
            case 405: ("invalid_request", "method not allowed on this endpoint")
            case 413: ("invalid_request", "request body too large")
            case 400..<500: ("invalid_request", "malformed request")
            case 503: ("temporarily_unavailable", "retry later")
            default: ("server_error", "unexpected error")
            }
        return OpenIDProvider.TokenError(error: error, description: description, status: status).response
    }
}
