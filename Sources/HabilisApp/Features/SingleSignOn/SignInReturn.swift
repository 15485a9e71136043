import Vapor

/// Where a sign-in goes back to when an application sent the agent: the authorization request, or « Accéder à
/// l'application » (the link of the acceptance mail), kept in a cookie of its own while the agent goes through the
/// e-mail, password and code steps. Only these paths of this portal are accepted, so the cookie can never be turned
/// into an open redirect.
enum SignInReturn {
    /// Cookies beyond 4 KB are dropped by browsers; longer requests are refused before the sign-in.
    static let longestPath = 3_500

    static func cookieName(_ request: Request) -> String {
        request.application.settings.usesSecureCookies ? "__Host-habilis_return" : "habilis_return"
    }

    /// Off to the sign-in pages (the e-mail step filled with `loginHint`), and back to `path` after.
    static func signIn(
        returningTo path: String, loginHint: String? = nil, reauthenticate: Bool = false,
        status: HTTPResponseStatus = .seeOther, _ request: Request
    ) -> Response {
        var signInPage = Paths.signIn.adding([
            ("login_hint", loginHint), ("reauthentification", reauthenticate ? "1" : nil),
        ])
        if signInPage.hasSuffix("?") { signInPage.removeLast() }
        let response = Response(status: status)
        response.headers.replaceOrAdd(name: .location, value: signInPage)
        response.cookies[cookieName(request)] = cookie(path, request)
        return response
    }

    /// Whether a kept path is one a sign-in may go back to.
    static func isReturnPath(_ path: String) -> Bool {
        guard path.utf8.count <= longestPath else { return false }
        return path.hasPrefix(Paths.oidcAuthorize + "?") || Paths.openApplication.matches(path)
    }

    /// The cookie that brings the agent back to `path` after signing in, for at most the time of a sign-in.
    static func cookie(_ path: String, _ request: Request) -> HTTPCookies.Value {
        HTTPCookies.Value(
            string: path, maxAge: 15 * 60, path: "/", isSecure: request.application.settings.usesSecureCookies,
            isHTTPOnly: true, sameSite: .lax)
    }

    /// The page a sign-in that just succeeded leads to, with the cookie forgotten. Back to an application, it is a
    /// page that moves on at once: the sign-in form's navigation may not be redirected to another site
    /// (`form-action 'self'`, which browsers apply to every redirect that follows a form).
    static func redirect(after request: Request) async throws -> Response {
        let name = cookieName(request)
        let kept = request.cookies[name]?.string ?? ""
        let response =
            isReturnPath(kept)
            ? try await continuePage(
                to: kept, heading: "Connexion réussie", message: "Vous êtes connecté. Retour à l’application…",
                linkText: "Continuer vers l’application", request)
            : request.redirect(to: Paths.home)
        if request.cookies[name] != nil {
            response.cookies[name] = HTTPCookies.Value(
                string: "", expires: Date(timeIntervalSince1970: 0), maxAge: 0, path: "/",
                isSecure: request.application.settings.usesSecureCookies, isHTTPOnly: true, sameSite: .lax)
        }
        return response
    }

    /// A page that sends the browser on to `location` at once, with a link for when it does not.
    static func continuePage(
        to location: String, heading: String, message: String, linkText: String, _ request: Request
    )
        async throws -> Response
    {
        var frame = PageFrame(request, title: heading)
        frame.refreshURL = location
        let page = ContinuePage(frame: frame, heading: heading, message: message, linkText: linkText)
        let response = request.page(page)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}

/// The context of the page that moves on to an application.
struct ContinuePage {
    let frame: PageFrame
    let heading: String
    let message: String
    let linkText: String
}
