import Fluent
import Vapor

/// "Demander un accès à l'espace Organismes": the professional e-mail, the registration form, the proof of the
/// address. Open to visitors; a signed-in person is sent home.
struct RegistrationController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(Paths.registration.pathComponents, use: emailStep)
        routes.post(Paths.registration.pathComponents, use: submitEmail)
        routes.post(Paths.registrationForm.pathComponents, use: submitForm)
        routes.get(Paths.registrationProof.pathComponents, use: proofPage)
        routes.post(Paths.registrationProof.pathComponents, use: prove)
    }

    /// "Entrez votre e-mail professionnel qui vous servira d'identifiant de connexion".
    func emailStep(req: Request) async throws -> Response {
        if req.currentUser != nil { return req.redirect(to: Paths.home) }
        return try await renderEmail(req, email: "", errors: FormErrors())
    }

    /// A well-formed address leads to the form, whatever accounts exist.
    func submitEmail(req: Request) async throws -> Response {
        let raw = (try? req.content.get(String.self, at: "email")) ?? ""
        switch EmailAddress.normalize(raw) {
        case .failure(let error):
            var errors = FormErrors()
            errors.add("email", error.message)
            return try await renderEmail(req, email: String(raw.prefix(1000)), errors: errors)
        case .success(let email):
            var form = RegistrationForm()
            form.email = email
            return try await renderForm(req, form: form, errors: FormErrors())
        }
    }

    /// The whole form: checked, then the proof link is mailed; the same screen follows in every case.
    func submitForm(req: Request) async throws -> Response {
        var form = RegistrationForm.decode(req)
        let organisations = try await activeOrganisations(req)
        switch form.validate(activeOrganisations: organisations, policy: req.portal.passwordPolicy) {
        case .failure(let errors):
            form.password = nil
            form.confirmation = nil
            return try await renderForm(req, form: form, errors: errors)
        case .success(let input):
            try await req.portal.accountRequests.submit(input, ip: req.clientIP, on: req.db)
            let page = RegistrationSentPage(
                frame: PageFrame(req, title: "Demande d’accès : confirmez votre adresse"), email: input.email,
                decidersDescription: try await req.portal.accountRequests.decidersDescription(
                    organisationID: input.organisationID, on: req.db),
                validHours: req.application.settings.proofValidityHours)
            return req.page(page)
        }
    }

    /// The page the mailed link opens: a button proves the address (a link scanner's visit changes nothing).
    func proofPage(req: Request) async throws -> Response {
        let token = req.query[String.self, at: "jeton"] ?? ""
        let request = try await req.portal.accountRequests.awaitingProof(token: token, on: req.db)
        let page = RegistrationProofPage(
            frame: PageFrame(req, title: "Confirmer votre adresse"), token: request == nil ? "" : token,
            isValid: request != nil, email: request?.email ?? "", action: Paths.registrationProof,
            proven: nil, registrationURL: Paths.registration, signInURL: Paths.signIn)
        return req.page(page)
    }

    /// Proves the address; the request is routed and its deciders told at once.
    func prove(req: Request) async throws -> Response {
        let token = (try? req.content.get(String.self, at: "jeton")) ?? ""
        let deciders = try await req.portal.accountRequests.prove(token: token, ip: req.clientIP, on: req.db)
        let page = RegistrationProofPage(
            frame: PageFrame(req, title: deciders == nil ? "Lien expiré" : "Adresse confirmée"), token: "",
            isValid: deciders != nil, email: "", action: Paths.registrationProof, proven: deciders,
            registrationURL: Paths.registration, signInURL: Paths.signIn)
        return req.page(page)
    }

    private func renderEmail(_ req: Request, email: String, errors: FormErrors) async throws -> Response {
        let page = RegistrationEmailPage(
            frame: PageFrame(req, title: errorPrefix(errors) + "Demander un accès à l’espace Organismes"),
            action: Paths.registration, forgotPasswordURL: Paths.forgotPassword, email: email, errors: errors)
        return req.page(page, status: status(errors))
    }

    private func renderForm(_ req: Request, form: RegistrationForm, errors: FormErrors) async throws -> Response {
        let organisations = try await activeOrganisations(req)
        let page = RegistrationFormPage(
            frame: PageFrame(req, title: errorPrefix(errors) + "Formulaire d’inscription"),
            action: Paths.registrationForm,
            form: form, civilities: RegistrationForm.civilities, groups: OrganisationGroup.groups(organisations),
            errors: errors, minimumLength: PasswordPolicy.minimumLength, maximumLength: PasswordPolicy.maximumLength)
        return req.page(page, status: status(errors))
    }

    private func activeOrganisations(_ req: Request) async throws -> [Organisation] {
        try await Organisation.query(on: req.db).filter(\.$isActive == true).sort(\.$name).all()
    }
}

/// The registration form with what was typed (never the password) and the organisations to choose from.
struct RegistrationFormPage {
    let frame: PageFrame
    let action: String
    let form: RegistrationForm
    let civilities: [String]
    let groups: [OrganisationGroup]
    let errors: FormErrors
    let minimumLength: Int
    let maximumLength: Int
}

/// Organisations of one branch, as an `<optgroup>`.
struct OrganisationGroup {
    /// One organisation as an `<option>`.
    struct Option {
        let id: String
        let name: String
    }

    let label: String
    let options: [Option]

    static func groups(_ organisations: [Organisation]) -> [OrganisationGroup] {
        Organisation.Branch.allCases.compactMap { branch in
            let options = organisations.filter { $0.branch == branch }
                .map { Option(id: $0.id!.uuidString.lowercased(), name: $0.name) }
            return options.isEmpty ? nil : OrganisationGroup(label: branch.label, options: options)
        }
    }
}

extension Organisation.Branch {
    /// The branch in French.
    var label: String {
        switch self {
        case .maladie: "Branche maladie"
        case .famille: "Branche famille"
        case .retraite: "Branche retraite"
        case .recouvrement: "Branche recouvrement"
        case .autre: "Autres organismes"
        }
    }
}

/// "Un e-mail vient de vous être envoyé".
struct RegistrationSentPage {
    let frame: PageFrame
    let email: String
    let decidersDescription: String
    let validHours: Int
}

/// The proof of the address: the button, the outcome, or the expired link.
struct RegistrationProofPage {
    let frame: PageFrame
    let token: String
    let isValid: Bool
    let email: String
    let action: String
    let proven: String?
    let registrationURL: String
    let signInURL: String
}

/// Step 1 of the account request: the professional e-mail address that will be the identifier.
struct RegistrationEmailPage {
    let frame: PageFrame
    let action: String
    let forgotPasswordURL: String
    let email: String
    let errors: FormErrors
}
