import Vapor

/// Sign-in in two steps as the guide shows it, sign-out, and the forgotten-password journey. Open to visitors.
struct SignInController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(Paths.signIn.pathComponents, use: emailStep)
        routes.post(Paths.signIn.pathComponents, use: submitEmail)
        routes.post(Paths.signInBack.pathComponents, use: back)
        routes.post(Paths.signInPassword.pathComponents, use: submitPassword)
        routes.post(Paths.signOut.pathComponents, use: signOut)
        routes.get(Paths.forgotPassword.pathComponents, use: forgotPassword)
        routes.post(Paths.forgotPassword.pathComponents, use: submitForgotPassword)
        routes.get(Paths.resetPassword.pathComponents, use: newPassword)
        routes.post(Paths.resetPassword.pathComponents, use: submitNewPassword)
    }

    /// Step 1, with an optional notice after sign-out or a password change.
    func emailStep(req: Request) async throws -> Response {
        // An application may ask a signed-in agent to prove who it is again (prompt=login, max_age).
        let reauthenticates = req.query[String.self, at: "reauthentification"] == "1"
        if req.currentUser != nil, !reauthenticates { return req.redirect(to: Paths.home) }
        let notice: String? =
            switch req.query[String.self, at: "message"] {
            case "deconnecte": SignInMessages.signedOut
            case "mot-de-passe-modifie": SignInMessages.passwordChanged
            case "session-terminee": SignInMessages.sessionEnded
            case "code-expire": SignInMessages.codeExpired
            default: nil
            }
        // An application may say who is expected (login_hint): the field is filled, nothing is checked yet.
        let hint = req.query[String.self, at: "login_hint"].map { String($0.prefix(320)) } ?? ""
        return try await renderEmailStep(req, email: hint, errors: FormErrors(), notice: notice)
    }

    /// Step 1 posted: a well-formed address leads to step 2 whether or not an account exists.
    func submitEmail(req: Request) async throws -> Response {
        let form = SignInEmailForm.decode(req)
        let raw = form.email ?? ""
        switch EmailAddress.normalize(raw) {
        case .failure(let error):
            var errors = FormErrors()
            errors.add("email", error.message)
            return try await renderEmailStep(req, email: String(raw.prefix(1000)), errors: errors)
        case .success(let email):
            return try await renderPasswordStep(req, email: email, errors: FormErrors())
        }
    }

    /// "Retour": step 1 again with the address kept.
    func back(req: Request) async throws -> Response {
        let email = SignInEmailForm.decode(req).email ?? ""
        return try await renderEmailStep(req, email: String(email.prefix(1000)), errors: FormErrors())
    }

    /// Step 2 posted: opens a session, or says the same thing whatever went wrong.
    func submitPassword(req: Request) async throws -> Response {
        let form = SignInPasswordForm.decode(req)
        guard case .success(let email) = EmailAddress.normalize(form.email ?? "") else {
            return try await submitEmail(req: req)
        }
        var errors = FormErrors()
        guard let password = form.password, !password.isEmpty else {
            errors.add("password", SignInMessages.passwordMissing)
            return try await renderPasswordStep(req, email: email, errors: errors)
        }
        let outcome: SignInService.Outcome
        do {
            outcome = try await req.portal.signIn.signIn(
                email: email, password: password, ip: req.clientIP, on: req.db)
        } catch is HashingOverloaded {
            // The address is kept: trying again is one click. The pause is a held attempt's: a source whose share
            // of the hashing queue is taken is, in practice, a script.
            errors.add("password", SignInMessages.overloaded)
            await HeldAnswer.wait()
            let response = try await renderPasswordStep(req, email: email, errors: errors)
            response.status = .serviceUnavailable
            response.headers.replaceOrAdd(name: .retryAfter, value: String(HashingOverloaded.retryAfterSeconds))
            return response
        }
        switch outcome {
        case .signedIn(_, let token):
            if let replaced = req.currentUser {
                // Signing in again for an application (prompt=login, max_age): the new session replaces this one.
                try await req.portal.sessions.close(replaced.session, on: req.db)
            }
            let response = try await SignInReturn.redirect(after: req)
            response.cookies[req.portal.sessions.cookieName] = req.portal.sessions.cookie(token)
            return response
        case .secondFactorRequired(let challengeToken):
            let secondFactors = req.portal.secondFactors
            let response = req.redirect(to: Paths.signInCode)
            response.cookies[secondFactors.cookieName] = secondFactors.cookie(challengeToken)
            return response
        case .refused:
            errors.add("password", SignInMessages.refused)
        case .throttled(let budget, let retryAfter):
            errors.add("password", SignInMessages.throttled(budget, retryAfter: retryAfter))
            await HeldAnswer.wait()
        }
        return try await renderPasswordStep(req, email: email, errors: errors)
    }

    /// "Se déconnecter".
    func signOut(req: Request) async throws -> Response {
        if let user = req.currentUser {
            try await req.portal.signIn.signOut(user, ip: req.clientIP, on: req.db)
        }
        let response = req.redirect(to: Paths.signIn + "?message=deconnecte")
        response.cookies[req.portal.sessions.cookieName] = req.portal.sessions.expiredCookie
        return response
    }

    /// The form asking where to send the link.
    func forgotPassword(req: Request) async throws -> Response {
        try await renderForgotPassword(req, email: "", errors: FormErrors(), sent: false)
    }

    /// Sends the link when the account exists; always the same confirmation.
    func submitForgotPassword(req: Request) async throws -> Response {
        let raw = SignInEmailForm.decode(req).email ?? ""
        switch EmailAddress.normalize(raw) {
        case .failure(let error):
            var errors = FormErrors()
            errors.add("email", error.message)
            return try await renderForgotPassword(req, email: String(raw.prefix(1000)), errors: errors, sent: false)
        case .success(let email):
            try await req.portal.passwordReset.requestReset(email: email, ip: req.clientIP, on: req.db)
            return try await renderForgotPassword(req, email: email, errors: FormErrors(), sent: true)
        }
    }

    /// The page the mailed link opens.
    func newPassword(req: Request) async throws -> Response {
        let token = req.query[String.self, at: "jeton"] ?? ""
        let agent = try await req.portal.passwordReset.agent(forToken: token, on: req.db)
        return try await renderNewPassword(
            req, token: agent == nil ? "" : token, for: agent, errors: FormErrors())
    }

    /// Sets the new password, then back to the sign-in page.
    func submitNewPassword(req: Request) async throws -> Response {
        let form = NewPasswordForm.decode(req)
        let token = form.jeton ?? ""
        let outcome = try await req.portal.passwordReset.reset(
            token: token, password: form.password ?? "", confirmation: form.confirmation ?? "", ip: req.clientIP,
            on: req.db)
        switch outcome {
        case .done:
            let response = req.redirect(to: Paths.signIn + "?message=mot-de-passe-modifie")
            if req.currentUser != nil {
                response.cookies[req.portal.sessions.cookieName] = req.portal.sessions.expiredCookie
            }
            return response
        case .invalidLink:
            return try await renderNewPassword(req, token: "", for: nil, errors: FormErrors())
        case .rejected(let errors):
            let agent = try await req.portal.passwordReset.agent(forToken: token, on: req.db)
            return try await renderNewPassword(req, token: token, for: agent, errors: errors)
        }
    }

    private func renderEmailStep(
        _ req: Request, email: String, errors: FormErrors, notice: String? = nil
    )
        async throws -> Response
    {
        let page = SignInEmailPage(
            frame: PageFrame(req, title: errorPrefix(errors) + "Connexion", notice: notice), action: Paths.signIn,
            forgotPasswordURL: Paths.forgotPassword, email: email, errors: errors, registrationURL: Paths.registration)
        return req.page(page, status: status(errors))
    }

    private func renderPasswordStep(_ req: Request, email: String, errors: FormErrors) async throws -> Response {
        let page = SignInPasswordPage(
            frame: PageFrame(req, title: errorPrefix(errors) + "Connexion : mot de passe"),
            action: Paths.signInPassword, backAction: Paths.signInBack, forgotPasswordAction: Paths.forgotPassword,
            email: email, errors: errors)
        return req.page(page, status: status(errors))
    }

    private func renderForgotPassword(
        _ req: Request, email: String, errors: FormErrors, sent: Bool
    ) async throws
        -> Response
    {
        let page = ForgotPasswordPage(
            frame: PageFrame(req, title: errorPrefix(errors) + "Mot de passe oublié"), action: Paths.forgotPassword,
            email: email, errors: errors, sent: sent,
            validMinutes: Int(PasswordResetService.linkValidity / 60))
        return req.page(page)
    }

    /// The form of a reset link; `agent` is the link's owner, nil when the link is no longer usable.
    private func renderNewPassword(
        _ req: Request, token: String, for agent: Agent?, errors: FormErrors
    ) async throws
        -> Response
    {
        let isPrivileged =
            if let agent { try await req.portal.passwordReset.isPrivileged(agent, on: req.db) } else { false }
        let page = NewPasswordPage(
            frame: PageFrame(req, title: errorPrefix(errors) + "Nouveau mot de passe"), action: Paths.resetPassword,
            token: token, linkIsValid: agent != nil, forgotPasswordURL: Paths.forgotPassword, errors: errors,
            minimumLength: PasswordPolicy.minimumLength(isPrivileged: isPrivileged),
            maximumLength: PasswordPolicy.maximumLength)
        return req.page(page, status: status(errors))
    }
}

/// RGAA 8.6: the title says when the page shows errors.
func errorPrefix(_ errors: FormErrors) -> String {
    errors.isEmpty ? "" : "Erreur : "
}

/// A form with errors answers 422 so that tools and tests see the refusal; browsers show the page the same.
func status(_ errors: FormErrors) -> HTTPResponseStatus {
    errors.isEmpty ? .ok : .unprocessableEntity
}
