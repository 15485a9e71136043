import Fluent
import Foundation
import SQLKit
import Vapor

/// The sweep: "Sauf refus formel par votre administrateur local, votre demande sera acceptée dans un délai maximum
/// de 10 jours après la date de la demande", and the reminders before it.
extension AccessRequestService {
    /// What one sweep did.
    public struct SweepReport: Sendable, Equatable {
        public var autoAccepted = 0
        public var reminded = 0
    }

    /// Accepts every request due at `instant` and reminds the deciders of those due soon. Due requests are taken in
    /// rounds in the order of their (agent, application), each round in batches, each batch in one transaction: one
    /// conditional `UPDATE … RETURNING` claims the batch (a request another instance or a human closed meanwhile is
    /// not claimed again), then the rights, notifications, mails and audit events of the whole batch are written in a
    /// few multi-row statements. `lanes` batches run at once, each in its own transaction on its own connection
    /// (PostgreSQL only: SQLite has one writer). Several instances may sweep at once: each request is claimed once,
    /// so there is one right and one mail per request.
    public func sweep(
        asOf instant: Date, batchSize: Int = 10_000, lanes: Int = 1, on database: any Database, logger: Logger
    ) async throws
        -> SweepReport
    {
        var report = SweepReport()
        let context = try await SweepContext.load(at: instant, on: database)
        let sql = database as! any SQLDatabase
        var cursor: RoundCursor?
        while true {
            let round = try await nextRound(
                of: dueCondition(at: instant), after: cursor, limit: batchSize * lanes, on: sql)
            guard let last = round.last else { break }
            cursor = last.cursor
            let due = round.map(\.id)
            // Shared evenly, so that the last round keeps every lane busy too.
            let batches = due.chunks(of: (due.count + lanes - 1) / lanes).map(Array.init)
            let outcomes = await withTaskGroup(of: (batch: [UUID], accepted: Int?).self) { group in
                for batch in batches {
                    group.addTask {
                        do {
                            return (
                                batch,
                                try await database.atomically { transaction in
                                    try await accept(batch, at: instant, context: context, on: transaction)
                                }
                            )
                        } catch {
                            logger.error("sweep: batch failed, retrying one by one: \(String(reflecting: error))")
                            return (batch, nil)
                        }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            for outcome in outcomes {
                if let accepted = outcome.accepted {
                    report.autoAccepted += accepted
                    continue
                }
                // A batch that fails is taken again one request at a time, to set the faulty one aside (the next
                // rounds start after it).
                for id in outcome.batch {
                    do {
                        report.autoAccepted += try await database.atomically { transaction in
                            try await accept([id], at: instant, context: context, on: transaction)
                        }
                    } catch {
                        logger.error("sweep: request \(id) not accepted: \(String(reflecting: error))")
                    }
                }
            }
            if round.count < batchSize * lanes { break }
        }
        report.reminded = try await remind(asOf: instant, context: context, on: database)
        return report
    }

    /// The requesters of a batch with what their mails need (address and name), read without model decoding.
    private func mailingIdentities(of ids: Set<UUID>, on sql: any SQLDatabase) async throws -> [UUID: Requester] {
        let rows = try await sql.select().columns("id", "email", "first_name", "last_name")
            .from(Agent.schema).where(SQLIDList("id", in: Array(ids))).all()
        var requesters: [UUID: Requester] = [:]
        for row in rows {
            let requester = Requester(
                id: try row.decode(column: "id", as: UUID.self),
                email: try row.decode(column: "email", as: String.self),
                fullName: try row.decode(column: "first_name", as: String.self) + " "
                    + row.decode(column: "last_name", as: String.self))
            requesters[requester.id] = requester
        }
        return requesters
    }

    /// Up to `limit` pending requests matching `condition` after `cursor`, in the order of the index of pending
    /// requests, (agent, application), which holds one request at most. Taken in that order, the requests of a
    /// batch belong to neighbouring agents, so that its rights and notifications land on neighbouring pages of the
    /// indexes keyed by agent: the SQLite sweep went from 19.5 to 12.4 s. Read apart from the update that claims
    /// them: inside one `UPDATE … WHERE id IN (SELECT … LIMIT)` PostgreSQL may run the subquery once per row
    /// (minutes for 10,000 rows); the update re-checks the condition, so a request taken meanwhile is skipped.
    private func nextRound(
        of condition: any SQLExpression, after cursor: RoundCursor?, limit: Int, on sql: any SQLDatabase
    ) async throws
        -> [(id: UUID, cursor: RoundCursor)]
    {
        var query = sql.select().columns("id", "agent_id", "application_id").from(AccessRequest.schema)
            .where(condition)
        if let cursor {
            query = query.where(
                SQLGroupExpression([SQLColumn("agent_id"), SQLColumn("application_id")]), .greaterThan,
                SQLGroupExpression([SQLBind(cursor.agentID), SQLBind(cursor.applicationID)]))
        }
        return try await query.orderBy("agent_id").orderBy("application_id").limit(limit).all().map { row in
            (
                try row.decode(column: "id", as: UUID.self),
                RoundCursor(
                    agentID: try row.decode(column: "agent_id", as: UUID.self),
                    applicationID: try row.decode(column: "application_id", as: UUID.self))
            )
        }
    }

    /// Sets `changes` on those of `ids` still matching `condition` (a request another instance or a human took
    /// meanwhile no longer does) and returns them: the claim that makes each request handled once.
    private func claim(
        _ ids: [UUID], where condition: any SQLExpression, setting changes: [String: SQLBind],
        on sql: any SQLDatabase
    ) async throws -> [SweptRequest] {
        var update = sql.update(AccessRequest.schema)
        for (column, value) in changes { update = update.set(SQLColumn(column), to: value) }
        return try await update.where(condition).where(SQLIDList("id", in: ids))
            .returning(SweptRequest.columns).all().map(SweptRequest.init)
    }

    /// Pending requests due at `instant`.
    private func dueCondition(at instant: Date) -> any SQLExpression {
        SQLList(
            [AccessRequest.isPending(), SQLBinaryExpression(SQLColumn("due_at"), .lessThanOrEqual, SQLBind(instant))],
            separator: SQLRaw(" AND "))
    }

    /// Claims and accepts those of `due` still pending and due inside the caller's transaction; returns how many.
    private func accept(
        _ due: [UUID], at instant: Date, context: SweepContext, on transaction: any Database
    ) async throws -> Int {
        let sql = transaction as! any SQLDatabase
        let claimed = try await claim(
            due, where: dueCondition(at: instant),
            setting: ["status": SQLBind(AccessRequest.Status.autoAccepted.rawValue), "decided_at": SQLBind(instant)],
            on: sql)
        guard !claimed.isEmpty else { return 0 }
        let requesterByID = try await mailingIdentities(of: Set(claimed.map(\.agentID)), on: sql)
        let now = clock.now
        func end(_ request: SweptRequest) -> Date? { context.applications[request.applicationID]?.rightEnd(from: now) }
        // A renewal extends the right it renews, when that right still runs; otherwise it grants one afresh.
        var renewed = Set<UUID>()
        for request in claimed {
            guard let grantID = request.renewsGrantID else { continue }
            let extended = try await sql.update(Grant.schema).set("expires_at", to: end(request))
                .set("expiry_notices", to: 0).where("id", .equal, grantID).where("revoked_at", .is, SQLLiteral.null)
                .returning("id").all()
            if !extended.isEmpty { renewed.insert(request.id) }
        }
        let grantIDs = claimed.map { renewed.contains($0.id) ? $0.renewsGrantID! : UUID.timeOrdered() }
        try await sql.insertRows(
            into: Grant.schema,
            columns: [
                "id", "agent_id", "application_id", "granted_at", "access_request_id", "expires_at", "profile_id",
            ],
            rows: zip(claimed, grantIDs).filter { !renewed.contains($0.0.id) }.map {
                [$1, $0.agentID, $0.applicationID, now, $0.id, end($0), $0.profileID]
            },
            ignoringConflicts: true)
        // A new profile replaces the one held where the application says so (rare: one at a time).
        for request in claimed where !renewed.contains(request.id) {
            guard let profile = request.profileID.flatMap({ context.profiles[$0] }),
                let application = context.applications[request.applicationID]
            else { continue }
            try await replaceOtherProfiles(
                of: request.agentID, on: application, by: profile, actorID: nil,
                email: requesterByID[request.agentID]?.email ?? "", on: transaction)
        }
        try await events.publish(
            zip(claimed, grantIDs).flatMap { request, grantID in
                let base = [
                    "request_id": request.id.uuidString.lowercased(),
                    "email": requesterByID[request.agentID]?.email ?? "",
                ]
                return [
                    WebhookEvents.Event(
                        .accessRequestDecided, agent: request.agentID, application: request.applicationID,
                        data: base.merging(["status": AccessRequest.Status.autoAccepted.rawValue]) { $1 }),
                    WebhookEvents.Event(
                        .rightGranted, agent: request.agentID, application: request.applicationID,
                        data: base.merging([
                            "grant_id": grantID.uuidString.lowercased(),
                            "origin": renewed.contains(request.id) ? "renewal" : "automatic_acceptance",
                        ]) { $1 }.merging(
                            request.profileID.flatMap { context.profiles[$0] }.map { ["profile": $0.code] } ?? [:]
                        ) { $1 }),
                ]
            }, on: transaction)

        var notices: [Notifier.Notice] = []
        for request in claimed {
            guard let requester = requesterByID[request.agentID] else { continue }
            let application = context.requestedName(request)
            let code = context.applications[request.applicationID]?.code ?? ""
            notices.append(
                Notifier.Notice(
                    agentID: request.agentID,
                    message: "Votre demande d’accès à \(application) a été acceptée automatiquement.",
                    link: Paths.openApplication(code),
                    mail: mails.accessRequestOutcome(
                        to: requester, application: application, code: code, status: .autoAccepted, decidedBy: nil,
                        reason: nil),
                    key: "access-request:\(request.id):auto-accepted"))
        }
        // Each decider is told once per batch, with the list, rather than once per request.
        let batchKey = "access-requests:\(claimed[0].id):auto-accepted"
        for (decider, items) in context.byDecider(claimed, requesters: requesterByID) {
            if items.count == 1, let only = items.first {
                notices.append(
                    Notifier.Notice(
                        agentID: decider.id!,
                        message: "La demande de \(only.requester.fullName) pour \(only.application) a été acceptée "
                            + "automatiquement.",
                        link: Paths.agentRights(only.requester.id),
                        mail: mails.autoAcceptedToDecider(
                            to: decider, requester: only.requester, application: only.application),
                        key: batchKey))
            } else {
                notices.append(
                    Notifier.Notice(
                        agentID: decider.id!,
                        message: "\(items.count) demandes de votre périmètre ont été acceptées automatiquement.",
                        link: Paths.requestsToDecide,
                        mail: mails.autoAcceptedDigest(
                            to: decider, accepted: items.map { ($0.requester.fullName, $0.application) }),
                        key: batchKey))
            }
        }
        try await notifier.notifyAll(notices, on: transaction)
        try await audit.recordAll(
            claimed.map { request in
                AuditLog.Entry(
                    action: .accessRequestAutoAccepted, target: ("access_request", request.id.uuidString),
                    organisationID: request.organisationID, applicationID: request.applicationID,
                    details: ["application": context.applications[request.applicationID]?.code ?? ""])
            }, by: .system, on: transaction)
        return claimed.count
    }

    /// Reminds the deciders once of each request due within `reminderDays`, in batches like the acceptances: one
    /// conditional update claims a batch (no request is reminded twice, whatever runs at the same time), then each
    /// decider gets one reminder listing their requests of the batch.
    private func remind(asOf instant: Date, context: SweepContext, on database: any Database) async throws -> Int {
        let settings = try await runtimeSettings.current(on: database)
        // In working days, the horizon is the general one: an organisme of Alsace-Moselle is reminded at most its
        // two extra holidays early, never late.
        let horizon = settings.dayCounting.adding(settings.reminderDays, to: instant)
        let condition = SQLList(
            [
                AccessRequest.isPending(),
                SQLBinaryExpression(SQLColumn("reminded_at"), .is, SQLLiteral.null),
                SQLBinaryExpression(SQLColumn("due_at"), .lessThanOrEqual, SQLBind(horizon)),
            ], separator: SQLRaw(" AND "))
        let batchSize = 10_000
        var reminded = 0
        var cursor: RoundCursor?
        while true {
            let round = try await nextRound(
                of: condition, after: cursor, limit: batchSize, on: database as! any SQLDatabase)
            guard let last = round.last else { break }
            cursor = last.cursor
            reminded += try await database.atomically { transaction in
                try await remindBatch(
                    round.map(\.id), where: condition, at: instant, context: context, on: transaction)
            }
            if round.count < batchSize { break }
        }
        return reminded
    }

    /// Claims those of `due` still matching `condition` (not reminded yet) and reminds their deciders.
    private func remindBatch(
        _ due: [UUID], where condition: any SQLExpression, at instant: Date, context: SweepContext,
        on transaction: any Database
    ) async throws -> Int {
        let sql = transaction as! any SQLDatabase
        let requests = try await claim(due, where: condition, setting: ["reminded_at": SQLBind(instant)], on: sql)
        guard !requests.isEmpty else { return 0 }
        let requesterByID = try await mailingIdentities(of: Set(requests.map(\.agentID)), on: sql)
        let batchKey = "access-requests:\(requests[0].id):reminder"
        let notices = context.byDecider(requests, requesters: requesterByID).map { decider, items in
            guard items.count > 1 else {
                let only = items[0]
                return Notifier.Notice(
                    agentID: decider.id!,
                    message: "Rappel : la demande de \(only.requester.fullName) pour \(only.application) sera acceptée "
                        + "automatiquement le \(ParisCalendar.longDate(only.request.dueAt)).",
                    link: Paths.requestsToDecide,
                    mail: mails.accessRequestReminder(
                        to: decider, requester: only.requester, application: only.application,
                        dueAt: only.request.dueAt),
                    key: batchKey)
            }
            return Notifier.Notice(
                agentID: decider.id!,
                message:
                    "Rappel : \(items.count) demandes seront acceptées automatiquement sans décision de votre part.",
                link: Paths.requestsToDecide,
                mail: mails.remindersDigest(
                    to: decider,
                    pending: items.map { ($0.requester.fullName, $0.application, $0.request.dueAt) }),
                key: batchKey)
        }
        try await notifier.notifyAll(notices, on: transaction)
        try await audit.recordAll(
            requests.map { request in
                AuditLog.Entry(
                    action: .accessRequestReminded, target: ("access_request", request.id.uuidString),
                    organisationID: request.organisationID, details: [:])
            }, by: .system, on: transaction)
        return requests.count
    }
}

/// Where the next round of the sweep starts: after this (agent, application) in the index of pending requests.
private struct RoundCursor {
    let agentID: UUID
    let applicationID: UUID
}

/// Who asked, as the mails name them: a hundred thousand Fluent models (a score of property wrappers each) cost
/// the sweep a tenth of its time.
private struct Requester: MailAddressee {
    let id: UUID
    let email: String
    let fullName: String
}

/// A request the sweep has just claimed.
private struct SweptRequest {
    static let columns: [any SQLExpression] = [
        "id", "agent_id", "application_id", "organisation_id", "routed_to", "due_at", "renews_grant_id", "profile_id",
    ].map { SQLColumn($0) }

    let id: UUID
    let agentID: UUID
    let applicationID: UUID
    let organisationID: UUID
    let routedTo: Deciders
    let dueAt: Date
    let renewsGrantID: UUID?
    let profileID: UUID?

    init(_ row: any SQLRow) throws {
        id = try row.decode(column: "id", as: UUID.self)
        agentID = try row.decode(column: "agent_id", as: UUID.self)
        applicationID = try row.decode(column: "application_id", as: UUID.self)
        organisationID = try row.decode(column: "organisation_id", as: UUID.self)
        // Read as text: a `Codable` enum takes PostgresKit's decoder machinery, a tenth of the sweep's decoding.
        let routedTo = try row.decode(column: "routed_to", as: String.self)
        guard let deciders = Deciders(rawValue: routedTo) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "routed_to = \(routedTo)"))
        }
        self.routedTo = deciders
        dueAt = try row.decode(column: "due_at", as: Date.self)
        renewsGrantID = try row.decode(column: "renews_grant_id", as: UUID?.self)
        profileID = try row.decode(column: "profile_id", as: UUID?.self)
    }
}

/// What a sweep reads once for all its batches: who decides what, and the applications.
private struct SweepContext {
    let directory: DeciderDirectory
    let applications: [UUID: BusinessApplication]
    let profiles: [UUID: ApplicationProfile]

    static func load(at instant: Date, on database: any Database) async throws -> SweepContext {
        SweepContext(
            directory: try await DeciderDirectory.load(at: instant, on: database),
            applications: Dictionary(
                uniqueKeysWithValues: try await BusinessApplication.query(on: database).all().map { ($0.id!, $0) }),
            profiles: Dictionary(
                uniqueKeysWithValues: try await ApplicationProfile.query(on: database).all().map { ($0.id!, $0) }))
    }

    func applicationName(_ id: UUID) -> String { applications[id]?.name ?? "" }

    /// « Accords locaux (profil « Rédaction ») », as mails and notifications name what a request asks for.
    func requestedName(_ request: SweptRequest) -> String {
        applicationName(request.applicationID)
            + (request.profileID.flatMap { profiles[$0] }.map { " (profil « \($0.label) »)" } ?? "")
    }

    /// The requests of a batch grouped by the people who decide them (never the requester), for one message each.
    func byDecider(
        _ requests: [SweptRequest], requesters: [UUID: Requester]
    )
        -> [(decider: Agent, items: [(request: SweptRequest, requester: Requester, application: String)])]
    {
        var groups:
            [UUID: (decider: Agent, items: [(request: SweptRequest, requester: Requester, application: String)])] =
                [:]
        for request in requests {
            guard let requester = requesters[request.agentID] else { continue }
            for decider in directory.deciders(
                organisationID: request.organisationID, applicationID: request.applicationID,
                routedTo: request.routedTo, requesterID: request.agentID)
            where decider.id != request.agentID {
                groups[decider.id!, default: (decider, [])].items.append(
                    (request, requester, requestedName(request)))
            }
        }
        return Array(groups.values)
    }
}
