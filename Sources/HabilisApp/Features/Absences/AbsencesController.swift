import Fluent
import Vapor

/// « Absences et suppléance »: a correspondent declares when they are away and who stands in for them; an
/// administrator does it for any correspondent. A correspondent names another correspondent of their organisme;
/// an administrator may name any active agent of it (the administration allowing them so).
struct AbsencesController: RouteCollection {
    /// An absence lasts at most a year.
    static let longestDays = 366

    func boot(routes: any RoutesBuilder) throws {
        routes.get(Paths.myAbsences.pathComponents, use: mine)
        routes.post(Paths.myAbsences.pathComponents, use: declareMine)
        routes.post(Paths.endAbsence.pathComponents, use: end)
        let admin = routes.grouped(Paths.administration.pathComponents).grouped(AdministratorGuard())
        admin.get(Paths.adminAgentAbsences.pathComponents(under: Paths.administration), use: ofAgent)
        admin.post(Paths.adminAgentAbsences.pathComponents(under: Paths.administration), use: declareForAgent)
    }

    func mine(req: Request) async throws -> Response {
        let user = try req.requireUser()
        return try await render(req, absent: user.agent, action: Paths.myAbsences, form: AbsenceForm(), errors: .init())
    }

    func declareMine(req: Request) async throws -> Response {
        let user = try req.requireUser()
        // Their own designations, read with the session; standing in for someone is not one.
        guard user.designations.contains(where: { $0.deputyOf == nil }) else { throw Abort(.forbidden) }
        return try await declare(req, for: user.agent, action: Paths.myAbsences)
    }

    func ofAgent(req: Request) async throws -> Response {
        let absent = try await correspondent(req)
        return try await render(
            req, absent: absent, action: Paths.adminAgentAbsences(absent.id!), form: AbsenceForm(), errors: .init())
    }

    func declareForAgent(req: Request) async throws -> Response {
        let absent = try await correspondent(req)
        return try await declare(req, for: absent, action: Paths.adminAgentAbsences(absent.id!))
    }

    /// Ends an absence of one's own, or any as an administrator.
    func end(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard let agentID = req.parameters.get("agent").flatMap(UUID.init(uuidString:)),
            agentID == user.id || user.isAdministrator,
            let id = req.parameters.get("id").flatMap(UUID.init(uuidString:))
        else { throw Abort(.notFound) }
        let back = agentID == user.id ? Paths.myAbsences : Paths.adminAgentAbsences(agentID)
        // Already cancelled (another tab, another administrator): the list, which shows it gone.
        guard let absence = try await Absence.find(id, on: req.db), absence.$agent.id == agentID else {
            return req.redirect(to: back)
        }
        let ended = try await req.portal.absences.end(absence, by: user, ip: req.clientIP, on: req.db)
        return req.redirect(to: back + (ended ? "?fin=1" : ""))
    }

    // MARK: - Steps

    private func declare(_ req: Request, for absent: Agent, action: String) async throws -> Response {
        let user = try req.requireUser()
        let form = AbsenceForm.decode(req)
        var errors = FormErrors()
        let period = form.period(now: req.portal.clock.now, errors: &errors)
        let deputy = try await form.deputy(of: absent, namedBy: user, errors: &errors, on: req.db)
        guard errors.isEmpty, let period else {
            return try await render(req, absent: absent, action: action, form: form, errors: errors)
        }
        guard
            try await req.portal.absences.declare(
                for: absent, period: period, deputy: deputy, by: user, ip: req.clientIP, on: req.db)
        else {
            errors.add("du", "Une absence est déjà déclarée sur cette période.")
            return try await render(req, absent: absent, action: action, form: form, errors: errors)
        }
        return req.redirect(to: action + "?declaree=1")
    }

    private func render(
        _ req: Request, absent: Agent, action: String, form: AbsenceForm, errors: FormErrors
    ) async throws -> Response {
        let user = try req.requireUser()
        let now = req.portal.clock.now
        let isOwn = absent.id == user.id
        let absences = try await Absence.query(on: req.db).filter(\.$agent.$id == absent.id!)
            .filter(\.$endsAt > now).with(\.$deputy).sort(\.$startsAt).all()
        let notice: String? =
            req.query[String.self, at: "declaree"] == "1"
            ? "L’absence est enregistrée." + (isOwn ? "" : " Le correspondant et son suppléant en sont informés.")
            : req.query[String.self, at: "fin"] == "1" ? "L’absence est terminée." : nil
        let title = isOwn ? "Absences et suppléance" : "Absences et suppléance de \(absent.fullName)"
        let page = AbsencesPage(
            frame: PageFrame(req, title: errorPrefix(errors) + title, notice: notice), heading: title,
            isOwn: isOwn, canDeclare: try await isCorrespondent(absent, on: req.db),
            standsInFor: isOwn
                ? user.designations.compactMap(\.deputyOf).reduce(into: [Authorization.Deputyship]()) {
                    if !$0.contains($1) { $0.append($1) }
                }.map { "\($0.name), jusqu’au \(RightValidity.lastDay(of: $0.endsAt))" } : [],
            absences: absences.map {
                AbsencesPage.Row(
                    firstDay: ParisCalendar.longDate($0.startsAt), lastDay: RightValidity.lastDay(of: $0.endsAt),
                    deputy: $0.deputy.map { "\($0.fullName) (\($0.email))" }, hasBegun: $0.startsAt <= now,
                    endURL: Paths.endAbsence($0.$agent.id, $0.id!))
            },
            action: action, form: form, errors: errors)
        return req.page(page, status: status(errors))
    }

    // MARK: - Guards

    private func isCorrespondent(_ agent: Agent, on database: any Database) async throws -> Bool {
        try await Correspondent.query(on: database).filter(\.$agent.$id == agent.id!).count() > 0
    }

    private func correspondent(_ req: Request) async throws -> Agent {
        guard let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)),
            let agent = try await Agent.find(id, on: req.db), try await isCorrespondent(agent, on: req.db)
        else { throw Abort(.notFound) }
        return agent
    }
}

/// The form that declares an absence.
struct AbsenceForm: PostedForm {
    /// First and last day (`2026-03-10`).
    var du: String?
    var au: String?
    /// The deputy's e-mail, optional.
    var suppleant: String?

    /// From midnight on the first day to midnight after the last, in Paris; nil with the reasons in `errors`.
    func period(now: Date, errors: inout FormErrors) -> Range<Date>? {
        let firstEnd = RightValidity.end(throughDay: (du ?? "").trimmingCharacters(in: .whitespaces))
        let end = RightValidity.end(throughDay: (au ?? "").trimmingCharacters(in: .whitespaces))
        let start = firstEnd.map { ParisCalendar.adding(days: -1, to: $0) }
        if let start {
            if start < ParisCalendar.startOfDay(now) {
                errors.add("du", "Le premier jour d’absence ne peut pas être passé.")
            }
        } else {
            errors.add("du", "Indiquez le premier jour d’absence au format jj/mm/aaaa, par exemple 10/03/2026.")
        }
        guard let end else {
            errors.add("au", "Indiquez le dernier jour d’absence au format jj/mm/aaaa, par exemple 21/03/2026.")
            return nil
        }
        guard let start else { return nil }
        if end <= start {
            errors.add("au", "Le dernier jour d’absence doit être le premier jour ou un jour suivant.")
            return nil
        }
        if end > ParisCalendar.adding(days: AbsencesController.longestDays, to: start) {
            errors.add("au", "Une absence se déclare pour un an au plus.")
            return nil
        }
        return start..<end
    }

    /// The deputy named, if any: another correspondent of one of the absent person's organismes, an agent of one of
    /// them the administration allows to stand in (« Peut suppléer »), or, named by an administrator, any active
    /// agent of one of them.
    func deputy(
        of absent: Agent, namedBy user: CurrentUser, errors: inout FormErrors, on database: any Database
    ) async throws -> Agent? {
        let email = (suppleant ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        guard !email.isEmpty else { return nil }
        let organisations = try await Correspondent.query(on: database).filter(\.$agent.$id == absent.id!).all()
            .map(\.$organisation.id)
        let rule =
            user.isAdministrator
            ? "Le suppléant doit être un agent actif d’un organisme de ce correspondant, autre que lui."
            : "Le suppléant doit être un autre correspondant local de votre organisme, ou un agent que "
                + "l’administration autorise à suppléer."
        guard email.count <= 254,
            let deputy = try await Agent.query(on: database).filter(\.$email == email).first(),
            deputy.id != absent.id, deputy.status == .active
        else {
            errors.add("suppleant", rule)
            return nil
        }
        let isCorrespondentThere =
            try await Correspondent.query(on: database).filter(\.$agent.$id == deputy.id!)
            .filter(\.$organisation.$id ~~ organisations).count() > 0
        let isAgentThere = organisations.contains(deputy.$organisation.id)
        guard isCorrespondentThere || (isAgentThere && (user.isAdministrator || deputy.mayDeputise == true)) else {
            errors.add("suppleant", rule)
            return nil
        }
        return deputy
    }
}
