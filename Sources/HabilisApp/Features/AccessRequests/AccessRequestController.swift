import Fluent
import Vapor

/// Asking for access to an application and following the request. Signed-in agents; a request is visible to its
/// requester only.
struct AccessRequestController: RouteCollection {
    static let justificationLimit = 2000

    func boot(routes: any RoutesBuilder) throws {
        routes.get(Paths.requestAccess.pathComponents, use: confirm)
        routes.post(Paths.requestAccess.pathComponents, use: create)
        routes.get(Paths.accessRequest.pathComponents, use: show)
        routes.post(Paths.cancelAccessRequest.pathComponents, use: cancel)
        routes.get(Paths.renewGrant.pathComponents, use: confirmRenewal)
        routes.post(Paths.renewGrant.pathComponents, use: renew)
    }

    /// The confirmation step of a renewal: the right's end, who will decide, and when it is accepted anyway.
    func confirmRenewal(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let grant = try await renewableGrant(req, of: user)
        return try await showForm(req, user: user, code: grant.application.code, renewing: grant)
    }

    /// Sends the renewal request: routed as any other; the right stays until it is decided or its end passes.
    func renew(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let grant = try await renewableGrant(req, of: user)
        return try await send(req, user: user, code: grant.application.code, renewing: grant)
    }

    /// The signed-in agent's own right named in the URL, still held and ending; 404 otherwise.
    private func renewableGrant(_ req: Request, of user: CurrentUser) async throws -> Grant {
        guard let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)),
            let grant = try await Grant.query(on: req.db).filter(\.$id == id).filter(\.$agent.$id == user.id)
                .filter(\.$revokedAt == nil).with(\.$application).first(),
            grant.expiresAt != nil
        else { throw Abort(.notFound) }
        return grant
    }

    /// The confirmation step: the profile (when the application has some), who will decide, and the date of
    /// automatic acceptance, before submitting. `?profil=CODE` selects a profile first.
    func confirm(req: Request) async throws -> Response {
        try await showForm(
            req, user: try req.requireUser(), code: req.parameters.get("code") ?? "", renewing: nil,
            profileCode: req.query[String.self, at: "profil"])
    }

    /// Sends the request, then shows to whom it was addressed.
    func create(req: Request) async throws -> Response {
        try await send(req, user: try req.requireUser(), code: req.parameters.get("code") ?? "", renewing: nil)
    }

    /// The form of a request (or of the renewal of `grant`), with `errors` when it comes back.
    private func showForm(
        _ req: Request, user: CurrentUser, code: String, renewing grant: Grant?, profileCode: String? = nil,
        justification: String = "", errors: FormErrors = FormErrors()
    ) async throws -> Response {
        switch try await req.portal.accessRequests.preview(
            for: user, applicationCode: code, profileCode: profileCode, renewing: grant?.id, on: req.db)
        {
        case .success(let preview):
            return try await render(
                req, preview: preview, renewing: grant, justification: justification, errors: errors)
        case .failure(let refusal):
            return try redirect(req, for: refusal)
        }
    }

    /// Checks the justification, sends the request (or the renewal of `grant`) and shows it.
    private func send(
        _ req: Request, user: CurrentUser, code: String, renewing grant: Grant?
    ) async throws
        -> Response
    {
        let justification = (try? req.content.get(String.self, at: "justification")) ?? ""
        // Absent on an application without profiles; empty when none was chosen.
        let profileCode = grant == nil ? ((try? req.content.get(String.self, at: "profil")) ?? nil) : nil
        if let problem = TextInput.problem(
            justification, label: "la justification", maximum: Self.justificationLimit, required: false,
            multiline: true)
        {
            var errors = FormErrors()
            errors.add("justification", problem)
            return try await showForm(
                req, user: user, code: code, renewing: grant, profileCode: profileCode, justification: justification,
                errors: errors)
        }
        let outcome = try await req.portal.accessRequests.requestAccess(
            for: user, applicationCode: code, profileCode: profileCode, justification: TextInput.stored(justification),
            renewing: grant?.id, ip: req.clientIP, on: req.db)
        switch outcome {
        case .success(let request):
            return req.redirect(to: Paths.accessRequest(request.id!) + "?envoyee=1")
        case .failure(.unknownProfile):
            var errors = FormErrors()
            errors.add("profil", "Choisissez l’un des profils proposés.")
            return try await showForm(
                req, user: user, code: code, renewing: grant, profileCode: "", justification: justification,
                errors: errors)
        case .failure(let refusal):
            return try redirect(req, for: refusal)
        }
    }

    /// One request as its requester follows it.
    func show(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)),
            let request = try await AccessRequest.query(on: req.db).filter(\.$id == id)
                .filter(\.$agent.$id == user.id).with(\.$application).with(\.$decidedBy).with(\.$organisation)
                .with(\.$profile).first()
        else { throw Abort(.notFound) }
        let deciders = try await req.portal.routing.deciders(of: request, on: req.db)
        let decision = Routing.Decision(
            deciders: request.routedTo, people: deciders, organisationName: request.organisation.name)
        let page = AccessRequestPage(
            frame: PageFrame(req, title: "Demande d’accès à \(request.application.name)"), request: request,
            justSent: req.query[String.self, at: "envoyee"] == "1", decidersDescription: decision.description)
        return req.page(page)
    }

    /// Cancels one's own pending request.
    func cancel(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)) else { throw Abort(.notFound) }
        _ = try await req.portal.accessRequests.cancel(id, by: user, ip: req.clientIP, on: req.db)
        return req.redirect(to: Paths.accessRequest(id))
    }

    private func render(
        _ req: Request, preview: AccessRequestService.Preview, renewing grant: Grant?, justification: String,
        errors: FormErrors
    )
        async throws -> Response
    {
        let name = preview.application.name
        let page = AccessRequestConfirmPage(
            frame: PageFrame(
                req,
                title: errorPrefix(errors)
                    + (grant == nil
                        ? "Demander l’accès à l’application \(name)"
                        : "Demander le renouvellement de votre habilitation à \(name)")),
            applicationName: name, summary: preview.application.summary,
            renewalOf: grant?.expiresAt.map(RightValidity.lastDay),
            profiles: ProfileChoiceField(preview: preview, renewing: grant != nil),
            action: grant.map { Paths.renewGrant($0.id!) } ?? Paths.requestAccess(preview.application.code),
            decidersDescription: preview.routing.description,
            autoAcceptOn: ParisCalendar.longDate(preview.dueAt), justification: justification,
            justificationLimit: Self.justificationLimit, errors: errors, cancelURL: Paths.home)
        return req.page(page, status: status(errors))
    }

    private func redirect(_ req: Request, for refusal: AccessRequestService.Refusal) throws -> Response {
        switch refusal {
        case .unavailable, .unknownProfile: throw Abort(.notFound)
        case .alreadyHeld: return req.redirect(to: Paths.home)
        case .alreadyPending(let id): return req.redirect(to: Paths.accessRequest(id))
        }
    }
}

/// The confirmation step of a request.
struct AccessRequestConfirmPage {
    let frame: PageFrame
    let applicationName: String
    let summary: String
    /// A renewal: the last day of the right it renews.
    let renewalOf: String?
    /// The choice of a profile; nil on an application without profiles.
    let profiles: ProfileChoiceField?
    let action: String
    let decidersDescription: String
    let autoAcceptOn: String
    let justification: String
    let justificationLimit: Int
    let errors: FormErrors
    let cancelURL: String
}

/// One request followed by its requester.
struct AccessRequestPage {
    let frame: PageFrame
    let justSent: Bool
    let applicationName: String
    /// « Rédaction », on an application with profiles.
    let profileLabel: String?
    let createdOn: String
    let statusLabel: String
    let isPending: Bool
    let decidersDescription: String
    let autoAcceptOn: String
    let justification: String?
    let decidedBy: String?
    let decidedOn: String?
    let refusalReason: String?
    let cancelURL: String
    let catalogueURL: String
    let historyURL: String
}

extension AccessRequestPage {
    init(frame: PageFrame, request: AccessRequest, justSent: Bool, decidersDescription: String) {
        self.frame = frame
        self.justSent = justSent
        applicationName = request.application.name
        profileLabel = request.profile?.label
        createdOn = ParisCalendar.longDate(request.createdAt)
        statusLabel = request.status.label
        isPending = request.status == .pending
        self.decidersDescription = decidersDescription
        autoAcceptOn = ParisCalendar.longDate(request.dueAt)
        justification = request.justification
        decidedBy = request.decidedBy?.fullName
        decidedOn = request.decidedAt.map(ParisCalendar.longDate)
        refusalReason = request.refusalReason
        cancelURL = Paths.cancelAccessRequest(request.id!)
        catalogueURL = Paths.home
        historyURL = Paths.myRights
    }
}

extension AccessRequest.Status {
    /// The status in French, as the history shows it.
    var label: String {
        switch self {
        case .pending: "en attente"
        case .accepted: "acceptée"
        case .refused: "refusée"
        case .autoAccepted: "acceptée automatiquement"
        case .cancelled: "annulée"
        }
    }
}
