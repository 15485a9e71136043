import Fluent
import Vapor

/// The audit trail: every security event and decision, filterable by actor, organisme, action and period,
/// 50 a page, exportable as CSV; and the settings administrators change without restart. Administrators only.
struct AuditTrailController: RouteCollection {
    static let perPage = 50

    func boot(routes: any RoutesBuilder) throws {
        let admin = routes.grouped(Paths.administration.pathComponents).grouped(AdministratorGuard())
        admin.get(Paths.adminAudit.pathComponents(under: Paths.administration), use: index)
        admin.get(Paths.adminAuditCSV.pathComponents(under: Paths.administration), use: export)
        admin.get(Paths.adminSettings.pathComponents(under: Paths.administration), use: settings)
        admin.post(Paths.adminSettings.pathComponents(under: Paths.administration), use: saveSettings)
        admin.get(Paths.adminRightsCSV.pathComponents(under: Paths.administration), use: rightsCSV)
    }

    /// The filters of the trail, read from the query string; unknown values are ignored, never trusted.
    struct Filters: Encodable {
        var actor = ""
        var organisation = ""
        var action = ""
        var from = ""
        var to = ""

        var queryString: String {
            [("acteur", actor), ("organisme", organisation), ("action", action), ("du", from), ("au", to)]
                .filter { !$0.1.isEmpty }
                .map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
                .joined(separator: "&")
        }

        static func day(_ text: String, endOfDay: Bool) -> Date? {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = ParisCalendar.timeZone
            formatter.dateFormat = "yyyy-MM-dd"
            guard let date = formatter.date(from: text) else { return nil }
            return endOfDay ? ParisCalendar.adding(days: 1, to: date) : date
        }

        /// The trail narrowed by the filters.
        func apply(
            to query: QueryBuilder<AuditEvent>, on database: any Database
        ) async throws
            -> QueryBuilder<AuditEvent>
        {
            if !actor.isEmpty {
                let ids = try await AgentSearch.filter(Agent.query(on: database), text: actor).limit(500).all(\.$id)
                query.filter(\.$actorID ~~ ids.map { Optional($0) })
            }
            if let id = UUID(uuidString: organisation) { query.filter(\.$organisationID == id) }
            if AuditAction(rawValue: action) != nil { query.filter(\.$action == action) }
            if let start = Self.day(from, endOfDay: false) { query.filter(\.$occurredAt >= start) }
            if let end = Self.day(to, endOfDay: true) { query.filter(\.$occurredAt < end) }
            return query
        }
    }

    func index(req: Request) async throws -> Response {
        let filters = Filters(req)
        let query = try await filters.apply(to: AuditEvent.query(on: req.db), on: req.db)
        let pagination = Pagination(
            page: Pagination.page(from: req), perPage: Self.perPage, total: try await query.countRows(),
            baseURL: Paths.adminAudit + "?" + filters.queryString)
        let events = try await query.copy().sort(\.$occurredAt, .descending)
            .range(pagination.offset..<(pagination.offset + Self.perPage)).all()
        let rows = try await AuditRow.rows(events, on: req.db)
        let organisations = try await Organisation.query(on: req.db).sort(\.$name).all()
        return req.page(
            AuditPage(
                frame: PageFrame(req, title: "Journal d’audit"), action: Paths.adminAudit, filters: filters,
                organisations: organisations.map { .init(id: $0.id!.uuidString.lowercased(), name: $0.name) },
                actions: AuditAction.allCases.map(\.rawValue), rows: rows, pagination: pagination,
                exportURL: Paths.adminAuditCSV + "?" + filters.queryString))
    }

    /// The filtered trail as CSV, newest first, all of it (the export itself is audited). It goes out a page at a
    /// time: the trail of a federation holds millions of events, which the export used to load as models (up to a
    /// cut-off of 100,000, silently dropping the older ones).
    func export(req: Request) async throws -> Response {
        let filters = Filters(req)
        let database = req.db
        let count = try await filters.apply(to: AuditEvent.query(on: database), on: database).countRows()
        try await req.portal.audit.record(
            .auditExported, by: req.auditContext,
            details: ["count": String(count), "filters": filters.queryString],
            on: database)
        return PagedCSV.response(
            filename: "journal-audit.csv",
            header: ["date", "acteur", "action", "resultat", "cible", "adresse_ip", "details"]
        ) { (before: DateAndID?) in
            let query = try await filters.apply(to: AuditEvent.query(on: database), on: database)
            if let before {
                query.group(.or) { older in
                    older.filter(\.$occurredAt < before.date)
                        .group(.and) { $0.filter(\.$occurredAt == before.date).filter(\.$id < before.id) }
                }
            }
            let events = try await query.sort(\.$occurredAt, .descending).sort(\.$id, .descending)
                .limit(PagedCSV.rowsPerPage).all()
            let lines = try await AuditRow.rows(events, on: database).map {
                CSV.line([$0.occurredAt, $0.actor, $0.action, $0.outcome, $0.target, $0.ip, $0.details])
            }
            return (lines, events.last.map { DateAndID(date: $0.occurredAt, id: $0.id!) })
        }
    }

    /// Every right, current and withdrawn, as CSV (the export itself is audited).
    func rightsCSV(req: Request) async throws -> Response {
        let count = try await Grant.query(on: req.db).countRows()
        try await req.portal.audit.record(
            .rightsExported, by: req.auditContext, details: ["count": String(count)], on: req.db)
        return RightsExport.response(on: req.db)
    }

    // MARK: - Settings

    struct SettingsForm: Content, Encodable {
        var delai: String?
        var rappel: String?
        var webmaster: String?
        var contactAdd: String?
        var decompte: String?
    }

    func settings(req: Request) async throws -> Response {
        let values = try await req.portal.runtimeSettings.current(on: req.db)
        return try await renderSettings(
            req,
            form: SettingsForm(
                delai: String(values.autoAcceptDays), rappel: String(values.reminderDays),
                webmaster: values.webmasterEmail, contactAdd: values.directorContactEmail,
                decompte: values.dayCounting.rawValue),
            errors: FormErrors())
    }

    func saveSettings(req: Request) async throws -> Response {
        let form = (try? req.content.decode(SettingsForm.self)) ?? SettingsForm()
        var errors = FormErrors()
        let delay = Int(form.delai ?? "")
        if delay.map({ (1...90).contains($0) }) != true {
            errors.add("delai", "Indiquez un délai entre 1 et 90 jours.")
        }
        let reminder = Int(form.rappel ?? "")
        if reminder.map({ (0...89).contains($0) && $0 < (delay ?? 0) }) != true {
            errors.add("rappel", "Indiquez un nombre de jours inférieur au délai d’acceptation automatique.")
        }
        var emails: [String] = []
        for (field, value) in [("webmaster", form.webmaster), ("contactAdd", form.contactAdd)] {
            switch EmailAddress.normalize(value ?? "") {
            case .success(let email): emails.append(email)
            case .failure: errors.add(field, "Saisissez une adresse e-mail valide.")
            }
        }
        let counting = DayCounting(rawValue: form.decompte ?? "")
        if counting == nil { errors.add("decompte", "Choisissez comment les délais se comptent.") }
        guard errors.isEmpty, let delay, let reminder, let counting else {
            return try await renderSettings(req, form: form, errors: errors)
        }
        let runtime = req.portal.runtimeSettings
        let before = try await runtime.current(on: req.db)
        let after = RuntimeSettings.Values(
            autoAcceptDays: delay, reminderDays: reminder, webmasterEmail: emails[0], directorContactEmail: emails[1],
            dayCounting: counting)
        let audit = req.portal.audit
        let context = req.auditContext
        let now = req.portal.clock.now
        try await req.db.atomically { database in
            try await runtime.store(after, now: now, on: database)
            try await audit.record(
                .settingsSaved, by: context,
                details: AuditLog.changes(before: before.snapshot, after: after.snapshot), on: database)
        }
        runtime.invalidate()
        return try await renderSettings(req, form: form, errors: errors, notice: "Les paramètres ont été enregistrés.")
    }

    private func renderSettings(
        _ req: Request, form: SettingsForm, errors: FormErrors, notice: String? = nil
    )
        async throws -> Response
    {
        req.page(
            SettingsPage(
                frame: PageFrame(req, title: errorPrefix(errors) + "Paramètres", notice: notice),
                action: Paths.adminSettings, form: form, errors: errors))
    }
}

extension AuditTrailController.Filters {
    init(_ req: Request) {
        actor = String((req.query[String.self, at: "acteur"] ?? "").prefix(254))
        organisation = req.query[String.self, at: "organisme"] ?? ""
        action = req.query[String.self, at: "action"] ?? ""
        from = req.query[String.self, at: "du"] ?? ""
        to = req.query[String.self, at: "au"] ?? ""
    }
}

extension RuntimeSettings.Values {
    var snapshot: [String: String] {
        [
            "auto_accept_days": String(autoAcceptDays), "reminder_days": String(reminderDays),
            "webmaster_email": webmasterEmail, "add_contact_email": directorContactEmail,
            "day_counting": dayCounting.rawValue,
        ]
    }
}

/// A CSV download with a BOM so that spreadsheets read UTF-8.
func csvResponse(_ csv: String, filename: String) -> Response {
    Response(status: .ok, body: .init(string: "\u{FEFF}" + csv)).downloadedAsCSV(named: filename)
}

/// One event of the trail as shown and exported.
struct AuditRow {
    let occurredAt: String
    let actor: String
    let action: String
    let outcome: String
    let target: String
    let ip: String
    let details: String

    /// The rows of a page, with the actors' names in one query.
    static func rows(_ events: [AuditEvent], on database: any Database) async throws -> [AuditRow] {
        let ids = Set(events.compactMap(\.actorID))
        let agents = try await Agent.query(on: database).filter(\.$id ~~ Array(ids)).all()
        let names = Dictionary(uniqueKeysWithValues: agents.map { ($0.id!, "\($0.fullName) <\($0.email)>") })
        return events.map {
            AuditRow(
                occurredAt: ParisCalendar.longDateTime($0.occurredAt),
                actor: $0.actorID.map { names[$0] ?? $0.uuidString } ?? "système ou visiteur", action: $0.action,
                outcome: $0.outcome, target: [$0.targetType, $0.targetID].compactMap { $0 }.joined(separator: " "),
                ip: $0.ip ?? "", details: $0.details == "{}" ? "" : $0.details)
        }
    }
}

struct AuditPage {
    struct Choice {
        let id: String
        let name: String
    }

    let frame: PageFrame
    let action: String
    let filters: AuditTrailController.Filters
    let organisations: [Choice]
    let actions: [String]
    let rows: [AuditRow]
    let pagination: Pagination
    let exportURL: String
}

struct SettingsPage {
    let frame: PageFrame
    let action: String
    let form: AuditTrailController.SettingsForm
    let errors: FormErrors
}
