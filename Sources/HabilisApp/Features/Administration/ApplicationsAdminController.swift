import Fluent
import Vapor

/// Administration of the catalogue: create, edit, deactivate, order the applications and choose who decides
/// (local or central). Changing the mode re-routes the pending requests after a confirmation that says how many.
struct ApplicationsAdminController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let admin = routes.grouped(Paths.administration.pathComponents).grouped(AdministratorGuard())
        admin.get(Paths.adminApplications.pathComponents(under: Paths.administration), use: index)
        admin.get(Paths.adminNewApplication.pathComponents(under: Paths.administration), use: new)
        admin.post(Paths.adminNewApplication.pathComponents(under: Paths.administration), use: create)
        admin.get(Paths.adminApplication.pathComponents(under: Paths.administration), use: edit)
        admin.post(Paths.adminApplication.pathComponents(under: Paths.administration), use: update)
    }

    func index(req: Request) async throws -> Response {
        let applications = try await BusinessApplication.query(on: req.db).sort(\.$position).sort(\.$name).all()
        return req.page(
            ApplicationsPage(
                frame: PageFrame(req, title: "Applications du catalogue", notice: savedNotice(req)),
                newURL: Paths.adminNewApplication,
                rows: applications.map {
                    .init(
                        name: $0.name, code: $0.code, position: $0.position,
                        mode: $0.accessMode == .central ? "nationale (administrateurs)" : "locale (correspondants)",
                        isActive: $0.isActive, editURL: Paths.adminApplication($0.id!))
                }))
    }

    func new(req: Request) async throws -> Response {
        let next = (try await BusinessApplication.query(on: req.db).max(\.$position) ?? 0) + 1
        return try await render(
            req, application: nil, form: ApplicationForm(position: String(next), mode: "local", active: "1"),
            errors: FormErrors(), pendingToReroute: nil)
    }

    func create(req: Request) async throws -> Response {
        try await save(req, application: BusinessApplication())
    }

    func edit(req: Request) async throws -> Response {
        let application = try await find(req)
        return try await render(
            req, application: application, form: ApplicationForm(application), errors: FormErrors(),
            pendingToReroute: nil)
    }

    func update(req: Request) async throws -> Response {
        try await save(req, application: try await find(req))
    }

    private func save(_ req: Request, application: BusinessApplication) async throws -> Response {
        let form = (try? req.content.decode(ApplicationForm.self)) ?? ApplicationForm()
        var errors = form.validate()
        let code = (form.code ?? "").trimmingCharacters(in: .whitespaces).uppercased()
        let isNew = application.id == nil
        let codeTaken = {
            try await BusinessApplication.query(on: req.db).filter(\.$code == code)
                .filter(\.$id != application.id ?? UUID()).count() > 0
        }
        let codeTakenMessage = "Ce code est déjà utilisé par une autre application."
        if errors.isEmpty, try await codeTaken() { errors.add("code", codeTakenMessage) }
        guard errors.isEmpty else {
            return try await render(
                req, application: isNew ? nil : application, form: form, errors: errors, pendingToReroute: nil)
        }
        let mode = BusinessApplication.AccessMode(rawValue: form.mode ?? "") ?? .local
        let modeChanges = !isNew && application.accessMode != mode
        var pending = 0
        if modeChanges {
            pending = try await AccessRequest.query(on: req.db).filter(\.$application.$id == application.id!)
                .filter(.sql(AccessRequest.isPending())).countRows()
            if pending > 0, form.confirm != "1" {
                return try await render(
                    req, application: application, form: form, errors: errors, pendingToReroute: pending)
            }
        }
        let before = isNew ? [:] : ApplicationForm(application).snapshot
        application.code = code
        application.name = form.name!.trimmingCharacters(in: .whitespaces)
        application.summary = TextInput.stored(form.summary) ?? ""
        application.launchURL = form.launchURL!.trimmingCharacters(in: .whitespaces)
        application.accessMode = mode
        application.position = Int(form.position ?? "") ?? 0
        application.isActive = form.active == "1"
        // Rights granted from now on end this long after; rights held keep the end they were given.
        application.maxValidityMonths = form.validityMonths
        if isNew {
            application.createdAt = req.portal.clock.now
            application.profileChange = .replace
        }
        let after = ApplicationForm(application).snapshot
        let reroutes = modeChanges && pending > 0
        let audit = req.portal.audit
        let routing = req.portal.routing
        let context = req.auditContext
        let saved = try await WriteConflict.written(unless: codeTaken) {
            try await audit.save(
                application, as: .applicationSaved, target: "application", before: before, after: after, by: context,
                on: req.db
            ) { database in
                guard reroutes else { return }
                let rerouted = try await routing.reroutePending(ofApplication: application.id!, on: database)
                try await audit.record(
                    .requestsRerouted, by: context, target: ("application", application.id!.uuidString),
                    details: ["count": String(rerouted), "mode": mode.rawValue], on: database)
            }
        }
        guard saved else {
            errors.add("code", codeTakenMessage)
            return try await render(
                req, application: isNew ? nil : application, form: form, errors: errors, pendingToReroute: nil)
        }
        return req.redirect(to: Paths.adminApplications + "?enregistre=1")
    }

    private func render(
        _ req: Request, application: BusinessApplication?, form: ApplicationForm, errors: FormErrors,
        pendingToReroute: Int?
    ) async throws -> Response {
        let target = form.mode == "central" ? "aux administrateurs de l’UCANSS" : "aux correspondants des organismes"
        let page = ApplicationEditPage(
            frame: PageFrame(req, title: errorPrefix(errors) + (application?.name ?? "Nouvelle application")),
            action: application.map { Paths.adminApplication($0.id!) } ?? Paths.adminNewApplication, form: form,
            confirmation: pendingToReroute.map {
                "Changer le mode de gestion réadressera \($0) demande(s) en attente \(target). Confirmez-vous ?"
            },
            listURL: Paths.adminApplications, clientsURL: application.map { Paths.adminApplicationClients($0.id!) },
            profilesURL: application.map { Paths.adminApplicationProfiles($0.id!) },
            errors: errors)
        return req.page(page, status: status(errors))
    }

    private func find(_ req: Request) async throws -> BusinessApplication {
        guard let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)),
            let application = try await BusinessApplication.find(id, on: req.db)
        else { throw Abort(.notFound) }
        return application
    }
}

/// The application form.
struct ApplicationForm: Content {
    var code: String?
    var name: String?
    var summary: String?
    var launchURL: String?
    var mode: String?
    var position: String?
    var active: String?
    var confirm: String?
    /// « Durée maximale des habilitations (en mois) », empty when rights do not end by themselves.
    var validity: String?

    init(position: String? = nil, mode: String? = nil, active: String? = nil) {
        self.position = position
        self.mode = mode
        self.active = active
    }

    init(_ application: BusinessApplication) {
        code = application.code
        name = application.name
        summary = application.summary
        launchURL = application.launchURL
        mode = application.accessMode.rawValue
        position = String(application.position)
        active = application.isActive ? "1" : nil
        validity = application.maxValidityMonths.map(String.init)
    }

    /// The maximum validity in months, nil when the field is empty (validated by `validate`).
    var validityMonths: Int? {
        Int((validity ?? "").trimmingCharacters(in: .whitespaces))
    }

    var snapshot: [String: String] {
        [
            "code": code ?? "", "name": name ?? "", "description": summary ?? "", "launch_url": launchURL ?? "",
            "access_mode": mode ?? "", "position": position ?? "", "active": active == "1" ? "true" : "false",
            "max_validity_months": validityMonths.map(String.init) ?? "",
        ]
    }

    func validate() -> FormErrors {
        var errors = FormErrors()
        let code = (self.code ?? "").trimmingCharacters(in: .whitespaces)
        if !TextInput.isCode(code, maximum: 40) {
            errors.add("code", "Le code comporte de 1 à 40 lettres sans accent, chiffres ou tirets.")
        }
        if let problem = TextInput.problem(name ?? "", label: "le nom", maximum: 150, required: true) {
            errors.add("name", problem)
        }
        if let problem = TextInput.problem(
            summary ?? "", label: "la description", maximum: 2000, required: false, multiline: true)
        {
            errors.add("summary", problem)
        }
        let url = (launchURL ?? "").trimmingCharacters(in: .whitespaces)
        if let components = URLComponents(string: url),
            ["https", "http"].contains(components.scheme?.lowercased() ?? ""),
            components.host?.isEmpty == false, url.count <= 500
        {
        } else {
            errors.add("launchURL", "Indiquez l’adresse de l’application, commençant par https://.")
        }
        if BusinessApplication.AccessMode(rawValue: mode ?? "") == nil {
            errors.add("mode", "Choisissez qui décide des demandes.")
        }
        _ = errors.position(position, field: "position")
        let validityText = (validity ?? "").trimmingCharacters(in: .whitespaces)
        if !validityText.isEmpty, !(1...120).contains(Int(validityText) ?? 0) {
            errors.add(
                "validity",
                "La durée maximale est un nombre de mois entre 1 et 120, ou reste vide si les habilitations n’expirent pas."
            )
        }
        return errors
    }
}

struct ApplicationsPage {
    struct Row {
        let name: String
        let code: String
        let position: Int
        let mode: String
        let isActive: Bool
        let editURL: String
    }

    let frame: PageFrame
    let newURL: String
    let rows: [Row]
}

struct ApplicationEditPage {
    let frame: PageFrame
    let action: String
    let form: ApplicationForm
    let confirmation: String?
    let listURL: String
    /// « Connexion des applications (OpenID Connect) », for an application that exists.
    let clientsURL: String?
    /// « Profils », for an application that exists.
    let profilesURL: String?
    let errors: FormErrors
}
