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

    /// Accepts every request due at `instant` and reminds the deciders of those due soon. Each request is claimed
    /// with a conditional update in its own short transaction, so that several instances (or a human deciding at
    /// the same moment) never produce two outcomes, two rights or two notifications.
    public func sweep(
        asOf instant: Date, batchSize: Int = 500, on database: any Database, logger: Logger
    ) async throws
        -> SweepReport
    {
        var report = SweepReport()
        var failed: [UUID] = []
        while true {
            var query = AccessRequest.query(on: database)
                .filter(\.$status == .pending)
                .filter(\.$dueAt <= instant)
            if !failed.isEmpty { query = query.filter(\.$id !~ failed) }
            let due = try await query.sort(\.$dueAt).limit(batchSize)
                .with(\.$agent).with(\.$application).all()
            var deciders = DecidersCache(routing: routing)
            var people: [UUID: [Agent]] = [:]
            for request in due { people[request.id!] = try await deciders.people(for: request, on: database) }
            let batchPeople = people
            do {
                // One transaction for the batch (one disk sync instead of hundreds); each request is still claimed
                // by its own conditional update inside it.
                report.autoAccepted += try await database.atomically { transaction in
                    var accepted = 0
                    for request in due
                    where try await autoAccept(
                        request, at: instant, people: batchPeople[request.id!] ?? [], on: transaction)
                    {
                        accepted += 1
                    }
                    return accepted
                }
            } catch {
                // A failing request rolled the batch back: one transaction each, to set it aside.
                for request in due {
                    do {
                        let accepted = try await database.atomically { transaction in
                            try await autoAccept(
                                request, at: instant, people: batchPeople[request.id!] ?? [], on: transaction)
                        }
                        if accepted { report.autoAccepted += 1 }
                    } catch {
                        failed.append(request.id!)
                        logger.error("sweep: request \(request.id!) not accepted: \(String(reflecting: error))")
                    }
                }
            }
            if due.count < batchSize { break }
        }
        report.reminded = try await remind(asOf: instant, on: database, logger: logger)
        return report
    }

    /// Accepts one due request inside the caller's transaction; false when someone else closed it first.
    private func autoAccept(
        _ request: AccessRequest, at instant: Date, people: [Agent], on transaction: any Database
    ) async throws -> Bool {
        guard
            try await close(
                request.id!, as: .autoAccepted, at: instant, by: nil, reason: nil, dueBefore: instant,
                on: transaction)
        else { return false }
        try await grant(request, by: nil, on: transaction)
        let key = "access-request:\(request.id!):auto-accepted"
        try await notifier.notify(
            request.agent,
            message: "Votre demande d’accès à \(request.application.name) a été acceptée automatiquement.",
            link: Paths.home,
            mail: mails.accessRequestOutcome(
                to: request.agent, application: request.application.name, status: .autoAccepted,
                decidedBy: nil, reason: nil),
            key: key, on: transaction)
        for decider in people where decider.id != request.$agent.id {
            try await notifier.notify(
                decider,
                message: "La demande de \(request.agent.fullName) pour \(request.application.name) a été "
                    + "acceptée automatiquement.",
                link: Paths.agentRights(request.$agent.id),
                mail: mails.autoAcceptedToDecider(
                    to: decider, requester: request.agent, application: request.application.name),
                key: key, on: transaction)
        }
        try await audit.record(
            .accessRequestAutoAccepted, by: .system, target: ("access_request", request.id!.uuidString),
            organisationID: request.$organisation.id, details: ["application": request.application.code],
            on: transaction)
        return true
    }

    /// Reminds the deciders once of each request due within `reminderDays`.
    private func remind(asOf instant: Date, on database: any Database, logger: Logger) async throws -> Int {
        let reminderDays = try await runtimeSettings.current(on: database).reminderDays
        let horizon = ParisCalendar.adding(days: reminderDays, to: instant)
        var reminded = 0
        var deciders = DecidersCache(routing: routing)
        while true {
            let due = try await AccessRequest.query(on: database)
                .filter(\.$status == .pending)
                .filter(\.$remindedAt == nil)
                .filter(\.$dueAt <= horizon)
                .sort(\.$dueAt).limit(500)
                .with(\.$agent).with(\.$application).all()
            for request in due {
                let people = try await deciders.people(for: request, on: database)
                let sent = try await database.atomically { transaction in
                    let claimed = try await (transaction as! any SQLDatabase).update(AccessRequest.schema)
                        .set("reminded_at", to: instant)
                        .where("id", .equal, request.id!)
                        .where("status", .equal, AccessRequest.Status.pending.rawValue)
                        .where("reminded_at", .is, SQLLiteral.null)
                        .returning("id")
                        .all()
                    guard !claimed.isEmpty else { return false }
                    for decider in people where decider.id != request.$agent.id {
                        try await notifier.notify(
                            decider,
                            message: "Rappel : la demande de \(request.agent.fullName) pour "
                                + "\(request.application.name) sera acceptée automatiquement le "
                                + "\(ParisCalendar.longDate(request.dueAt)).",
                            link: Paths.requestsToDecide,
                            mail: mails.accessRequestReminder(
                                to: decider, requester: request.agent, application: request.application.name,
                                dueAt: request.dueAt),
                            key: "access-request:\(request.id!):reminder", on: transaction)
                    }
                    try await audit.record(
                        .accessRequestReminded, by: .system, target: ("access_request", request.id!.uuidString),
                        organisationID: request.$organisation.id, on: transaction)
                    return true
                }
                if sent { reminded += 1 }
            }
            if due.count < 500 { break }
        }
        return reminded
    }
}

/// Deciders looked up once per (organisme, application, routing) within one sweep batch.
struct DecidersCache {
    let routing: Routing
    private var cache: [String: [Agent]] = [:]

    init(routing: Routing) { self.routing = routing }

    mutating func people(for request: AccessRequest, on database: any Database) async throws -> [Agent] {
        let key = "\(request.$organisation.id)-\(request.$application.id)-\(request.routedTo.rawValue)"
        if let people = cache[key] { return people }
        let people = try await routing.deciders(of: request, on: database)
        cache[key] = people
        return people
    }
}
