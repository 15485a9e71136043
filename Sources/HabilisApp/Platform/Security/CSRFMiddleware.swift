import Foundation
import Vapor

/// Refuses every state-changing request that does not carry this site's form token, or that a browser says came
/// from another site. Signed-in forms carry the session's token; visitors' forms a token bound to a cookie.
struct CSRFMiddleware: Middleware {
    static let fieldName = "_csrf"
    /// The largest multipart body accepted (a CSV import).
    static let uploadLimit = 5 * 1024 * 1024

    let secureCookies: Bool
    var cookieName: String { secureCookies ? "__Host-habilis_csrf" : "habilis_csrf" }

    /// The OpenID Connect protocol endpoints: clients authenticate with their credentials or a bearer token, never
    /// with the session cookie, and the authorization endpoint may be posted to from the application's site by
    /// design; it only answers with a redirect to a registered URI.
    /// The REST API's and SCIM's machine clients send a bearer token, never a cookie. `/.well-known/` only reads.
    static let exemptPrefixes = ["/oidc/", "/api/", "/scim/", "/.well-known/"]

    /// Future-based: only a state-changing request waits for anything (its body, the audit of a refusal), so only it
    /// pays for a task (Vapor runs each `AsyncMiddleware` in one of its own).
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        if Self.exemptPrefixes.contains(where: request.url.path.hasPrefix) {
            return next.respond(to: request)
        }
        let cookieToken = request.cookies[cookieName]?.string.nilIfEmpty
        if request.method == .GET || request.method == .HEAD {
            request.anonymousCSRFToken = cookieToken
            return next.respond(to: request).map { response in
                if let issued = request.issuedCSRFToken {
                    response.cookies[cookieName] = HTTPCookies.Value(
                        string: issued, path: "/", isSecure: secureCookies, isHTTPOnly: true, sameSite: .lax)
                }
                return response
            }
        }
        return request.eventLoop.makeFutureWithTask { try await checkToken(of: request, cookieToken: cookieToken) }
            .flatMap { next.respond(to: request) }
    }

    /// Refuses a state-changing request without the right token, with an audit event.
    private func checkToken(of request: Request, cookieToken: String?) async throws {
        // A streamed body is collected here (up to the route limit, 413 beyond) so that the token can be read.
        if request.body.data == nil {
            // File uploads (CSV imports) may be larger than forms.
            let limit =
                request.headers.contentType?.type == "multipart"
                ? Self.uploadLimit : request.application.routes.defaultMaxBodySize.value
            _ = try await request.body.collect(max: limit).get()
        }
        let expected = request.currentUser?.session.csrfToken ?? cookieToken
        let sent = try? request.content.get(String.self, at: Self.fieldName)
        guard isSameOrigin(request), let expected, let sent, SecureToken.constantTimeEquals(expected, sent) else {
            try await request.application.portal.audit.record(
                .csrfRejected, outcome: "refused", by: request.auditContext,
                details: ["path": request.url.path], on: request.db)
            throw Abort(.forbidden, reason: "csrf")
        }
        request.anonymousCSRFToken = cookieToken
    }

    /// A browser's `Sec-Fetch-Site` and `Origin` must not name another site; requests without them (old browsers,
    /// tests) rely on the token alone.
    private func isSameOrigin(_ request: Request) -> Bool {
        if let site = request.headers.first(name: "Sec-Fetch-Site"), site == "cross-site" { return false }
        guard let origin = request.headers.first(name: "Origin") else { return true }
        // With `Referrer-Policy: no-referrer` browsers send `Origin: null` on form posts; the unforgeable
        // `Sec-Fetch-Site` then tells whether the form came from this site.
        if origin == "null" { return request.headers.first(name: "Sec-Fetch-Site") == "same-origin" }
        let base = request.application.settings.baseURL.lowercased()
        let host = request.headers.first(name: .host)?.lowercased() ?? ""
        let lowered = origin.lowercased()
        return lowered == base || lowered == "http://\(host)" || lowered == "https://\(host)"
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
