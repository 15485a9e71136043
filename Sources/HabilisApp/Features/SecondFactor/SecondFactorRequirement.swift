import Vapor

/// Where `HABILIS_REQUIRE_SECOND_FACTOR` is on, an administrator or local correspondent without a confirmed second
/// factor reaches nothing but its setup page (and signing out, the assistance pages, the static files) until it is
/// on, as Keycloak's "Configure OTP" required action does. The session lookup reads whether it is on: no query.
struct SecondFactorRequirement: Middleware {
    static let openPaths: Set<String> = [
        Paths.mySecondFactor, Paths.setUpMySecondFactor, Paths.confirmMySecondFactor, Paths.signOut,
        Paths.extendMySession, Paths.faq, Paths.privacy, Paths.accessibility, Paths.health, "/readyz",
    ]

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        let secondFactors = request.portal.secondFactors
        guard let user = request.currentUser, secondFactors.isRequired(for: user), !user.hasSecondFactor,
            !Self.openPaths.contains(request.url.path),
            !request.url.path.hasPrefix("/static/")
        else { return next.respond(to: request) }
        let setUp = request.redirect(to: Paths.mySecondFactor + "?message=obligatoire")
        return request.eventLoop.makeSucceededFuture(setUp)
    }
}
