import Fluent
import Vapor

/// "Mes informations" › "Mes coordonnées", the proof of a new login e-mail, and "Télécharger mes données".
/// Signed-in agents, about themselves only (the confirmation link works from any browser).
struct ProfileController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(Paths.myDetails.pathComponents, use: edit)
        routes.post(Paths.myDetails.pathComponents, use: update)
        routes.get(Paths.confirmEmailChange.pathComponents, use: confirmationPage)
        routes.post(Paths.confirmEmailChange.pathComponents, use: confirm)
        routes.get(Paths.myData.pathComponents, use: download)
    }

    /// The form filled with the stored details.
    func edit(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let notice: String? =
            switch req.query[String.self, at: "enregistre"] {
            case "1": "Vos coordonnées ont été enregistrées."
            case "adresse":
                "Vos coordonnées ont été enregistrées. Un lien de confirmation vient d’être envoyé à votre "
                    + "nouvelle adresse : elle deviendra votre identifiant lorsque vous l’aurez confirmée."
            default: nil
            }
        return try await render(
            req, user: user, form: ProfileForm(agent: user.agent), errors: FormErrors(), notice: notice)
    }

    /// "Enregistrer les modifications".
    func update(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let posted = ProfileForm.decode(req)
        let organisations = try await Organisation.query(on: req.db).filter(\.$isActive == true).all()
        switch posted.validate(agent: user.agent, organisations: organisations) {
        case .failure(let errors):
            return try await render(req, user: user, form: posted.withoutPassword(for: user.agent), errors: errors)
        case .success(let valid):
            switch try await req.portal.profile.update(user, posted: posted, valid: valid, ip: req.clientIP, on: req.db)
            {
            case .wrongPassword:
                var errors = FormErrors()
                errors.add("motDePasseActuel", "Mot de passe incorrect.")
                return try await render(req, user: user, form: posted.withoutPassword(for: user.agent), errors: errors)
            case .throttled(let message):
                var errors = FormErrors()
                errors.add("motDePasseActuel", message)
                return try await render(req, user: user, form: posted.withoutPassword(for: user.agent), errors: errors)
            case .saved(let pending):
                return req.redirect(to: Paths.myDetails + "?enregistre=" + (pending == nil ? "1" : "adresse"))
            }
        }
    }

    /// The page the proof link opens: a button confirms.
    func confirmationPage(req: Request) async throws -> Response {
        let token = req.query[String.self, at: "jeton"] ?? ""
        let change = try await req.portal.profile.pendingChange(token: token, on: req.db)
        return req.page(
            EmailChangePage(
                frame: PageFrame(req, title: "Confirmer votre nouvelle adresse"), token: change == nil ? "" : token,
                newEmail: change?.newEmail ?? "", isValid: change != nil, done: nil,
                action: Paths.confirmEmailChange))
    }

    /// Makes the new address the login.
    func confirm(req: Request) async throws -> Response {
        let token = (try? req.content.get(String.self, at: "jeton")) ?? ""
        let done = try await req.portal.profile.confirmEmailChange(token: token, ip: req.clientIP, on: req.db)
        return req.page(
            EmailChangePage(
                frame: PageFrame(req, title: done ? "Adresse confirmée" : "Lien expiré"), token: "", newEmail: "",
                isValid: done, done: done, action: Paths.confirmEmailChange))
    }

    /// "Télécharger mes données": everything the portal holds about the person, as JSON (RGPD art. 15 and 20).
    func download(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let export = try await PersonalDataExport.make(for: user.agent, on: req.db)
        try await req.portal.audit.record(
            .personalDataExported, by: req.auditContext, target: ("agent", user.id.uuidString), on: req.db)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        let response = Response(status: .ok, body: .init(data: try encoder.encode(export)))
        response.headers.contentType = .json
        response.headers.replaceOrAdd(
            name: .contentDisposition, value: "attachment; filename=\"mes-donnees-espace-organismes.json\"")
        return response
    }

    private func render(
        _ req: Request, user: CurrentUser, form: ProfileForm, errors: FormErrors, notice: String? = nil
    ) async throws -> Response {
        let organisations = try await Organisation.query(on: req.db).filter(\.$isActive == true).sort(\.$name).all()
        let organisation = try await user.agent.$organisation.get(on: req.db)
        let settings = req.application.settings
        let page = ProfilePage(
            frame: PageFrame(req, title: errorPrefix(errors) + "Mes coordonnées", notice: notice),
            action: Paths.myDetails,
            form: form, civilities: RegistrationForm.civilities,
            groups: OrganisationGroup.groups(organisations.filter { $0.id != organisation.id }),
            organisationName: organisation.name, isDirector: user.agent.isDirector,
            identitySource: user.agent.identitySource,
            directorProfileURL: settings.addProfileURL, directorContactEmail: req.runtimeSettings.directorContactEmail,
            webmasterEmail: req.runtimeSettings.webmasterEmail, downloadURL: Paths.myData, errors: errors)
        return req.page(page, status: status(errors))
    }
}

extension ProfileForm {
    /// What the page shows again after an error: what was typed, the stored identity for an ADD, no password.
    func withoutPassword(for agent: Agent) -> ProfileForm {
        var copy = self
        copy.motDePasseActuel = nil
        if agent.isDirector || agent.identitySource != nil {
            let stored = ProfileForm(agent: agent)
            copy.civilite = stored.civilite
            copy.prenom = stored.prenom
            copy.nom = stored.nom
            copy.nomNaissance = stored.nomNaissance
        }
        if agent.identitySource != nil {
            let stored = ProfileForm(agent: agent)
            copy.email = stored.email
            copy.telephone = stored.telephone
        }
        return copy
    }
}

/// "Mes coordonnées".
struct ProfilePage {
    let frame: PageFrame
    let action: String
    let form: ProfileForm
    let civilities: [String]
    let groups: [OrganisationGroup]
    let organisationName: String
    let isDirector: Bool
    /// The directory feed that masters the identity, login address and telephone, if any.
    var identitySource: String? = nil
    let directorProfileURL: String
    let directorContactEmail: String
    let webmasterEmail: String
    let downloadURL: String
    let errors: FormErrors
}

/// The proof of a new login e-mail.
struct EmailChangePage {
    let frame: PageFrame
    let token: String
    let newEmail: String
    let isValid: Bool
    let done: Bool?
    let action: String
}
