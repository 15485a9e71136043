import Fluent
import SQLKit
import Vapor

/// Access reviews for the administrators: opening a campaign, following its completion per organisme, and the
/// campaign report auditors ask for. Administrators only.
struct ReviewCampaignsController: RouteCollection {
    /// A campaign ends within a year: beyond, it is a policy, not a campaign.
    static let longestDays = 366

    func boot(routes: any RoutesBuilder) throws {
        let admin = routes.grouped(Paths.administration.pathComponents).grouped(AdministratorGuard())
        admin.get(Paths.adminReviews.pathComponents(under: Paths.administration), use: index)
        admin.post(Paths.adminReviews.pathComponents(under: Paths.administration), use: open)
        admin.get(Paths.adminReview.pathComponents(under: Paths.administration), use: show)
        admin.get(Paths.adminReviewReport.pathComponents(under: Paths.administration), use: report)
    }

    /// The campaigns, newest first, and the form to open one.
    func index(req: Request) async throws -> Response {
        try await render(req, form: CampaignForm(), errors: FormErrors())
    }

    /// Opens a campaign over the rights active now in its scope.
    func open(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let form = CampaignForm.decode(req)
        var errors = FormErrors()
        guard let opening = try await form.opening(now: req.portal.clock.now, errors: &errors, on: req.db) else {
            return try await render(req, form: form, errors: errors)
        }
        guard let opened = try await req.portal.accessReviews.open(opening, by: user, ip: req.clientIP, on: req.db)
        else {
            errors.add("organismes", "Aucune habilitation active dans ce périmètre : la campagne n’a pas été ouverte.")
            return try await render(req, form: form, errors: errors)
        }
        return req.redirect(to: Paths.adminReview(opened.campaign.id!) + "?ouverte=\(opened.rights)")
    }

    /// One campaign: its completion in all and per organisme.
    func show(req: Request) async throws -> Response {
        let campaign = try await ReviewCampaign.named(by: req)
        let sql = req.db as! any SQLDatabase
        let total = try await AccessReviewFigures.load(campaign.id!, on: sql)
        let organisations = try await AccessReviewFigures.perOrganisation(campaign.id!, on: sql)
        let opened = req.query[Int.self, at: "ouverte"].map { max(0, $0) }
        let notice = opened.map {
            "La campagne est ouverte sur \($0) habilitation(s) ; les correspondants et les administrateurs concernés "
                + "en sont informés."
        }
        let page = ReviewCampaignPage(
            frame: PageFrame(req, title: "Campagne de revue — \(campaign.name)", notice: notice),
            name: campaign.name, openedOn: ParisCalendar.shortDate(campaign.openedAt),
            lastDay: RightValidity.lastDay(of: campaign.deadline), rule: campaign.ruleSentence,
            state: campaign.closedAt.map { "close le \(ParisCalendar.shortDate($0))" }
                ?? (campaign.isOpen(at: req.portal.clock.now) ? "en cours" : "échéance passée, en cours de clôture"),
            scope: try await scopeLabel(of: campaign, on: req.db), total: total,
            chart: BarChart(
                id: "avancement", title: "Avancement par organisme (% des habilitations revues)",
                description: "Part des habilitations revues dans chaque organisme.",
                values: organisations.map { ($0.name, $0.figures.percent) }, vertical: false,
                valueHeading: "% revues"),
            organisations: organisations.map { ReviewCampaignPage.Row(name: $0.name, figures: $0.figures) },
            reviewURL: Paths.accessReview(campaign.id!), reportURL: Paths.adminReviewReport(campaign.id!))
        return req.page(page)
    }

    /// Every right of the campaign with its decision, who, when and why, as CSV; the download is audited.
    func report(req: Request) async throws -> Response {
        let campaign = try await ReviewCampaign.named(by: req)
        try await req.portal.audit.record(
            .reviewReportExported, by: req.auditContext, target: ("review", campaign.id!.uuidString),
            details: ["name": campaign.name], on: req.db)
        return AccessReviewReport.response(for: campaign, on: req.db)
    }

    // MARK: - Rendering

    private func render(_ req: Request, form: CampaignForm, errors: FormErrors) async throws -> Response {
        let campaigns = try await ReviewCampaign.query(on: req.db).sort(\.$openedAt, .descending).limit(50).all()
        let progress = try await AccessReviewFigures.perCampaign(
            campaigns.compactMap(\.id), on: req.db as! any SQLDatabase)
        let rows = campaigns.map { campaign in
            let figures = progress[campaign.id!] ?? AccessReviewFigures()
            return ReviewCampaignsPage.Row(
                name: campaign.name, url: Paths.adminReview(campaign.id!),
                openedOn: ParisCalendar.shortDate(campaign.openedAt),
                lastDay: RightValidity.lastDay(of: campaign.deadline),
                rule: campaign.unreviewed == .keep ? "conservées" : "retirées",
                progress: "\(figures.reviewed) / \(figures.total) (\(figures.percent) %)",
                isClosed: campaign.closedAt != nil)
        }
        let organisations = try await Organisation.query(on: req.db).filter(\.$isActive == true).sort(\.$name).all()
        let applications = try await BusinessApplication.query(on: req.db).sort(\.$position).sort(\.$name).all()
        let chosenOrganisations = Set(form.organismes ?? [])
        let chosenApplications = Set(form.applications ?? [])
        let page = ReviewCampaignsPage(
            frame: PageFrame(req, title: errorPrefix(errors) + "Campagnes de revue des habilitations"),
            rows: rows, action: Paths.adminReviews, form: form,
            organisations: organisations.map {
                FormChoice(
                    value: $0.id!.uuidString.lowercased(), label: $0.name,
                    isSelected: chosenOrganisations.contains($0.id!.uuidString.lowercased()))
            },
            applications: applications.map {
                FormChoice(
                    value: $0.id!.uuidString.lowercased(), label: $0.name,
                    isSelected: chosenApplications.contains($0.id!.uuidString.lowercased()))
            },
            errors: errors)
        return req.page(page, status: status(errors))
    }

    /// « Tous les organismes ; applications : Grève, Accords locaux ».
    private func scopeLabel(of campaign: ReviewCampaign, on database: any Database) async throws -> String {
        let rows = try await (database as! any SQLDatabase).raw(
            """
            SELECT o.name AS organisation, p.name AS application FROM review_scopes s
            LEFT JOIN organisations o ON o.id = s.organisation_id
            LEFT JOIN applications p ON p.id = s.application_id
            WHERE s.campaign_id = \(bind: campaign.id!)
            """
        ).all()
        let organisations = rows.compactMap { try? $0.decode(column: "organisation", as: String?.self) }.sorted()
        let applications = rows.compactMap { try? $0.decode(column: "application", as: String?.self) }.sorted()
        return (organisations.isEmpty ? "tous les organismes" : "organismes : " + organisations.joined(separator: ", "))
            + " ; "
            + (applications.isEmpty
                ? "toutes les applications" : "applications : " + applications.joined(separator: ", "))
    }
}

/// The form that opens a campaign.
struct CampaignForm: PostedForm {
    var nom: String?
    /// The last day of review (`2027-01-15`).
    var fin: String?
    /// « conserver » or « retirer »: what becomes of a right nobody reviewed.
    var regle: String?
    var organismes: [String]?
    var applications: [String]?

    /// The campaign asked for, or nil with the reasons in `errors`.
    func opening(
        now: Date, errors: inout FormErrors, on database: any Database
    ) async throws
        -> AccessReviewService.Opening?
    {
        if let problem = TextInput.problem(
            nom ?? "", label: "le nom de la campagne", maximum: FieldLimits.name, required: true)
        {
            errors.add("nom", problem)
        }
        let deadline = RightValidity.end(throughDay: (fin ?? "").trimmingCharacters(in: .whitespaces))
        if let deadline {
            if deadline <= ParisCalendar.adding(days: 1, to: ParisCalendar.startOfDay(now)) {
                errors.add("fin", "Le dernier jour de la revue doit être postérieur à aujourd’hui.")
            } else if deadline > ParisCalendar.adding(days: ReviewCampaignsController.longestDays, to: now) {
                errors.add("fin", "Le dernier jour de la revue doit tomber dans l’année qui vient.")
            }
        } else {
            errors.add("fin", "Indiquez le dernier jour de la revue au format jj/mm/aaaa, par exemple 15/01/2027.")
        }
        let unreviewed: ReviewCampaign.Unreviewed? =
            switch regle {
            case "conserver": .keep
            case "retirer": .remove
            default: nil
            }
        if unreviewed == nil {
            errors.add("regle", "Choisissez ce que deviennent les habilitations que personne n’a revues.")
        }
        let organisationIDs = try await known(
            organismes, in: Organisation.query(on: database).filter(\.$isActive == true).all().compactMap(\.id),
            field: "organismes", message: "Un des organismes choisis n’existe pas ou n’est plus actif.",
            errors: &errors)
        let applicationIDs = try await known(
            applications, in: BusinessApplication.query(on: database).all().compactMap(\.id),
            field: "applications", message: "Une des applications choisies n’existe pas.", errors: &errors)
        guard errors.isEmpty, let deadline, let unreviewed else { return nil }
        return AccessReviewService.Opening(
            name: TextInput.stored(nom)!, deadline: deadline, unreviewed: unreviewed,
            organisationIDs: organisationIDs, applicationIDs: applicationIDs)
    }

    /// The chosen ids, each one of `existing`; anything else is refused with `message`.
    private func known(
        _ values: [String]?, in existing: [UUID], field: String, message: String, errors: inout FormErrors
    ) -> [UUID] {
        let chosen = (values ?? []).filter { !$0.isEmpty }
        let ids = chosen.compactMap(UUID.init(uuidString:))
        let existing = Set(existing)
        guard ids.count == chosen.count, ids.allSatisfy(existing.contains) else {
            errors.add(field, message)
            return []
        }
        return Array(Set(ids))
    }
}
