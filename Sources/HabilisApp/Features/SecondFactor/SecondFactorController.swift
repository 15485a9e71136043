import Vapor

/// Double authentification: the code step of the sign-in and the setup page of "Mes informations" (the
/// administrator's reset for a lost phone is on the account's page, `AgentsAdminController`).
struct SecondFactorController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(Paths.signInCode.pathComponents, use: codeStep)
        routes.post(Paths.signInCode.pathComponents, use: submitCode)
        routes.get(Paths.mySecondFactor.pathComponents, use: show)
        routes.post(Paths.setUpMySecondFactor.pathComponents, use: setUp)
        routes.post(Paths.confirmMySecondFactor.pathComponents, use: confirm)
        routes.post(Paths.disableMySecondFactor.pathComponents, use: disable)
    }

    // MARK: Sign-in

    /// Step 3 of a sign-in whose account has a second factor: the code of the application.
    func codeStep(req: Request) async throws -> Response {
        let secondFactors = req.portal.secondFactors
        guard try await secondFactors.challenge(token: req.cookies[secondFactors.cookieName]?.string, on: req.db) != nil
        else { return req.redirect(to: Paths.signIn + "?message=code-expire") }
        return try await renderCodeStep(req, errors: FormErrors())
    }

    /// The code posted: the session opens, or the field says why not.
    func submitCode(req: Request) async throws -> Response {
        let secondFactors = req.portal.secondFactors
        let code = SecondFactorCodeForm.decode(req).code ?? ""
        var errors = FormErrors()
        switch try await secondFactors.answer(
            challengeToken: req.cookies[secondFactors.cookieName]?.string, code: code, ip: req.clientIP, on: req.db)
        {
        case .signedIn(let sessionToken):
            let response = try await SignInReturn.redirect(after: req)
            response.cookies[req.portal.sessions.cookieName] = req.portal.sessions.cookie(sessionToken)
            response.cookies[secondFactors.cookieName] = secondFactors.expiredCookie
            return response
        case .startAgain:
            let response = req.redirect(to: Paths.signIn + "?message=code-expire")
            response.cookies[secondFactors.cookieName] = secondFactors.expiredCookie
            return response
        case .wrongCode:
            errors.add("code", SecondFactorMessages.wrongCode)
        case .throttled:
            errors.add("code", SecondFactorMessages.throttled)
            await HeldAnswer.wait()
        }
        return try await renderCodeStep(req, errors: errors)
    }

    private func renderCodeStep(_ req: Request, errors: FormErrors) async throws -> Response {
        let page = SecondFactorCodePage(
            frame: PageFrame(req, title: errorPrefix(errors) + "Connexion : code de vérification"),
            action: Paths.signInCode, restartURL: Paths.signIn, errors: errors)
        return req.page(page, status: status(errors))
    }

    // MARK: Mes informations

    /// The state of the person's second factor, with what they can do next.
    func show(req: Request) async throws -> Response {
        try await renderSetup(req, errors: FormErrors())
    }

    /// "Configurer la double authentification" (or "Recommencer avec une nouvelle clé"): draws a secret.
    func setUp(req: Request) async throws -> Response {
        let user = try req.requireUser()
        try await req.portal.secondFactors.startSetup(for: user.id, on: req.db)
        return req.redirect(to: Paths.mySecondFactor)
    }

    /// The first code typed: the factor is on.
    func confirm(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let code = SecondFactorCodeForm.decode(req).code ?? ""
        guard
            try await req.portal.secondFactors.confirmSetup(for: user.id, code: code, by: req.auditContext, on: req.db)
        else {
            var errors = FormErrors()
            errors.add("code", SecondFactorMessages.wrongCode)
            return try await renderSetup(req, errors: errors)
        }
        return req.redirect(to: Paths.mySecondFactor + "?message=activee")
    }

    /// "Désactiver", with a current code; not for the roles that must keep one.
    func disable(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let secondFactors = req.portal.secondFactors
        if secondFactors.isRequired(for: user) { throw Abort(.forbidden) }
        let code = SecondFactorCodeForm.decode(req).code ?? ""
        guard try await secondFactors.disable(for: user.id, code: code, by: req.auditContext, on: req.db) else {
            var errors = FormErrors()
            errors.add("code", SecondFactorMessages.wrongCode)
            return try await renderSetup(req, errors: errors)
        }
        return req.redirect(to: Paths.mySecondFactor + "?message=desactivee")
    }

    private func renderSetup(_ req: Request, errors: FormErrors) async throws -> Response {
        let user = try req.requireUser()
        let secondFactors = req.portal.secondFactors
        let factor = try await secondFactors.factor(of: user.id, on: req.db)
        let beingSetUp = factor?.confirmedAt == nil ? factor : nil
        let notice: String? =
            switch req.query[String.self, at: "message"] {
            case "activee": "La double authentification est activée : le code vous sera demandé à chaque connexion."
            case "desactivee": "La double authentification est désactivée."
            case "obligatoire":
                "Votre rôle vous donne accès aux demandes d’autres personnes : configurez la double authentification "
                    + "pour continuer."
            default: nil
            }
        let page = SecondFactorSetupPage(
            frame: PageFrame(req, title: errorPrefix(errors) + "Double authentification", notice: notice),
            enabledSince: factor?.confirmedAt.map(ParisCalendar.longDate),
            pendingKey: beingSetUp.map { SecondFactorSetupPage.grouped($0.secret) },
            provisioningURI: beingSetUp.map {
                secondFactors.provisioningURI(secret: $0.secret, email: user.agent.email)
            },
            accountName: user.agent.email, issuer: secondFactors.issuer,
            isRequired: secondFactors.isRequired(for: user),
            setUpAction: Paths.setUpMySecondFactor, confirmAction: Paths.confirmMySecondFactor,
            disableAction: Paths.disableMySecondFactor, errors: errors)
        return req.page(page, status: status(errors))
    }
}

/// The code field of the sign-in step and of the setup page.
struct SecondFactorCodeForm: PostedForm {
    var code: String?
}

enum SecondFactorMessages {
    static let wrongCode =
        "Ce code n’est pas valide. Saisissez les 6 chiffres affichés maintenant par votre application "
        + "(l’heure du téléphone doit être exacte)."
    static let throttled = "Trop de codes erronés. Pour votre sécurité, réessayez dans 15 minutes."
}
