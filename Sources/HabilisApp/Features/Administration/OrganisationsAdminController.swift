import Fluent
import SQLKit
import Vapor

/// Administration of the organismes: list with agent counts and correspondents, create, edit, deactivate, mail
/// domains, and the designation of correspondents (optionally for some applications). Administrators only.
struct OrganisationsAdminController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let admin = routes.grouped(Paths.administration.pathComponents).grouped(AdministratorGuard())
        admin.get(Paths.adminOrganisations.pathComponents(under: Paths.administration), use: index)
        admin.get(Paths.adminNewOrganisation.pathComponents(under: Paths.administration), use: new)
        admin.post(Paths.adminNewOrganisation.pathComponents(under: Paths.administration), use: create)
        admin.get(Paths.adminOrganisation.pathComponents(under: Paths.administration), use: edit)
        admin.post(Paths.adminOrganisation.pathComponents(under: Paths.administration), use: update)
        admin.post(Paths.adminDesignate.pathComponents(under: Paths.administration), use: designate)
        admin.post(Paths.adminRemoveCorrespondent.pathComponents(under: Paths.administration), use: removeCorrespondent)
    }

    /// Every organisme with its numbers.
    func index(req: Request) async throws -> Response {
        let organisations = try await Organisation.query(on: req.db).sort(\.$name).all()
        let counts = try await AgentCounts.byOrganisation(on: req.db)
        let designations = try await Correspondent.query(on: req.db).with(\.$agent).all()
        let rows = organisations.map { organisation in
            OrganisationsPage.Row(
                name: organisation.name, code: organisation.code, branch: organisation.branch.label,
                domains: organisation.mailDomains.joined(separator: ", "), agents: counts[organisation.id!] ?? 0,
                correspondents: designations.filter { $0.$organisation.id == organisation.id }
                    .map(\.agent.fullName).sorted().joined(separator: ", ").nilIfEmpty ?? "aucun",
                isActive: organisation.isActive, editURL: Paths.adminOrganisation(organisation.id!))
        }
        return req.page(
            OrganisationsPage(
                frame: PageFrame(req, title: "Organismes", notice: savedNotice(req)),
                newURL: Paths.adminNewOrganisation,
                rows: rows))
    }

    func new(req: Request) async throws -> Response {
        try await render(req, organisation: nil, form: OrganisationForm(active: "1"), errors: FormErrors())
    }

    func create(req: Request) async throws -> Response {
        try await save(req, organisation: Organisation())
    }

    func edit(req: Request) async throws -> Response {
        let organisation = try await find(req)
        return try await render(
            req, organisation: organisation, form: OrganisationForm(organisation), errors: FormErrors())
    }

    func update(req: Request) async throws -> Response {
        try await save(req, organisation: try await find(req))
    }

    /// Said when the agent is a correspondent of the organisme already, found before the insert or refused by it.
    private static func alreadyCorrespondent(_ agent: Agent) -> String {
        "\(agent.fullName) est déjà correspondant de cet organisme."
    }

    /// Designates an agent (by e-mail) as correspondent, for all applications or the ticked ones.
    func designate(req: Request) async throws -> Response {
        let organisation = try await find(req)
        struct Form: Content {
            var email: String?
            var applications: [String]?
        }
        let form = (try? req.content.decode(Form.self)) ?? Form()
        var errors = FormErrors()
        let agent: Agent?
        switch EmailAddress.normalize(form.email ?? "") {
        case .success(let email):
            agent = try await Agent.query(on: req.db).filter(\.$email == email).filter(\.$status == .active).first()
            if agent == nil { errors.add("correspondant", "Aucun compte actif ne correspond à cette adresse.") }
        case .failure(let error):
            agent = nil
            errors.add("correspondant", error.message)
        }
        if let agent,
            try await Correspondent.query(on: req.db).filter(\.$agent.$id == agent.id!)
                .filter(\.$organisation.$id == organisation.id!).count() > 0
        {
            errors.add("correspondant", Self.alreadyCorrespondent(agent))
        }
        guard errors.isEmpty, let agent else {
            var typed = OrganisationForm(organisation)
            typed.correspondent = form.email
            return try await render(req, organisation: organisation, form: typed, errors: errors)
        }
        let applicationIDs = try await BusinessApplication.query(on: req.db)
            .filter(\.$id ~~ (form.applications ?? []).compactMap(UUID.init(uuidString:))).all(\.$id)
        let audit = req.portal.audit
        let routing = req.portal.routing
        let context = req.auditContext
        let now = req.portal.clock.now
        do {
            try await designate(
                agent, of: organisation, applications: applicationIDs, now: now, context: context, on: req.db,
                routing: routing, audit: audit)
        } catch let error where WriteConflict.isDuplicate(error) {
            // The same designation sent twice at once: the first one made it.
            var errors = FormErrors()
            errors.add("correspondant", Self.alreadyCorrespondent(agent))
            var typed = OrganisationForm(organisation)
            typed.correspondent = form.email
            return try await render(req, organisation: organisation, form: typed, errors: errors)
        }
        return req.redirect(to: Paths.adminOrganisation(organisation.id!) + "?enregistre=1")
    }

    private func designate(
        _ agent: Agent, of organisation: Organisation, applications applicationIDs: [UUID], now: Date,
        context: AuditContext, on db: any Database, routing: Routing, audit: AuditLog
    ) async throws {
        try await db.atomically { database in
            let designation = Correspondent(agentID: agent.id!, organisationID: organisation.id!, createdAt: now)
            try await designation.create(on: database)
            for id in applicationIDs {
                try await CorrespondentScope(correspondentID: designation.id!, applicationID: id).create(on: database)
            }
            let rerouted = try await routing.reroutePending(of: organisation.id!, on: database)
            if rerouted > 0 {
                try await audit.record(
                    .requestsRerouted, by: context, organisationID: organisation.id,
                    details: ["count": String(rerouted)], on: database)
            }
            try await audit.record(
                .correspondentDesignated, by: context, target: ("agent", agent.id!.uuidString),
                organisationID: organisation.id,
                details: ["applications": applicationIDs.map(\.uuidString).sorted().joined(separator: ",")],
                on: database)
        }
    }

    /// Ends a designation; the person keeps their account.
    func removeCorrespondent(req: Request) async throws -> Response {
        guard let organisationID = req.parameters.get("id").flatMap(UUID.init(uuidString:)),
            let id = req.parameters.get("designation").flatMap(UUID.init(uuidString:))
        else { throw Abort(.notFound) }
        let back = Paths.adminOrganisation(organisationID)
        // Already removed (another tab, another administrator): the organisme, which shows it gone.
        guard let designation = try await Correspondent.find(id, on: req.db),
            designation.$organisation.id == organisationID
        else { return req.redirect(to: back) }
        let audit = req.portal.audit
        let routing = req.portal.routing
        let context = req.auditContext
        let removed = try await req.db.atomically { database in
            try await CorrespondentScope.query(on: database).filter(\.$correspondent.$id == id).delete()
            guard try await database.deleteRow(Correspondent.schema, id: id) else { return false }
            let rerouted = try await routing.reroutePending(of: designation.$organisation.id, on: database)
            if rerouted > 0 {
                try await audit.record(
                    .requestsRerouted, by: context, organisationID: designation.$organisation.id,
                    details: ["count": String(rerouted)], on: database)
            }
            try await audit.record(
                .correspondentRemoved, by: context, target: ("agent", designation.$agent.id.uuidString),
                organisationID: designation.$organisation.id, on: database)
            return true
        }
        return req.redirect(to: back + (removed ? "?enregistre=1" : ""))
    }

    private func save(_ req: Request, organisation: Organisation) async throws -> Response {
        let form = (try? req.content.decode(OrganisationForm.self)) ?? OrganisationForm()
        var errors = form.validate()
        let code = (form.code ?? "").trimmingCharacters(in: .whitespaces).uppercased()
        let isNew = organisation.id == nil
        let codeTaken = {
            try await Organisation.query(on: req.db).filter(\.$code == code).filter(\.$id != organisation.id ?? UUID())
                .count() > 0
        }
        let codeTakenMessage = "Ce code est déjà utilisé par un autre organisme."
        if errors.isEmpty, try await codeTaken() { errors.add("code", codeTakenMessage) }
        guard errors.isEmpty else {
            return try await render(req, organisation: isNew ? nil : organisation, form: form, errors: errors)
        }
        let before = isNew ? [:] : OrganisationForm(organisation).snapshot
        organisation.code = code
        organisation.name = form.name!.trimmingCharacters(in: .whitespaces)
        organisation.branch = Organisation.Branch(rawValue: form.branch ?? "") ?? .autre
        organisation.mailDomainsText = form.domains.joined(separator: ",")
        organisation.isActive = form.active == "1"
        organisation.isInAlsaceMoselle = form.alsaceMoselle == "1"
        if isNew {
            organisation.createdAt = req.portal.clock.now
            // Known before the save: the audit event names the organisme it concerns.
            organisation.id = UUID()
        }
        let after = OrganisationForm(organisation).snapshot
        let saved = try await WriteConflict.written(unless: codeTaken) {
            try await req.portal.audit.save(
                organisation, as: .organisationSaved, target: "organisation", organisationID: organisation.id,
                before: before, after: after, by: req.auditContext, on: req.db)
        }
        guard saved else {
            errors.add("code", codeTakenMessage)
            return try await render(req, organisation: isNew ? nil : organisation, form: form, errors: errors)
        }
        return req.redirect(to: Paths.adminOrganisations + "?enregistre=1")
    }

    private func render(
        _ req: Request, organisation: Organisation?, form: OrganisationForm, errors: FormErrors
    )
        async throws -> Response
    {
        var correspondents: [OrganisationEditPage.Correspondent] = []
        if let organisation {
            let designations = try await Correspondent.query(on: req.db)
                .filter(\.$organisation.$id == organisation.id!).with(\.$agent).with(\.$scopes) {
                    $0.with(\.$application)
                }
                .all()
            correspondents = designations.map {
                .init(
                    name: $0.agent.fullName, email: $0.agent.email,
                    scope: $0.scopes.isEmpty
                        ? "toutes les applications"
                        : $0.scopes.map(\.application.name).sorted()
                            .joined(separator: ", "),
                    removeURL: Paths.adminRemoveCorrespondent($0.$organisation.id, $0.id!),
                    absencesURL: Paths.adminAgentAbsences($0.$agent.id))
            }
        }
        let applications = try await BusinessApplication.query(on: req.db).sort(\.$position).all()
        let page = OrganisationEditPage(
            frame: PageFrame(
                req, title: errorPrefix(errors) + (organisation?.name ?? "Nouvel organisme"), notice: savedNotice(req)),
            action: organisation.map { Paths.adminOrganisation($0.id!) } ?? Paths.adminNewOrganisation, form: form,
            branches: Organisation.Branch.allCases.map { .init(value: $0.rawValue, label: $0.label) },
            isNew: organisation == nil, correspondents: correspondents,
            designateURL: organisation.map { Paths.adminDesignate($0.id!) },
            applications: applications.map { .init(id: $0.id!.uuidString.lowercased(), name: $0.name) },
            listURL: Paths.adminOrganisations, errors: errors)
        return req.page(page, status: status(errors))
    }

    private func find(_ req: Request) async throws -> Organisation {
        guard let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)),
            let organisation = try await Organisation.find(id, on: req.db)
        else { throw Abort(.notFound) }
        return organisation
    }
}

/// "Les modifications ont été enregistrées." after a redirect.
func savedNotice(_ req: Request) -> String? {
    req.query[String.self, at: "enregistre"] == "1" ? "Les modifications ont été enregistrées." : nil
}

/// Number of active accounts per organisme, in one grouped query.
enum AgentCounts {
    static func byOrganisation(on database: any Database) async throws -> [UUID: Int] {
        let rows = try await (database as! any SQLDatabase)
            .raw("SELECT organisation_id, COUNT(*) AS n FROM agents GROUP BY organisation_id").all()
        var counts: [UUID: Int] = [:]
        for row in rows {
            if let id = try? row.decode(column: "organisation_id", as: UUID.self) {
                counts[id] = (try? row.decode(column: "n", as: Int.self)) ?? 0
            }
        }
        return counts
    }
}

/// The organisme form.
struct OrganisationForm: Content {
    var code: String?
    var name: String?
    var branch: String?
    var mailDomains: String?
    var active: String?
    var alsaceMoselle: String?
    var correspondent: String?

    init(
        code: String? = nil, name: String? = nil, branch: String? = nil, mailDomains: String? = nil,
        active: String? = nil
    ) {
        self.code = code
        self.name = name
        self.branch = branch
        self.mailDomains = mailDomains
        self.active = active
    }

    init(_ organisation: Organisation) {
        self.init(
            code: organisation.code, name: organisation.name, branch: organisation.branch.rawValue,
            mailDomains: organisation.mailDomains.joined(separator: ", "), active: organisation.isActive ? "1" : nil)
        alsaceMoselle = organisation.isInAlsaceMoselle ? "1" : nil
    }

    /// The domains typed, separated by commas, semicolons or spaces, lowercased.
    var domains: [String] {
        (mailDomains ?? "").lowercased().components(separatedBy: CharacterSet(charactersIn: ",; \n\r\t"))
            .filter { !$0.isEmpty }
    }

    var snapshot: [String: String] {
        [
            "code": code ?? "", "name": name ?? "", "branch": branch ?? "",
            "mail_domains": domains.joined(separator: ","),
            "active": active == "1" ? "true" : "false",
            "alsace_moselle": alsaceMoselle == "1" ? "true" : "false",
        ]
    }

    func validate() -> FormErrors {
        var errors = FormErrors()
        let code = (self.code ?? "").trimmingCharacters(in: .whitespaces)
        if !TextInput.isCode(code, maximum: 30) {
            errors.add(
                "code", "Le code comporte de 1 à 30 lettres sans accent, chiffres ou tirets, par exemple CPAM-69.")
        }
        if let problem = TextInput.problem(name ?? "", label: "le nom", maximum: 150, required: true) {
            errors.add("name", problem)
        }
        if Organisation.Branch(rawValue: branch ?? "") == nil { errors.add("branch", "Choisissez la branche.") }
        if domains.contains(where: { !EmailAddress.isDomain($0) }) {
            errors.add(
                "mailDomains", "Indiquez des domaines valides séparés par des virgules, par exemple caf.fr, cnaf.fr.")
        }
        return errors
    }
}

extension EmailAddress {
    /// Whether `text` is a domain name the way addresses are checked.
    static func isDomain(_ text: String) -> Bool {
        if case .success = normalize("x@" + text) { return true }
        return false
    }
}

struct OrganisationsPage {
    struct Row {
        let name: String
        let code: String
        let branch: String
        let domains: String
        let agents: Int
        let correspondents: String
        let isActive: Bool
        let editURL: String
    }

    let frame: PageFrame
    let newURL: String
    let rows: [Row]
}

struct OrganisationEditPage {
    struct Choice {
        let value: String
        let label: String
    }

    struct Correspondent {
        let name: String
        let email: String
        let scope: String
        let removeURL: String
        /// Their absences and deputy, which an administrator may declare for them.
        var absencesURL: String? = nil
    }

    struct ApplicationChoice {
        let id: String
        let name: String
    }

    let frame: PageFrame
    let action: String
    let form: OrganisationForm
    let branches: [Choice]
    let isNew: Bool
    let correspondents: [Correspondent]
    let designateURL: String?
    let applications: [ApplicationChoice]
    let listURL: String
    let errors: FormErrors
}
