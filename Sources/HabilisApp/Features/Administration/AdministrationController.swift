import Fluent
import Vapor

/// The administrators' tools of this release: FAQ entries, newsletter subscribers, the import of Agents de
/// Direction. Administrators only; anyone else gets 403 and an audit event.
struct AdministrationController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let admin = routes.grouped(Paths.administration.pathComponents).grouped(AdministratorGuard())
        admin.get(use: index)
        admin.get(Paths.adminFAQ.pathComponents(under: Paths.administration), use: faqList)
        admin.get(Paths.adminNewFAQ.pathComponents(under: Paths.administration), use: newFAQ)
        admin.post(Paths.adminNewFAQ.pathComponents(under: Paths.administration), use: createFAQ)
        admin.get(Paths.adminFAQEntry.pathComponents(under: Paths.administration), use: editFAQ)
        admin.post(Paths.adminFAQEntry.pathComponents(under: Paths.administration), use: updateFAQ)
        admin.get(Paths.adminNewsletters.pathComponents(under: Paths.administration), use: newsletters)
        admin.get(Paths.adminNewsletterSubscribers.pathComponents(under: Paths.administration), use: subscribersCSV)
        admin.get(Paths.adminNewNewsletter.pathComponents(under: Paths.administration), use: newNewsletter)
        admin.post(Paths.adminNewNewsletter.pathComponents(under: Paths.administration), use: createNewsletter)
        admin.get(Paths.adminNewsletter.pathComponents(under: Paths.administration), use: editNewsletter)
        admin.post(Paths.adminNewsletter.pathComponents(under: Paths.administration), use: updateNewsletter)
        admin.get(Paths.adminDirectorsImport.pathComponents(under: Paths.administration), use: importForm)
        admin.on(.POST, "agents-de-direction", "import", body: .collect(maxSize: "5mb"), use: importDirectors)
        admin.get(Paths.adminOrganisationsImport.pathComponents(under: Paths.administration), use: importForm)
        admin.on(.POST, "organismes", "import", body: .collect(maxSize: "5mb"), use: importDirectors)
        admin.get(Paths.adminAgentsImport.pathComponents(under: Paths.administration), use: importForm)
        admin.on(.POST, "agents", "import", body: .collect(maxSize: "5mb"), use: importDirectors)
        admin.get(Paths.adminRightsImport.pathComponents(under: Paths.administration), use: importForm)
        admin.on(.POST, "habilitations", "import", body: .collect(maxSize: "5mb"), use: importDirectors)
    }

    /// The table of contents of the administration.
    func index(req: Request) async throws -> Response {
        req.page(
            AdministrationPage(
                frame: PageFrame(req, title: "Administration"), faqURL: Paths.adminFAQ,
                newslettersURL: Paths.adminNewsletters, directorsImportURL: Paths.adminDirectorsImport,
                organisationsURL: Paths.adminOrganisations, applicationsURL: Paths.adminApplications,
                agentsURL: Paths.adminAgents, settingsURL: Paths.adminSettings, auditURL: Paths.adminAudit,
                failedMailsURL: Paths.adminFailedMails,
                dashboardURL: Paths.adminDashboard, rightsCSVURL: Paths.adminRightsCSV,
                organisationsImportURL: Paths.adminOrganisationsImport, agentsImportURL: Paths.adminAgentsImport))
    }

    // MARK: - FAQ

    /// Every FAQ entry, active or not, in order.
    func faqList(req: Request) async throws -> Response {
        let entries = try await FAQEntry.query(on: req.db).sort(\.$position).all()
        return req.page(
            FAQListPage(
                frame: PageFrame(
                    req, title: "Foire aux questions — administration",
                    notice: req.query[String.self, at: "enregistre"] == "1" ? "La question a été enregistrée." : nil),
                newURL: Paths.adminNewFAQ,
                entries: entries.map {
                    FAQListPage.Row(
                        question: $0.question, position: $0.position, isActive: $0.isActive,
                        editURL: Paths.adminFAQEntry($0.id!))
                }))
    }

    func newFAQ(req: Request) async throws -> Response {
        let next = (try await FAQEntry.query(on: req.db).max(\.$position) ?? 0) + 1
        return try await renderFAQ(
            req, form: FAQForm(question: "", reponse: "", ordre: String(next), active: "1"),
            action: Paths.adminNewFAQ, errors: FormErrors())
    }

    func createFAQ(req: Request) async throws -> Response {
        try await saveFAQ(req, entry: FAQEntry(question: "", answer: "", position: 0), action: Paths.adminNewFAQ)
    }

    func editFAQ(req: Request) async throws -> Response {
        let entry = try await faqEntry(req)
        return try await renderFAQ(
            req,
            form: FAQForm(
                question: entry.question, reponse: entry.answer, ordre: String(entry.position),
                active: entry.isActive ? "1" : nil),
            action: Paths.adminFAQEntry(entry.id!), errors: FormErrors())
    }

    func updateFAQ(req: Request) async throws -> Response {
        let entry = try await faqEntry(req)
        return try await saveFAQ(req, entry: entry, action: Paths.adminFAQEntry(entry.id!))
    }

    private func saveFAQ(_ req: Request, entry: FAQEntry, action: String) async throws -> Response {
        let form = (try? req.content.decode(FAQForm.self)) ?? FAQForm()
        var errors = FormErrors()
        if let problem = TextInput.problem(form.question ?? "", label: "la question", maximum: 300, required: true) {
            errors.add("question", problem)
        }
        if let problem = TextInput.problem(
            form.reponse ?? "", label: "la réponse", maximum: 5000, required: true, multiline: true)
        {
            errors.add("reponse", problem)
        }
        let position = errors.position(form.ordre, field: "ordre")
        guard errors.isEmpty, let position else {
            return try await renderFAQ(req, form: form, action: action, errors: errors)
        }
        let before =
            entry.id == nil
            ? [:]
            : [
                "question": entry.question, "answer": entry.answer,
                "position": String(entry.position), "active": String(entry.isActive),
            ]
        entry.question = TextInput.stored(form.question)!
        entry.answer = TextInput.stored(form.reponse)!
        entry.position = position
        entry.isActive = form.active == "1"
        let after = [
            "question": entry.question, "answer": entry.answer, "position": String(entry.position),
            "active": String(entry.isActive),
        ]
        try await req.portal.audit.save(
            entry, as: .faqEntrySaved, target: "faq_entry", before: before, after: after, by: req.auditContext,
            on: req.db)
        return req.redirect(to: Paths.adminFAQ + "?enregistre=1")
    }

    private func renderFAQ(_ req: Request, form: FAQForm, action: String, errors: FormErrors) async throws -> Response {
        let page = FAQEditPage(
            frame: PageFrame(req, title: errorPrefix(errors) + "Question de la FAQ"), action: action, form: form,
            listURL: Paths.adminFAQ, errors: errors)
        return req.page(page, status: status(errors))
    }

    private func faqEntry(_ req: Request) async throws -> FAQEntry {
        guard let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)),
            let entry = try await FAQEntry.find(id, on: req.db)
        else { throw Abort(.notFound) }
        return entry
    }

    // MARK: - Newsletters

    /// The newsletters with their number of subscribers.
    func newsletters(req: Request) async throws -> Response {
        let newsletters = try await Newsletter.query(on: req.db).sort(\.$position).all()
        var rows: [NewslettersPage.Row] = []
        for newsletter in newsletters {
            let count = try await Subscription.query(on: req.db).filter(\.$newsletter.$id == newsletter.id!).count()
            rows.append(
                .init(
                    title: newsletter.title, subscribers: count, isActive: newsletter.isActive,
                    exportURL: Paths.adminNewsletterSubscribers(newsletter.id!),
                    editURL: Paths.adminNewsletter(newsletter.id!)))
        }
        return req.page(
            NewslettersPage(
                frame: PageFrame(req, title: "Lettres d’information", notice: savedNotice(req)), rows: rows,
                newURL: Paths.adminNewNewsletter))
    }

    /// The subscribers of one newsletter as CSV (audited: it is an export of personal data).
    func subscribersCSV(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)),
            let newsletter = try await Newsletter.find(id, on: req.db)
        else { throw Abort(.notFound) }
        let count = try await Subscription.query(on: req.db).filter(\.$newsletter.$id == id).countRows()
        try await req.portal.audit.record(
            .subscribersExported, by: req.auditContext,
            target: ("newsletter", id.uuidString), details: ["count": String(count)], on: req.db)
        let name = newsletter.title.folding(options: .diacriticInsensitive, locale: nil).lowercased()
            .components(separatedBy: CharacterSet.alphanumerics.inverted).filter { !$0.isEmpty }.joined(separator: "-")
        return SubscribersExport.response(of: id, filename: "abonnes-\(name).csv", on: req.db)
    }

    func newNewsletter(req: Request) async throws -> Response {
        let next = (try await Newsletter.query(on: req.db).max(\.$position) ?? 0) + 1
        return try await renderNewsletter(
            req, form: NewsletterForm(titre: "", ordre: String(next), active: "1"), action: Paths.adminNewNewsletter,
            errors: FormErrors())
    }

    func createNewsletter(req: Request) async throws -> Response {
        try await saveNewsletter(req, newsletter: Newsletter(), action: Paths.adminNewNewsletter)
    }

    func editNewsletter(req: Request) async throws -> Response {
        let newsletter = try await findNewsletter(req)
        return try await renderNewsletter(
            req,
            form: NewsletterForm(
                titre: newsletter.title, ordre: String(newsletter.position), active: newsletter.isActive ? "1" : nil),
            action: Paths.adminNewsletter(newsletter.id!), errors: FormErrors())
    }

    func updateNewsletter(req: Request) async throws -> Response {
        let newsletter = try await findNewsletter(req)
        return try await saveNewsletter(req, newsletter: newsletter, action: Paths.adminNewsletter(newsletter.id!))
    }

    private func saveNewsletter(_ req: Request, newsletter: Newsletter, action: String) async throws -> Response {
        let form = (try? req.content.decode(NewsletterForm.self)) ?? NewsletterForm()
        var errors = FormErrors()
        if let problem = TextInput.problem(form.titre ?? "", label: "le titre", maximum: 150, required: true) {
            errors.add("titre", problem)
        }
        let position = errors.position(form.ordre, field: "ordre")
        guard errors.isEmpty, let position else {
            return try await renderNewsletter(req, form: form, action: action, errors: errors)
        }
        let before =
            newsletter.id == nil
            ? [:]
            : [
                "title": newsletter.title, "position": String(newsletter.position),
                "active": String(newsletter.isActive),
            ]
        newsletter.title = TextInput.stored(form.titre)!
        newsletter.position = position
        newsletter.isActive = form.active == "1"
        let after = ["title": newsletter.title, "position": String(position), "active": String(newsletter.isActive)]
        try await req.portal.audit.save(
            newsletter, as: .newsletterSaved, target: "newsletter", before: before, after: after,
            by: req.auditContext, on: req.db)
        return req.redirect(to: Paths.adminNewsletters + "?enregistre=1")
    }

    private func renderNewsletter(
        _ req: Request, form: NewsletterForm, action: String, errors: FormErrors
    )
        async throws -> Response
    {
        let page = NewsletterEditPage(
            frame: PageFrame(req, title: errorPrefix(errors) + "Lettre d’information"), action: action, form: form,
            listURL: Paths.adminNewsletters, errors: errors)
        return req.page(page, status: status(errors))
    }

    private func findNewsletter(_ req: Request) async throws -> Newsletter {
        guard let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)),
            let newsletter = try await Newsletter.find(id, on: req.db)
        else { throw Abort(.notFound) }
        return newsletter
    }

    // MARK: - Agents de Direction

    /// Which of the four imports a path is.
    enum ImportKind: String, Encodable {
        case directors, organisations, agents, rights

        init(path: String) {
            self =
                path.hasPrefix(Paths.adminOrganisationsImport)
                ? .organisations
                : path.hasPrefix(Paths.adminAgentsImport)
                    ? .agents : path.hasPrefix(Paths.adminRightsImport) ? .rights : .directors
        }

        var title: String {
            switch self {
            case .directors: "Import des Agents de Direction"
            case .organisations: "Import des organismes"
            case .agents: "Import des agents"
            case .rights: "Import des habilitations"
            }
        }

        var action: String {
            switch self {
            case .directors: Paths.adminDirectorsImport
            case .organisations: Paths.adminOrganisationsImport
            case .agents: Paths.adminAgentsImport
            case .rights: Paths.adminRightsImport
            }
        }
    }

    func importForm(req: Request) async throws -> Response {
        try await renderImport(req, report: nil, errors: FormErrors())
    }

    /// Reads the uploaded CSV; "simulation" reports without writing.
    func importDirectors(req: Request) async throws -> Response {
        struct Upload: Content {
            var fichier: File?
            var simulation: String?
        }
        let user = try req.requireUser()
        let upload = try? req.content.decode(Upload.self)
        var errors = FormErrors()
        guard let file = upload?.fichier, file.data.readableBytes > 0 else {
            errors.add("fichier", "Choisissez le fichier CSV exporté du Référentiel des Agents de Direction.")
            return try await renderImport(req, report: nil, errors: errors)
        }
        guard let text = file.data.getString(at: file.data.readerIndex, length: file.data.readableBytes),
            text.utf8.count == file.data.readableBytes
        else {
            errors.add("fichier", "Le fichier doit être un CSV encodé en UTF-8.")
            return try await renderImport(req, report: nil, errors: errors)
        }
        // A binary file, or a CSV with a NUL that PostgreSQL could not store (`NulCharacterGuard`).
        guard !text.utf8.contains(0) else {
            errors.add("fichier", "Le fichier contient le caractère nul : ce n’est pas un CSV texte.")
            return try await renderImport(req, report: nil, errors: errors)
        }
        let dryRun = upload?.simulation == "1"
        let (clock, audit, passwords) = (req.portal.clock, req.portal.audit, req.portal.passwords)
        let report: DirectorsImport.Report
        switch ImportKind(path: req.url.path) {
        case .directors:
            report = try await DirectorsImport(clock: clock, audit: audit, passwords: passwords)
                .run(csv: text, dryRun: dryRun, by: user, ip: req.clientIP, on: req.db)
        case .organisations:
            report = try await DirectoryImport(clock: clock, audit: audit, passwords: passwords)
                .organisations(csv: text, dryRun: dryRun, by: user, ip: req.clientIP, on: req.db)
        case .agents:
            report = try await DirectoryImport(clock: clock, audit: audit, passwords: passwords)
                .agents(csv: text, dryRun: dryRun, by: user, ip: req.clientIP, on: req.db)
        case .rights:
            report = try await RightsImport(rights: req.portal.accessRequests, audit: audit)
                .run(csv: text, dryRun: dryRun, by: user, ip: req.clientIP, on: req.db)
        }
        if let problem = report.fileError {
            errors.add("fichier", problem)
            return try await renderImport(req, report: nil, errors: errors)
        }
        return try await renderImport(req, report: report, errors: errors)
    }

    private func renderImport(
        _ req: Request, report: DirectorsImport.Report?, errors: FormErrors
    ) async throws
        -> Response
    {
        let kind = ImportKind(path: req.url.path)
        let page = DirectorsImportPage(
            frame: PageFrame(req, title: errorPrefix(errors) + kind.title), kind: kind, heading: kind.title,
            action: kind.action, report: report, errors: errors)
        return req.page(page, status: status(errors))
    }
}

/// Lets administrators through; anyone else gets 403 and an audit event (visitors go to the sign-in page).
struct AdministratorGuard: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let user = try request.requireUser()
        guard user.isAdministrator else {
            try await request.portal.audit.record(
                .accessDenied, outcome: "refused", by: request.auditContext,
                details: ["path": request.url.path, "method": request.method.rawValue], on: request.db)
            throw Abort(.forbidden)
        }
        return try await next.respond(to: request)
    }
}

/// The FAQ entry form.
struct FAQForm: Content {
    var question: String?
    var reponse: String?
    var ordre: String?
    var active: String?
}

struct AdministrationPage {
    let frame: PageFrame
    let faqURL: String
    let newslettersURL: String
    let directorsImportURL: String
    let organisationsURL: String
    let applicationsURL: String
    let agentsURL: String
    let settingsURL: String
    let auditURL: String
    let failedMailsURL: String
    let dashboardURL: String
    let rightsCSVURL: String
    let organisationsImportURL: String
    let agentsImportURL: String
}

struct FAQListPage {
    struct Row {
        let question: String
        let position: Int
        let isActive: Bool
        let editURL: String
    }

    let frame: PageFrame
    let newURL: String
    let entries: [Row]
}

struct FAQEditPage {
    let frame: PageFrame
    let action: String
    let form: FAQForm
    let listURL: String
    let errors: FormErrors
}

struct NewslettersPage {
    struct Row {
        let title: String
        let subscribers: Int
        let isActive: Bool
        let exportURL: String
        let editURL: String
    }

    let frame: PageFrame
    let rows: [Row]
    let newURL: String
}

/// The newsletter form.
struct NewsletterForm: Content {
    var titre: String?
    var ordre: String?
    var active: String?
}

struct NewsletterEditPage {
    let frame: PageFrame
    let action: String
    let form: NewsletterForm
    let listURL: String
    let errors: FormErrors
}

struct DirectorsImportPage {
    let frame: PageFrame
    let kind: AdministrationController.ImportKind
    let heading: String
    let action: String
    let report: DirectorsImport.Report?
    let errors: FormErrors
}
