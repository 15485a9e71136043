import Fluent
import Vapor

/// "Demandes à traiter": the requests a correspondent or an administrator may decide, soonest automatic acceptance
/// first; decisions one by one or several at once; an agent's rights, with revocation. Deciders only.
struct RequestsToDecideController: RouteCollection {
    static let perPage = 50
    static let reasonLimit = 2000

    func boot(routes: any RoutesBuilder) throws {
        routes.get(Paths.requestsToDecide.pathComponents, use: index)
        routes.post(Paths.decideRequests.pathComponents, use: decideSelection)
        routes.get(Paths.requestToDecide.pathComponents, use: show)
        routes.post(Paths.decideRequest.pathComponents, use: decideOne)
        routes.get(Paths.agentRights.pathComponents, use: agentRights)
        routes.post(Paths.revokeGrant.pathComponents, use: revoke)
        routes.post(Paths.decideAccountRequests.pathComponents, use: decideAccountSelection)
        routes.get(Paths.accountRequestToDecide.pathComponents, use: showAccount)
        routes.post(Paths.decideAccountRequest.pathComponents, use: decideAccount)
    }

    /// The queue.
    func index(req: Request) async throws -> Response {
        let user = try requireDecider(req)
        return try await renderQueue(req, user: user, form: DecisionForm(), errors: FormErrors())
    }

    /// A decision on the selected requests.
    func decideSelection(req: Request) async throws -> Response {
        let user = try requireDecider(req)
        let form = DecisionForm.decode(req)
        var errors = form.validate(reasonLimit: Self.reasonLimit)
        let ids = (form.ids ?? []).compactMap(UUID.init(uuidString:))
        if ids.isEmpty { errors.add("selection", "Sélectionnez au moins une demande.") }
        guard errors.isEmpty, let accept = form.accepts else {
            return try await renderQueue(req, user: user, form: form, errors: errors)
        }
        return try await decideEach(req, ids: ids, accept: accept) { id in
            try await req.portal.accessRequests.decide(
                id, accept: accept, reason: TextInput.stored(form.motif), by: user, ip: req.clientIP, on: req.db)
        }
    }

    /// One request in full, with its two decisions.
    func show(req: Request) async throws -> Response {
        let user = try requireDecider(req)
        let request = try await decidableRequest(req, user: user)
        return try await renderDetail(req, request: request, form: DecisionForm(), errors: FormErrors())
    }

    /// The decision on one request.
    func decideOne(req: Request) async throws -> Response {
        let user = try requireDecider(req)
        let request = try await decidableRequest(req, user: user)
        let form = DecisionForm.decode(req)
        var errors = form.validate(reasonLimit: Self.reasonLimit)
        // A time-limited right may be given a shorter end than the application's maximum, for this request only.
        var until: Date?
        if form.accepts == true, let latest = request.application.rightEnd(from: req.portal.clock.now) {
            switch RightValidity.chosenEnd(form.fin, latest: latest, now: req.portal.clock.now) {
            case .maximum: break
            case .until(let end): until = end
            case .refused(let message): errors.add("fin", message)
            }
        }
        guard errors.isEmpty, let accept = form.accepts else {
            return try await renderDetail(req, request: request, form: form, errors: errors)
        }
        return try await decideEach(req, ids: [request.id!], accept: accept) { id in
            try await req.portal.accessRequests.decide(
                id, accept: accept, reason: TextInput.stored(form.motif), until: until, by: user, ip: req.clientIP,
                on: req.db)
        }
    }

    /// An agent's rights and requests, for a correspondent of the agent's organisme or an administrator.
    func agentRights(req: Request) async throws -> Response {
        let user = try requireDecider(req)
        let agent = try await manageableAgent(req, user: user, id: req.parameters.get("id"))
        return try await renderAgent(req, agent: agent, errors: FormErrors(), failedGrant: nil, reason: "")
    }

    /// Withdraws one right with a reason.
    func revoke(req: Request) async throws -> Response {
        let user = try requireDecider(req)
        guard let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)),
            let grant = try await Grant.find(id, on: req.db)
        else { throw Abort(.notFound) }
        let agent = try await manageableAgent(req, user: user, id: grant.$agent.id.uuidString)
        let reason = (try? req.content.get(String.self, at: "motif")) ?? ""
        if let problem = TextInput.problem(
            reason, label: "le motif du retrait", maximum: Self.reasonLimit, required: true, multiline: true)
        {
            var errors = FormErrors()
            errors.add("motif-\(id.uuidString.lowercased())", problem)
            return try await renderAgent(req, agent: agent, errors: errors, failedGrant: id, reason: reason)
        }
        let outcome = try await req.portal.accessRequests.revoke(
            id, reason: TextInput.stored(reason)!, by: user, ip: req.clientIP, on: req.db)
        guard outcome != .forbidden, outcome != .notFound else { throw Abort(.notFound) }
        return req.redirect(to: Paths.agentRights(agent.id!) + "?retrait=\(outcome == .revoked ? "fait" : "deja")")
    }

    /// Applies one decision to each id (a page at most) and returns to the queue with what happened.
    func decideEach(
        _ req: Request, ids: [UUID], accept: Bool,
        decide: (UUID) async throws -> AccessRequestService.DecisionOutcome
    ) async throws -> Response {
        var tally = DecisionTally()
        for id in ids.prefix(Self.perPage) {
            tally.count(try await decide(id), accepted: accept)
        }
        return req.redirect(to: Paths.requestsToDecide + "?" + tally.query)
    }

    // MARK: - Rendering

    func renderQueue(
        _ req: Request, user: CurrentUser, form: DecisionForm, errors: FormErrors,
        accountForm: DecisionForm = DecisionForm()
    ) async throws -> Response {
        let queue = try await DecisionQueue.page(
            Pagination.page(from: req), perPage: Self.perPage, for: user, authorization: req.portal.authorization,
            on: req.db)
        let pagination = Pagination(
            page: Pagination.page(from: req), perPage: Self.perPage, total: queue.total,
            baseURL: Paths.requestsToDecide)
        let now = req.portal.clock.now
        let selected = Set(form.ids ?? [])
        let accountRequests = try await DecisionQueue.accountRequests(for: user, limit: Self.perPage, on: req.db)
        let selectedAccounts = Set(accountForm.ids ?? [])
        let page = RequestsToDecidePage(
            frame: PageFrame(req, title: errorPrefix(errors) + "Demandes à traiter", notice: DecisionTally.notice(req)),
            rows: queue.entries.map { RequestsToDecidePage.Row($0, now: now, selected: selected) },
            pagination: pagination, hasMore: queue.hasMore, action: Paths.decideRequests, reason: form.motif ?? "",
            reasonLimit: Self.reasonLimit, errors: errors,
            accountRows: accountRequests.map { AccountRequestRow($0, selected: selectedAccounts) },
            accountAction: Paths.decideAccountRequests, accountReason: accountForm.motif ?? "")
        return req.page(page, status: status(errors))
    }

    private func renderDetail(
        _ req: Request, request: AccessRequest, form: DecisionForm, errors: FormErrors
    )
        async throws -> Response
    {
        let now = req.portal.clock.now
        var renewedEnd: Date?
        if let renewed = request.renewsGrantID {
            renewedEnd = try await Grant.find(renewed, on: req.db)?.expiresAt
        }
        // A request for another profile of an application held says what becomes of the profile held.
        var profileChange: String?
        if request.renewsGrantID == nil, request.$profile.id != nil {
            let held = try await req.portal.accessRequests.agentProfiles(
                of: request.$agent.id, on: request.application, on: req.db
            ).held.map(\.label)
            if !held.isEmpty {
                profileChange =
                    held.joined(separator: ", ")
                    + (request.application.profileChange == .replace
                        ? " — remplacé par le profil demandé s’il est accepté" : " — le profil demandé s’y ajoutera")
            }
        }
        let page = RequestToDecidePage(
            frame: PageFrame(
                req,
                title: errorPrefix(errors)
                    + "Demande de \(request.agent.fullName) pour "
                    + RightName.of(request.application.name, profile: request.profile?.label)),
            row: RequestsToDecidePage.Row(DecisionQueue.Entry(request), now: now, selected: []),
            action: Paths.decideRequest(request.id!), agentURL: Paths.agentRights(request.$agent.id),
            queueURL: Paths.requestsToDecide, reason: form.motif ?? "", reasonLimit: Self.reasonLimit,
            renewalOf: request.renewsGrantID == nil ? nil : renewedEnd.map(RightValidity.lastDay) ?? "",
            profileChange: profileChange, latestEnd: request.application.rightEnd(from: now), chosenEnd: form.fin ?? "",
            errors: errors)
        return req.page(page, status: status(errors))
    }

    private func renderAgent(
        _ req: Request, agent: Agent, errors: FormErrors, failedGrant: UUID?, reason: String
    )
        async throws -> Response
    {
        let grants = try await Grant.query(on: req.db)
            .filter(\.$agent.$id == agent.id!)
            .with(\.$application).with(\.$grantedBy).with(\.$accessRequest).with(\.$revokedBy).with(\.$profile)
            .sort(\.$grantedAt, .descending)
            .all()
        let requests = try await MyRightsRecords.history(of: agent.id!, page: 1, perPage: 50, on: req.db).entries
        let organisation = try await agent.$organisation.get(on: req.db)
        let notice: String? =
            switch req.query[String.self, at: "retrait"] {
            case "fait": "L’habilitation a été retirée ; l’agent en est informé."
            case "deja": "Cette habilitation avait déjà été retirée."
            default: nil
            }
        let user = try req.requireUser()
        let page = AgentRightsPage(
            frame: PageFrame(req, title: errorPrefix(errors) + "Habilitations de \(agent.fullName)", notice: notice),
            agentName: agent.fullName, email: agent.email, organisationName: organisation.name,
            grants: grants.map { grant in
                AgentRightsPage.GrantRow(
                    grant,
                    canWithdraw: req.portal.authorization.canWithdraw(
                        user, grant, of: agent),
                    failed: grant.id == failedGrant, reason: grant.id == failedGrant ? reason : "",
                    errors: errors)
            },
            history: requests.map(MyRightsPage.HistoryRow.init), errors: errors)
        return req.page(page, status: status(errors))
    }

    // MARK: - Guards

    func requireDecider(_ req: Request) throws -> CurrentUser {
        let user = try req.requireUser()
        guard user.decidesRequests else { throw Abort(.forbidden) }
        return user
    }

    /// The request named in the URL if the user may decide it; 404 otherwise, so that nothing leaks.
    private func decidableRequest(_ req: Request, user: CurrentUser) async throws -> AccessRequest {
        guard let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)),
            let request = try await AccessRequest.query(on: req.db).filter(\.$id == id)
                .with(\.$agent).with(\.$application).with(\.$organisation).with(\.$profile).first(),
            req.portal.authorization.canDecide(user, request)
        else { throw Abort(.notFound) }
        return request
    }

    private func manageableAgent(_ req: Request, user: CurrentUser, id: String?) async throws -> Agent {
        guard let id = id.flatMap(UUID.init(uuidString:)), let agent = try await Agent.find(id, on: req.db),
            req.portal.authorization.canManageRights(user, of: agent, applicationID: nil)
        else { throw Abort(.notFound) }
        return agent
    }
}

/// The decision form: selected requests, "accepter" or "refuser", and the reason of a refusal.
struct DecisionForm: PostedForm {
    var ids: [String]?
    var decision: String?
    var motif: String?
    /// The last day of a time-limited right, when its decider shortens it (`2027-03-12`).
    var fin: String?

    /// true to accept, false to refuse, nil when the button was not one of the two.
    var accepts: Bool? {
        switch decision {
        case "accepter": true
        case "refuser": false
        default: nil
        }
    }

    /// Checks the decision and its reason; `prefix` keeps the keys of two forms on one page apart.
    func validate(reasonLimit: Int, prefix: String = "") -> FormErrors {
        var errors = FormErrors()
        func key(_ name: String) -> String {
            prefix.isEmpty ? name : prefix + name.prefix(1).uppercased() + name.dropFirst()
        }
        if accepts == nil {
            errors.add(key("decision"), "Choisissez d’accepter ou de refuser.")
        }
        if accepts == false {
            if let problem = TextInput.problem(
                motif ?? "", label: "le motif du refus", maximum: reasonLimit, required: true, multiline: true)
            {
                errors.add(key("motif"), problem)
            }
        } else if let problem = TextInput.problem(
            motif ?? "", label: "le motif", maximum: reasonLimit, required: false, multiline: true)
        {
            errors.add(key("motif"), problem)
        }
        return errors
    }
}

/// Counts the outcomes of a batch of decisions, carried to the queue in the redirect.
struct DecisionTally {
    var accepted = 0
    var refused = 0
    var alreadyDecided = 0
    var refusedAccess = 0

    mutating func count(_ outcome: AccessRequestService.DecisionOutcome, accepted accept: Bool) {
        switch outcome {
        case .decided: if accept { accepted += 1 } else { refused += 1 }
        case .alreadyDecided: alreadyDecided += 1
        case .forbidden, .notFound: refusedAccess += 1
        }
    }

    var query: String { "acceptees=\(accepted)&refusees=\(refused)&deja=\(alreadyDecided)&exclues=\(refusedAccess)" }

    /// The sentence shown after a decision, rebuilt from the numbers in the URL.
    static func notice(_ req: Request) -> String? {
        func number(_ key: String) -> Int { max(0, min(req.query[Int.self, at: key] ?? 0, 10_000)) }
        var parts: [String] = []
        let accepted = number("acceptees")
        let refused = number("refusees")
        let already = number("deja")
        let excluded = number("exclues")
        if accepted > 0 { parts.append(accepted == 1 ? "1 demande acceptée" : "\(accepted) demandes acceptées") }
        if refused > 0 { parts.append(refused == 1 ? "1 demande refusée" : "\(refused) demandes refusées") }
        if already > 0 {
            parts.append(
                already == 1
                    ? "1 demande avait déjà été traitée entre-temps, elle n’a pas été modifiée"
                    : "\(already) demandes avaient déjà été traitées entre-temps, elles n’ont pas été modifiées")
        }
        if excluded > 0 { parts.append("\(excluded) demande(s) hors de votre périmètre ignorée(s)") }
        return parts.isEmpty ? nil : parts.joined(separator: " ; ") + "."
    }
}
