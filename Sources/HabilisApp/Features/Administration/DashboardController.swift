import Fluent
import SQLKit
import Vapor

/// The dashboard: requests per week, how they ended, the median decision time, pending requests by organisme —
/// drawn as server-side SVG with a data table as text alternative. Administrators only.
struct DashboardController: RouteCollection {
    static let weeks = 12

    func boot(routes: any RoutesBuilder) throws {
        routes.grouped(Paths.administration.pathComponents).grouped(AdministratorGuard()).get(
            "tableau-de-bord", use: index)
    }

    func index(req: Request) async throws -> Response {
        let now = req.portal.clock.now
        let start = ParisCalendar.adding(days: -7 * Self.weeks, to: now)
        let sql = req.db as! any SQLDatabase
        let figures = try await DashboardFigures.load(weeks: Self.weeks, from: start, on: sql)
        let weekLabels = (0..<Self.weeks).map { ParisCalendar.shortDate(ParisCalendar.adding(days: 7 * $0, to: start)) }
        let outcomes: [(String, AccessRequest.Status)] = [
            ("acceptées", .accepted), ("acceptées automatiquement", .autoAccepted), ("refusées", .refused),
            ("annulées", .cancelled), ("en attente", .pending),
        ]
        let outcomeValues = outcomes.map { label, status in (label, figures.count(status)) }
        let manual = figures.count(.accepted) + figures.count(.refused)
        let automatic = figures.count(.autoAccepted)
        let pendingRows = try await sql.raw(
            """
            SELECT o.name AS name, COUNT(*) AS n FROM access_requests r JOIN organisations o ON o.id = r.organisation_id
            WHERE r.status = 'pending' GROUP BY o.name ORDER BY n DESC, o.name LIMIT 10
            """
        ).all()
        let pendingByOrganisation = pendingRows.map {
            ((try? $0.decode(column: "name", as: String.self)) ?? "", (try? $0.decode(column: "n", as: Int.self)) ?? 0)
        }
        // Rights held now, per application and profile: what the federation actually uses.
        let heldRows = try await sql.raw(
            """
            SELECT \(RightName.sql(application: "ap", profile: "pr")) AS name, COUNT(*) AS n FROM grants g
            JOIN applications ap ON ap.id = g.application_id
            LEFT JOIN application_profiles pr ON pr.id = g.profile_id
            WHERE g.revoked_at IS NULL GROUP BY ap.name, pr.label ORDER BY n DESC, ap.name, pr.label LIMIT 10
            """
        ).all()
        let heldByProfile = heldRows.map {
            ((try? $0.decode(column: "name", as: String.self)) ?? "", (try? $0.decode(column: "n", as: Int.self)) ?? 0)
        }
        let page = DashboardPage(
            frame: PageFrame(req, title: "Tableau de bord"),
            periodLabel: "du \(ParisCalendar.longDate(start)) au \(ParisCalendar.longDate(now))",
            total: figures.perWeek.reduce(0, +),
            medianDecision: figures.medianDecision.map(Self.duration) ?? "aucune décision sur la période",
            manualShare: manual + automatic == 0 ? "—" : "\(manual * 100 / (manual + automatic)) %",
            automaticShare: manual + automatic == 0 ? "—" : "\(automatic * 100 / (manual + automatic)) %",
            charts: [
                BarChart(
                    id: "semaines", title: "Demandes d’habilitation par semaine",
                    description: "Nombre de demandes reçues chaque semaine sur les \(Self.weeks) dernières semaines.",
                    values: zip(weekLabels, figures.perWeek).map { ("sem. du \($0)", $1) }, vertical: true),
                BarChart(
                    id: "issues", title: "Issue des demandes de la période",
                    description: "Répartition des demandes de la période selon leur statut.", values: outcomeValues,
                    vertical: false),
                BarChart(
                    id: "en-attente", title: "Demandes en attente par organisme (10 premiers)",
                    description: "Organismes ayant le plus de demandes en attente.", values: pendingByOrganisation,
                    vertical: false),
                BarChart(
                    id: "profils", title: "Habilitations en cours par application et profil (10 premières)",
                    description:
                        "Nombre d’agents habilités aujourd’hui, par application et, le cas échéant, par profil.",
                    values: heldByProfile, vertical: false),
            ])
        return req.page(page)
    }

    /// "2 j 4 h", "3 h 20 min".
    static func duration(_ seconds: TimeInterval) -> String {
        let minutes = Int(seconds / 60)
        let days = minutes / 1440
        let hours = (minutes % 1440) / 60
        if days > 0 { return "\(days) j \(hours) h" }
        return "\(hours) h \(minutes % 60) min"
    }
}

/// The figures of the period, counted by the database: at federation scale the twelve weeks hold a quarter of a
/// million requests, which the page used to load one by one (seconds and hundreds of megabytes for one page).
struct DashboardFigures {
    /// Requests received per week, the first week starting on the day of `start`.
    var perWeek: [Int]
    /// Requests of the period by their status today.
    var byStatus: [AccessRequest.Status: Int]
    /// The median time from request to decision (by a person or automatic), nil when none was decided.
    var medianDecision: TimeInterval?

    func count(_ status: AccessRequest.Status) -> Int { byStatus[status] ?? 0 }

    static func load(weeks: Int, from start: Date, on sql: any SQLDatabase) async throws -> DashboardFigures {
        // Week k starts 7 × k Paris days after the day of `start` (a request of that day is in week 0).
        let firstDay = ParisCalendar.startOfDay(start)
        var week: SQLQueryString = "CASE"
        for index in (1..<weeks).reversed() {
            let weekStart = ParisCalendar.adding(days: 7 * index, to: firstDay)
            week += " WHEN created_at >= \(bind: weekStart) THEN \(literal: index)"
        }
        week += " ELSE 0 END"
        var figures = DashboardFigures(perWeek: Array(repeating: 0, count: weeks), byStatus: [:])
        let counts = try await sql.raw(
            """
            SELECT status, \(week) AS week, COUNT(*) AS n FROM access_requests WHERE created_at >= \(bind: start) \
            GROUP BY 1, 2
            """
        ).all()
        for row in counts {
            let n = try row.decode(column: "n", as: Int.self)
            figures.perWeek[try row.decode(column: "week", as: Int.self)] += n
            if let status = AccessRequest.Status(rawValue: try row.decode(column: "status", as: String.self)) {
                figures.byStatus[status, default: 0] += n
            }
        }
        // The middle decision (the upper one for an even count), ordered by the database.
        let decided: SQLQueryString = """
            FROM access_requests WHERE created_at >= \(bind: start) AND decided_at IS NOT NULL \
            AND status IN ('accepted', 'refused', 'auto_accepted')
            """
        let count = try await sql.raw("SELECT COUNT(*) AS n " + decided).first()?.decode(column: "n", as: Int.self) ?? 0
        if count > 0,
            let middle = try await sql.raw(
                "SELECT created_at, decided_at " + decided
                    + " ORDER BY decided_at - created_at LIMIT 1 OFFSET \(literal: count / 2)"
            ).first()
        {
            figures.medianDecision = try middle.decode(column: "decided_at", as: Date.self).timeIntervalSince(
                try middle.decode(column: "created_at", as: Date.self))
        }
        return figures
    }
}

/// A bar chart laid out on the server: the template draws the bars with escaped values, no script, no library.
struct BarChart {
    /// One bar with its geometry in the SVG's coordinates.
    struct Bar {
        let label: String
        let value: Int
        let x: Int
        let y: Int
        let width: Int
        let height: Int
        let labelX: Int
        let labelY: Int
        let valueX: Int
        let valueY: Int
    }

    let id: String
    let title: String
    let description: String
    let bars: [Bar]
    let width: Int
    let height: Int
    let vertical: Bool
    /// The heading of the values in the chart's table.
    let valueHeading: String
}

extension BarChart {
    init(
        id: String, title: String, description: String, values: [(String, Int)], vertical: Bool,
        valueHeading: String = "Nombre"
    ) {
        self.id = id
        self.valueHeading = valueHeading
        self.title = title
        self.description = description
        self.vertical = vertical
        let maximum = max(1, values.map(\.1).max() ?? 1)
        if vertical {
            let slot = 56
            width = max(1, values.count) * slot + 20
            height = 240
            let plot = 170
            bars = values.enumerated().map { index, pair in
                let barHeight = pair.1 * plot / maximum
                let x = 20 + index * slot
                return Bar(
                    label: pair.0, value: pair.1, x: x, y: 20 + plot - barHeight, width: slot - 16, height: barHeight,
                    labelX: x + (slot - 16) / 2, labelY: 20 + plot + 18, valueX: x + (slot - 16) / 2,
                    valueY: 20 + plot - barHeight - 4)
            }
        } else {
            let row = 30
            width = 640
            height = max(1, values.count) * row + 10
            let labelWidth = 260
            let plot = width - labelWidth - 60
            bars = values.enumerated().map { index, pair in
                let barWidth = pair.1 * plot / maximum
                let y = 5 + index * row
                return Bar(
                    label: pair.0, value: pair.1, x: labelWidth, y: y, width: barWidth, height: row - 10,
                    labelX: labelWidth - 8, labelY: y + (row - 10) / 2 + 5, valueX: labelWidth + barWidth + 6,
                    valueY: y + (row - 10) / 2 + 5)
            }
        }
    }
}

struct DashboardPage {
    let frame: PageFrame
    let periodLabel: String
    let total: Int
    let medianDecision: String
    let manualShare: String
    let automaticShare: String
    let charts: [BarChart]
}
