import Fluent
import Vapor

extension PortalServices {
    var applicationProfiles: ApplicationProfileService { .init(clock: clock, audit: audit) }
}

/// « Profils » of an application, for administrators: the list with how many hold each, the rule of a change of
/// profile, and the form of one profile.
struct ProfilesAdminController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let profiles = Paths.adminApplicationProfiles.pattern
        let admin = routes.grouped(Paths.adminApplicationProfiles.pathComponents).grouped(AdministratorGuard())
        admin.get(use: index)
        admin.post(Paths.adminApplicationProfileRule.pathComponents(under: profiles), use: setRule)
        admin.get(Paths.adminNewApplicationProfile.pathComponents(under: profiles), use: new)
        admin.post(Paths.adminNewApplicationProfile.pathComponents(under: profiles), use: create)
        admin.get(Paths.adminApplicationProfile.pathComponents(under: profiles), use: edit)
        admin.post(Paths.adminApplicationProfile.pathComponents(under: profiles), use: update)
        admin.post(Paths.adminRemoveApplicationProfile.pathComponents(under: profiles), use: remove)
    }

    func index(req: Request) async throws -> Response {
        let application = try await findApplication(req)
        let profiles = try await ProfileDirectory.profiles(of: application.id!, on: req.db)
        let holders = try await Grant.query(on: req.db).filter(\.$application.$id == application.id!)
            .filter(\.$revokedAt == nil).all(\.$profile.$id)
        let notices = [
            "enregistre": "Le profil est enregistré.", "supprime": "Le profil est supprimé.",
            "regle": "La règle de changement de profil est enregistrée.",
        ]
        let page = ApplicationProfilesPage(
            frame: PageFrame(
                req, title: "Profils de \(application.name)",
                notice: req.query[String.self, at: "fait"].flatMap { notices[$0] }),
            applicationName: application.name,
            rows: profiles.map { profile in
                .init(
                    code: profile.code, label: profile.label, description: profile.summary,
                    position: profile.position, isDefault: profile.isDefault,
                    holders: holders.filter { $0 == profile.id }.count,
                    editURL: Paths.adminApplicationProfile(application.id!, profile.id!.uuidString.lowercased()))
            },
            replaces: application.profileChange == .replace,
            ruleURL: Paths.adminApplicationProfileRule(application.id!),
            newURL: Paths.adminNewApplicationProfile(application.id!),
            applicationURL: Paths.adminApplication(application.id!))
        return req.page(page)
    }

    func setRule(req: Request) async throws -> Response {
        let application = try await findApplication(req)
        let choice = (try? req.content.get(String.self, at: "change")) ?? ""
        guard let change = BusinessApplication.ProfileChange(rawValue: choice) else { throw Abort(.badRequest) }
        try await req.portal.applicationProfiles.setChange(
            change, of: application, by: req.auditContext, on: req.db)
        return req.redirect(to: Paths.adminApplicationProfiles(application.id!) + "?fait=regle")
    }

    func new(req: Request) async throws -> Response {
        let application = try await findApplication(req)
        let next =
            (try await ApplicationProfile.query(on: req.db).filter(\.$application.$id == application.id!)
                .max(\.$position) ?? 0) + 1
        return render(req, application: application, profile: nil, form: ApplicationProfileForm(position: String(next)))
    }

    func create(req: Request) async throws -> Response {
        try await save(req, application: try await findApplication(req), profile: nil)
    }

    func edit(req: Request) async throws -> Response {
        let (application, profile) = try await findProfile(req)
        return render(req, application: application, profile: profile, form: ApplicationProfileForm(profile))
    }

    func update(req: Request) async throws -> Response {
        let (application, profile) = try await findProfile(req)
        return try await save(req, application: application, profile: profile)
    }

    func remove(req: Request) async throws -> Response {
        let (application, profile) = try await findProfile(req)
        if let problem = try await req.portal.applicationProfiles.remove(
            profile, of: application, by: req.auditContext, on: req.db)
        {
            var errors = FormErrors()
            errors.add("remove", problem)
            return render(
                req, application: application, profile: profile, form: ApplicationProfileForm(profile), errors: errors)
        }
        return req.redirect(to: Paths.adminApplicationProfiles(application.id!) + "?fait=supprime")
    }

    private func save(
        _ req: Request, application: BusinessApplication, profile: ApplicationProfile?
    ) async throws -> Response {
        var form = (try? req.content.decode(ApplicationProfileForm.self)) ?? ApplicationProfileForm()
        if let profile { form.code = profile.code }
        let errors = try await req.portal.applicationProfiles.save(
            form, as: profile, of: application, by: req.auditContext, on: req.db)
        guard errors.isEmpty else {
            return render(req, application: application, profile: profile, form: form, errors: errors)
        }
        return req.redirect(to: Paths.adminApplicationProfiles(application.id!) + "?fait=enregistre")
    }

    private func render(
        _ req: Request, application: BusinessApplication, profile: ApplicationProfile?, form: ApplicationProfileForm,
        errors: FormErrors = FormErrors()
    ) -> Response {
        let heading =
            profile.map { "Profil « \($0.label) » de \(application.name)" }
            ?? "Nouveau profil de \(application.name)"
        let page = ApplicationProfileEditPage(
            frame: PageFrame(req, title: errorPrefix(errors) + heading), heading: heading,
            action: profile.map { Paths.adminApplicationProfile(application.id!, $0.id!.uuidString.lowercased()) }
                ?? Paths.adminNewApplicationProfile(application.id!),
            form: form, isNew: profile == nil,
            removeURL: profile.map {
                Paths.adminRemoveApplicationProfile(application.id!, $0.id!.uuidString.lowercased())
            },
            listURL: Paths.adminApplicationProfiles(application.id!), errors: errors)
        return req.page(page, status: status(errors))
    }

    private func findApplication(_ req: Request) async throws -> BusinessApplication {
        guard let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)),
            let application = try await BusinessApplication.find(id, on: req.db)
        else { throw Abort(.notFound) }
        return application
    }

    private func findProfile(_ req: Request) async throws -> (BusinessApplication, ApplicationProfile) {
        let application = try await findApplication(req)
        guard let id = req.parameters.get("profile").flatMap(UUID.init(uuidString:)),
            let profile = try await ApplicationProfile.find(id, on: req.db),
            profile.$application.id == application.id
        else { throw Abort(.notFound) }
        return (application, profile)
    }
}

/// The profiles of one application.
struct ApplicationProfilesPage {
    struct Row {
        let code: String
        let label: String
        let description: String
        let position: Int
        let isDefault: Bool
        /// Agents holding it now.
        let holders: Int
        let editURL: String
    }

    let frame: PageFrame
    let applicationName: String
    let rows: [Row]
    let replaces: Bool
    let ruleURL: String
    let newURL: String
    let applicationURL: String
}

/// The form of one profile.
struct ApplicationProfileEditPage {
    let frame: PageFrame
    let heading: String
    let action: String
    let form: ApplicationProfileForm
    /// The code is chosen once, at creation: applications read it.
    let isNew: Bool
    let removeURL: String?
    let listURL: String
    let errors: FormErrors
}
