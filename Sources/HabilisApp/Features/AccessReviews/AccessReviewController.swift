import Fluent
import SQLKit
import Vapor

/// « Revue des habilitations »: the campaigns a correspondent or an administrator takes part in, and in each the
/// rights they review — kept or removed, one by one or a page at once, a reason for every removal.
struct AccessReviewController: RouteCollection {
    static let perPage = 50

    func boot(routes: any RoutesBuilder) throws {
        routes.get(Paths.accessReviews.pathComponents, use: index)
        routes.get(Paths.accessReview.pathComponents, use: show)
        routes.post(Paths.reviewDecision.pathComponents, use: decide)
    }

    /// The open campaigns with what is left for this reviewer.
    func index(req: Request) async throws -> Response {
        let user = try requireReviewer(req)
        let sql = req.db as! any SQLDatabase
        let open = try await ReviewCampaign.query(on: req.db).filter(\.$closedAt == nil).sort(\.$deadline).all()
        let mine = try await AccessReviewFigures.perCampaign(
            open.compactMap(\.id), where: ReviewScope(user).condition(table: "i"), on: sql)
        let rows = open.compactMap { campaign -> AccessReviewsPage.Row? in
            let figures = mine[campaign.id!] ?? AccessReviewFigures()
            guard figures.total > 0 || user.isAdministrator else { return nil }
            return AccessReviewsPage.Row(campaign, mine: figures)
        }
        return req.page(AccessReviewsPage(frame: PageFrame(req, title: "Revue des habilitations"), rows: rows))
    }

    /// The rights this reviewer has still to review in one campaign; an administrator may look at one organisme.
    func show(req: Request) async throws -> Response {
        let user = try requireReviewer(req)
        let campaign = try await ReviewCampaign.named(by: req)
        return try await render(req, campaign: campaign, user: user, form: ReviewForm(), errors: FormErrors())
    }

    /// Keeps or removes the selected rights.
    func decide(req: Request) async throws -> Response {
        let user = try requireReviewer(req)
        let campaign = try await ReviewCampaign.named(by: req)
        let form = ReviewForm.decode(req)
        var errors = form.validate()
        let ids = (form.ids ?? []).compactMap(UUID.init(uuidString:))
        if ids.isEmpty { errors.add("selection", "Sélectionnez au moins une habilitation.") }
        if !campaign.isOpen(at: req.portal.clock.now) {
            errors.add("campagne", "La campagne est close : les habilitations ne peuvent plus être revues.")
        }
        guard errors.isEmpty, let keeps = form.keeps else {
            return try await render(req, campaign: campaign, user: user, form: form, errors: errors)
        }
        let reviews = req.portal.accessReviews
        let selection = Array(ids.prefix(Self.perPage))
        let tally =
            keeps
            ? try await reviews.keep(selection, in: campaign, by: user, ip: req.clientIP, on: req.db)
            : try await reviews.remove(
                selection, in: campaign, reason: TextInput.stored(form.motif)!, by: user, ip: req.clientIP, on: req.db)
        var target = Paths.accessReview(campaign.id!) + "?conservees=\(tally.kept)&retirees=\(tally.removed)"
        target += "&ignorees=\(tally.skipped)" + (form.organisme.map { "&organisme=\($0)" } ?? "")
        return req.redirect(to: target)
    }

    // MARK: - Rendering

    private func render(
        _ req: Request, campaign: ReviewCampaign, user: CurrentUser, form: ReviewForm, errors: FormErrors
    ) async throws -> Response {
        let sql = req.db as! any SQLDatabase
        let organisationID = (form.organisme ?? req.query[String.self, at: "organisme"]).flatMap(UUID.init(uuidString:))
        let scope = ReviewScope(user, organisationID: organisationID)
        let pagination = Pagination(
            page: Pagination.page(from: req), perPage: Self.perPage,
            total: try await ReviewQueue.count(campaign.id!, scope: scope, on: sql),
            baseURL: Paths.accessReview(campaign.id!) + (scope.organisationID.map { "?organisme=\($0)" } ?? ""))
        let entries = try await ReviewQueue.page(
            campaign.id!, scope: scope, offset: pagination.offset, limit: Self.perPage, on: sql)
        let progress = try await AccessReviewFigures.perOrganisation(
            campaign.id!, where: scope.condition(table: "i"), on: sql)
        var organisations: [FormChoice] = []
        if user.isAdministrator {
            organisations = try await AccessReviewFigures.perOrganisation(campaign.id!, on: sql).map {
                FormChoice(
                    value: $0.id.uuidString, label: "Toutes celles de \($0.name)", isSelected: $0.id == organisationID)
            }
        }
        let selected = Set(form.ids ?? [])
        let page = AccessReviewPage(
            frame: PageFrame(
                req, title: errorPrefix(errors) + "Revue des habilitations — \(campaign.name)",
                notice: ReviewNotice.sentence(req)),
            name: campaign.name, lastDay: RightValidity.lastDay(of: campaign.deadline), rule: campaign.ruleSentence,
            isOpen: campaign.isOpen(at: req.portal.clock.now),
            progress: progress.map { AccessReviewPage.Progress(name: $0.name, figures: $0.figures) },
            organisations: organisations, filterURL: Paths.accessReview(campaign.id!),
            rows: entries.map { AccessReviewPage.Row($0, selected: selected) }, pagination: pagination,
            action: Paths.reviewDecision(campaign.id!), organisationID: scope.organisationID?.uuidString,
            reason: form.motif ?? "", errors: errors)
        return req.page(page, status: status(errors))
    }

    // MARK: - Guards

    private func requireReviewer(_ req: Request) throws -> CurrentUser {
        let user = try req.requireUser()
        guard user.decidesRequests else { throw Abort(.forbidden) }
        return user
    }
}

/// The review form: the selected rights, keep or remove, the reason.
struct ReviewForm: PostedForm {
    var ids: [String]?
    var decision: String?
    var motif: String?
    /// The organisme an administrator was looking at, to come back to it.
    var organisme: String?

    /// true to keep, false to remove, nil when the button was not one of the two.
    var keeps: Bool? {
        switch decision {
        case "conserver": true
        case "retirer": false
        default: nil
        }
    }

    func validate() -> FormErrors {
        var errors = FormErrors()
        if keeps == nil { errors.add("decision", "Choisissez de conserver ou de retirer.") }
        if let problem = TextInput.problem(
            motif ?? "", label: keeps == false ? "le motif du retrait" : "le motif",
            maximum: FieldLimits.reason, required: keeps == false, multiline: true)
        {
            errors.add("motif", problem)
        }
        return errors
    }
}

/// The sentence after a review post, rebuilt from the numbers in the URL.
enum ReviewNotice {
    static func sentence(_ req: Request) -> String? {
        func number(_ key: String) -> Int { max(0, min(req.query[Int.self, at: key] ?? 0, 10_000)) }
        var parts: [String] = []
        let kept = number("conservees")
        let removed = number("retirees")
        let skipped = number("ignorees")
        if kept > 0 { parts.append(kept == 1 ? "1 habilitation conservée" : "\(kept) habilitations conservées") }
        if removed > 0 {
            parts.append(
                removed == 1
                    ? "1 habilitation retirée (l’agent en est informé)"
                    : "\(removed) habilitations retirées (les agents en sont informés)")
        }
        if skipped > 0 {
            parts.append(
                skipped == 1
                    ? "1 habilitation avait déjà été revue ou retirée entre-temps"
                    : "\(skipped) habilitations avaient déjà été revues ou retirées entre-temps")
        }
        return parts.isEmpty ? nil : parts.joined(separator: " ; ") + "."
    }
}

/// The rights one reviewer has still to review, a page at a time, by organisme, agent and application.
enum ReviewQueue {
    struct Entry {
        let grantID: UUID
        let agentName: String
        let email: String
        let organisationName: String
        let applicationName: String
        let grantedAt: Date
        let origin: String
        let lastSignInAt: Date?
        let expiresAt: Date?
    }

    /// The rights of `campaignID` nobody has reviewed, still held, that `scope` reviews.
    private static func undecided(_ campaignID: UUID, scope: ReviewScope) -> SQLQueryString {
        """
         WHERE i.campaign_id = \(bind: campaignID) AND i.decision IS NULL AND g.revoked_at IS NULL \
        AND \(scope.condition(table: "i"))
        """
    }

    static func count(_ campaignID: UUID, scope: ReviewScope, on sql: any SQLDatabase) async throws -> Int {
        try await sql.raw(
            "SELECT COUNT(*) AS n FROM review_items i JOIN grants g ON g.id = i.grant_id"
                + undecided(campaignID, scope: scope)
        ).first()?.decode(column: "n", as: Int.self) ?? 0
    }

    static func page(
        _ campaignID: UUID, scope: ReviewScope, offset: Int, limit: Int, on sql: any SQLDatabase
    ) async throws -> [Entry] {
        let select: SQLQueryString = """
            SELECT i.grant_id, a.first_name, a.last_name, a.email, a.last_sign_in_at, o.name AS organisation,
                \(RightName.sql(application: "p", profile: "pr")) AS application, g.granted_at, g.expires_at, r.status AS request_status,
                d.first_name AS granter_first_name, d.last_name AS granter_last_name
            FROM review_items i
            JOIN grants g ON g.id = i.grant_id
            JOIN agents a ON a.id = i.agent_id
            JOIN organisations o ON o.id = i.organisation_id
            JOIN applications p ON p.id = i.application_id
            LEFT JOIN application_profiles pr ON pr.id = g.profile_id
            LEFT JOIN access_requests r ON r.id = g.access_request_id
            LEFT JOIN agents d ON d.id = g.granted_by_id
            """
        let rows = try await sql.raw(
            select + undecided(campaignID, scope: scope)
                + " ORDER BY o.name, a.last_name, a.first_name, p.name, i.grant_id"
                + " LIMIT \(unsafeRaw: String(limit)) OFFSET \(unsafeRaw: String(offset))"
        ).all()
        return try rows.map { row in
            let granter = try row.decode(column: "granter_first_name", as: String?.self).map {
                "\($0) \(try row.decode(column: "granter_last_name", as: String.self))"
            }
            return Entry(
                grantID: try row.decode(column: "grant_id", as: UUID.self),
                agentName: "\(try row.decode(column: "first_name", as: String.self)) "
                    + (try row.decode(column: "last_name", as: String.self)),
                email: try row.decode(column: "email", as: String.self),
                organisationName: try row.decode(column: "organisation", as: String.self),
                applicationName: try row.decode(column: "application", as: String.self),
                grantedAt: try row.decode(column: "granted_at", as: Date.self),
                origin: MyRightsPage.GrantRow.origin(
                    requestStatus: try row.decode(column: "request_status", as: String?.self)
                        .flatMap(AccessRequest.Status.init(rawValue:)),
                    granterName: granter),
                lastSignInAt: try row.decode(column: "last_sign_in_at", as: Date?.self),
                expiresAt: try row.decode(column: "expires_at", as: Date?.self))
        }
    }
}
