import Fluent
import SQLKit
import Vapor

/// Administration of the accounts: search across every organisme, edit an account (organisme, ADD flag included),
/// disable and re-enable it, grant a right directly. Administrators only.
struct AgentsAdminController: RouteCollection {
    static let perPage = 50

    func boot(routes: any RoutesBuilder) throws {
        let admin = routes.grouped(Paths.administration.pathComponents).grouped(AdministratorGuard())
        admin.get(Paths.adminAgents.pathComponents(under: Paths.administration), use: index)
        admin.get(Paths.adminAgent.pathComponents(under: Paths.administration), use: edit)
        admin.post(Paths.adminAgent.pathComponents(under: Paths.administration), use: update)
        admin.post(Paths.adminAgentStatus.pathComponents(under: Paths.administration), use: changeStatus)
        admin.post(Paths.adminEndAgentSessions.pathComponents(under: Paths.administration), use: endSessions)
        admin.post(Paths.adminResetSecondFactor.pathComponents(under: Paths.administration), use: resetSecondFactor)
        admin.post(Paths.adminGrant.pathComponents(under: Paths.administration), use: grant)
    }

    /// Search by name or e-mail, 50 a page.
    func index(req: Request) async throws -> Response {
        let text = String((req.query[String.self, at: "q"] ?? "").prefix(200))
        let query = AgentSearch.filter(Agent.query(on: req.db), text: text)
        let pagination = Pagination(
            page: Pagination.page(from: req), perPage: Self.perPage, total: try await query.countRows(),
            baseURL: Paths.adminAgents + "?q="
                + (text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
        let agents = try await query.copy().sort(\.$lastName).sort(\.$firstName)
            .range(pagination.offset..<(pagination.offset + Self.perPage)).with(\.$organisation).all()
        return req.page(
            AgentListPage(
                frame: PageFrame(req, title: "Agents"), heading: "Agents", action: Paths.adminAgents, query: text,
                rows: try await AgentListPage.rows(agents, url: Paths.adminAgent, on: req.db), pagination: pagination))
    }

    func edit(req: Request) async throws -> Response {
        let agent = try await find(req)
        return try await render(req, agent: agent, form: AgentAdminForm(agent), errors: FormErrors())
    }

    /// Saves identity, contact, organismes, ADD and administrator flags; audited with before and after.
    func update(req: Request) async throws -> Response {
        let agent = try await find(req)
        let form = (try? req.content.decode(AgentAdminForm.self)) ?? AgentAdminForm()
        let organisations = try await Organisation.query(on: req.db).all()
        var errors = FormErrors()
        if !RegistrationForm.civilities.contains(form.civilite ?? "") {
            errors.add("civilite", "Choisissez la civilité.")
        }
        for (field, label, required) in [("prenom", "le prénom", true), ("nom", "le nom", true)] {
            let value = field == "prenom" ? form.prenom : form.nom
            if let problem = PersonName.problem(value ?? "", label: label, required: required) {
                errors.add(field, problem)
            }
        }
        var phone: String?
        if let raw = form.telephone, !raw.trimmingCharacters(in: .whitespaces).isEmpty {
            switch PhoneNumber.normalize(raw) {
            case .success(let value): phone = value
            case .failure(let error): errors.add("telephone", error.message)
            }
        }
        let organisation = organisations.first { $0.id?.uuidString.lowercased() == form.organisme?.lowercased() }
        if organisation == nil { errors.add("organisme", "Choisissez l’organisme.") }
        let second = organisations.first { $0.id?.uuidString.lowercased() == form.secondOrganisme?.lowercased() }
        if let second, second.id == organisation?.id {
            errors.add("secondOrganisme", "Le second organisme doit être différent de l’organisme.")
        }
        if form.secondOrganisme?.isEmpty == false, second == nil {
            errors.add("secondOrganisme", "Choisissez le second organisme dans la liste.")
        }
        if agent.id == req.currentUser?.id, form.administrateur != "1" {
            errors.add("administrateur", "Vous ne pouvez pas retirer vos propres droits d’administrateur.")
        }
        guard errors.isEmpty, let organisation else {
            return try await render(req, agent: agent, form: form, errors: errors)
        }
        let before = AgentAdminForm(agent).snapshot
        agent.civility = form.civilite!
        agent.firstName = form.prenom!.trimmingCharacters(in: .whitespaces)
        agent.lastName = form.nom!.trimmingCharacters(in: .whitespaces)
        agent.updatedAt = req.portal.clock.now
        agent.phone = phone
        agent.$organisation.id = organisation.id!
        agent.$secondOrganisation.id = second?.id
        agent.isDirector = form.add == "1"
        agent.isAdministrator = form.administrateur == "1"
        agent.mayDeputise = form.suppleance == "1"
        let after = AgentAdminForm(agent).snapshot
        let events = req.portal.webhookEvents
        try await req.portal.audit.save(
            agent, as: .agentUpdated, target: "agent", organisationID: organisation.id, before: before, after: after,
            by: req.auditContext, on: req.db
        ) { transaction in
            try await events.publish(.agentUpdated(agent), on: transaction)
        }
        return req.redirect(to: Paths.adminAgent(agent.id!) + "?enregistre=1")
    }

    /// Disables (sessions end, pending requests cancelled) or re-enables an account.
    func changeStatus(req: Request) async throws -> Response {
        let agent = try await find(req)
        let user = try req.requireUser()
        let enable = (try? req.content.get(String.self, at: "action")) == "reactiver"
        guard agent.id != user.id else { throw Abort(.forbidden) }
        let portal = req.portal
        let audit = req.portal.audit
        let context = req.auditContext
        try await req.db.atomically { database in
            if enable {
                guard try await portal.changeStatus(of: agent, from: .disabled, to: .active, on: database) else {
                    return
                }
                try await audit.record(
                    .agentEnabled, by: context, target: ("agent", agent.id!.uuidString), on: database)
                return
            }
            _ = try await portal.disable(agent, decidedBy: user.id, by: context, on: database)
        }
        return req.redirect(to: Paths.adminAgent(agent.id!) + "?enregistre=1")
    }

    /// Ends every session of the account, e.g. a computer left signed in or a suspicion of theft: the person is
    /// asked to sign in again at their next page.
    func endSessions(req: Request) async throws -> Response {
        let agent = try await find(req)
        let user = try req.requireUser()
        guard agent.id != user.id else { throw Abort(.forbidden) }
        let sessions = req.portal.sessions
        let audit = req.portal.audit
        let context = req.auditContext
        let ended = try await req.db.atomically { database in
            let ended = try await sessions.closeAll(of: agent.id!, on: database)
            // None left (sent again, another administrator was first): nothing happened, nothing to record.
            guard ended > 0 else { return 0 }
            try await audit.record(
                .sessionsEndedByAdministrator, by: context, target: ("agent", agent.id!.uuidString),
                organisationID: agent.$organisation.id, details: ["count": String(ended)], on: database)
            return ended
        }
        return req.redirect(to: Paths.adminAgent(agent.id!) + (ended > 0 ? "?enregistre=1" : ""))
    }

    /// "Réinitialiser la double authentification" (a lost or replaced phone): the person signs in with the
    /// password alone and sets up their application again. Not on one's own account.
    func resetSecondFactor(req: Request) async throws -> Response {
        let agent = try await find(req)
        guard agent.id != req.currentUser?.id else { throw Abort(.forbidden) }
        // Already reset (another tab, another administrator): the agent's page, which shows none.
        let reset = try await req.portal.secondFactors.reset(for: agent.id!, by: req.auditContext, on: req.db)
        return req.redirect(to: Paths.adminAgent(agent.id!) + (reset ? "?enregistre=1" : ""))
    }

    /// Grants a right directly (a pending request for it is accepted at the same time). The choice is
    /// `<application id>` or, on an application with profiles, `<application id>:<profile id>`.
    func grant(req: Request) async throws -> Response {
        let agent = try await find(req)
        let user = try req.requireUser()
        let choice = ((try? req.content.get(String.self, at: "application")) ?? "").split(separator: ":")
        let profileID = choice.count == 2 ? UUID(uuidString: String(choice[1])) : nil
        guard
            let applicationID = choice.first.flatMap({ UUID(uuidString: String($0)) }),
            let application = try await BusinessApplication.find(applicationID, on: req.db),
            choice.count == 1 || profileID != nil
        else {
            var errors = FormErrors()
            errors.add("application", "Choisissez l’application.")
            return try await render(req, agent: agent, form: AgentAdminForm(agent), errors: errors)
        }
        var profile: ApplicationProfile?
        if let profileID {
            profile = try await ApplicationProfile.find(profileID, on: req.db)
            guard profile?.$application.id == applicationID else { throw Abort(.badRequest) }
        }
        let service = req.portal.accessRequests
        if let pending = try await service.pendingRequest(of: agent.id!, applicationID: applicationID, on: req.db),
            pending.$profile.id == profile?.id
        {
            _ = try await service.decide(pending.id!, accept: true, reason: nil, by: user, ip: req.clientIP, on: req.db)
            return req.redirect(to: Paths.adminAgent(agent.id!) + "?enregistre=1")
        }
        let actor = AccessRequestService.RightActor(
            context: req.auditContext, agentID: user.id, name: user.agent.fullName)
        let chosen = profile
        try await req.db.atomically { database in
            _ = try await service.grantDirectly(
                application, profile: chosen, to: agent, by: actor, accepting: nil, on: database)
        }
        return req.redirect(to: Paths.adminAgent(agent.id!) + "?enregistre=1")
    }

    private func render(
        _ req: Request, agent: Agent, form: AgentAdminForm, errors: FormErrors
    ) async throws
        -> Response
    {
        let organisations = try await Organisation.query(on: req.db).sort(\.$name).all()
        let held = try await Grant.query(on: req.db).filter(\.$agent.$id == agent.id!).filter(\.$revokedAt == nil)
            .all().map { "\($0.$application.id)" + ($0.$profile.id.map { ":\($0)" } ?? "") }
        let profiles = try await ProfileDirectory.byApplication(on: req.db)
        // One choice per application, or per profile of an application that has some.
        let grantable: [AgentAdminPage.Choice] = try await BusinessApplication.query(on: req.db)
            .filter(\.$isActive == true).sort(\.$position).all()
            .flatMap { application -> [AgentAdminPage.Choice] in
                guard let ofApplication = profiles[application.id!] else {
                    return [.init(id: "\(application.id!)", name: application.name)]
                }
                return ofApplication.map {
                    .init(
                        id: "\(application.id!):\($0.id!)", name: RightName.of(application.name, profile: $0.label))
                }
            }
            .filter { !held.contains($0.id) }
        let openSessions = try await req.portal.sessions.sessions(of: agent.id!, on: req.db).count
        let secondFactor = try await req.portal.secondFactors.factor(of: agent.id!, on: req.db)
        let page = AgentAdminPage(
            frame: PageFrame(req, title: errorPrefix(errors) + "Compte de \(agent.fullName)", notice: savedNotice(req)),
            action: Paths.adminAgent(agent.id!), form: form, email: agent.email,
            statusLabel: agent.status.label, isActive: agent.status == .active,
            canChangeStatus: agent.id != req.currentUser?.id
                && (agent.status == .active || agent.status == .disabled),
            statusURL: Paths.adminAgentStatus(agent.id!),
            canEndSessions: agent.id != req.currentUser?.id, openSessions: openSessions,
            endSessionsURL: Paths.adminEndAgentSessions(agent.id!),
            secondFactorSince: secondFactor?.confirmedAt.map(ParisCalendar.longDate),
            resetSecondFactorURL: Paths.adminResetSecondFactor(agent.id!), civilities: RegistrationForm.civilities,
            groups: OrganisationGroup.groups(organisations),
            grantURL: Paths.adminGrant(agent.id!),
            grantable: grantable,
            rightsURL: Paths.agentRights(agent.id!), listURL: Paths.adminAgents, errors: errors)
        return req.page(page, status: status(errors))
    }

    private func find(_ req: Request) async throws -> Agent {
        guard let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)),
            let agent = try await Agent.find(id, on: req.db)
        else { throw Abort(.notFound) }
        return agent
    }
}

extension Agent.Status {
    /// The status in French.
    var label: String {
        switch self {
        case .pendingVerification: "adresse à confirmer"
        case .pendingValidation: "en attente de validation"
        case .active: "actif"
        case .refused: "refusé"
        case .disabled: "désactivé"
        }
    }
}

/// The account form of the administration.
struct AgentAdminForm: Content {
    var civilite: String?
    var prenom: String?
    var nom: String?
    var telephone: String?
    var organisme: String?
    var secondOrganisme: String?
    var add: String?
    var administrateur: String?
    /// « Peut suppléer un correspondant absent de son organisme ».
    var suppleance: String?

    init() {}

    init(_ agent: Agent) {
        civilite = agent.civility
        prenom = agent.firstName
        nom = agent.lastName
        telephone = agent.phone.map(PhoneNumber.display) ?? ""
        organisme = agent.$organisation.id.uuidString.lowercased()
        secondOrganisme = agent.$secondOrganisation.id?.uuidString.lowercased() ?? ""
        add = agent.isDirector ? "1" : nil
        administrateur = agent.isAdministrator ? "1" : nil
        suppleance = agent.mayDeputise == true ? "1" : nil
    }

    var snapshot: [String: String] {
        [
            "civility": civilite ?? "", "first_name": prenom ?? "", "last_name": nom ?? "", "phone": telephone ?? "",
            "organisation": organisme ?? "", "second_organisation": secondOrganisme ?? "",
            "director": add == "1" ? "true" : "false", "administrator": administrateur == "1" ? "true" : "false",
            "may_deputise": suppleance == "1" ? "true" : "false",
        ]
    }
}

/// A list of accounts with a search field.
struct AgentListPage {
    struct Row {
        let name: String
        let email: String
        let organisationName: String
        let status: String
        /// « Accords locaux (Consultation), Grève », or « aucune ».
        let rights: String
        let url: String

    }

    let frame: PageFrame
    let heading: String
    let action: String
    let query: String
    let rows: [Row]
    let pagination: Pagination
}

extension AgentListPage {
    /// The rows of a page of agents, with the rights each holds (one statement for the page).
    static func rows(_ agents: [Agent], url: PathTemplate, on database: any Database) async throws -> [Row] {
        let held = try await RightName.held(by: agents.map { $0.id! }, on: database)
        return agents.map { Row($0, rights: held[$0.id!], url: url($0.id!)) }
    }
}

extension AgentListPage.Row {
    init(_ agent: Agent, rights: [String]?, url: String) {
        name = agent.fullName
        self.rights = rights?.joined(separator: ", ") ?? "aucune"
        email = agent.email
        organisationName = agent.organisation.name
        status = agent.status.label
        self.url = url
    }
}

struct AgentAdminPage {
    struct Choice {
        let id: String
        let name: String
    }

    let frame: PageFrame
    let action: String
    let form: AgentAdminForm
    let email: String
    let statusLabel: String
    let isActive: Bool
    let canChangeStatus: Bool
    let statusURL: String
    /// Not on one's own account: one's own sessions are in "Mes sessions".
    let canEndSessions: Bool
    let openSessions: Int
    let endSessionsURL: String
    /// When the account's second factor was set up; nil when it has none (or has not confirmed it).
    let secondFactorSince: String?
    let resetSecondFactorURL: String
    let civilities: [String]
    let groups: [OrganisationGroup]
    let grantURL: String
    let grantable: [Choice]
    let rightsURL: String
    let listURL: String
    let errors: FormErrors
}
