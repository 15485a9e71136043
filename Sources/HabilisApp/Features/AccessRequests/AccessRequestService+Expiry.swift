import Fluent
import Foundation
import SQLKit

/// Time-limited rights in the sweep: the holder is told 30 and 7 days before the end (mail and notification, with
/// the renewal one click away), and the right ends on its date like a withdrawal (audited, notified, the
/// applications logged out, the change event sent). Rows are claimed with conditional updates, in batches, so that
/// two instances sweeping at once notify once and end once.
extension AccessRequestService {
    /// What one pass did.
    public struct RightEndsReport: Sendable, Equatable {
        public var noticed = 0
        public var ended = 0
    }

    static let rightEndsBatch = 500

    /// `expiry_notices`, 0 when unset.
    private static var noticesSent: any SQLExpression {
        SQLFunction("coalesce", args: SQLColumn("expiry_notices"), SQLLiteral.numeric("0"))
    }

    /// The notices before the end, then the rights whose end has come, as of `instant`.
    public func sweepRightEnds(asOf instant: Date, on database: any Database) async throws -> RightEndsReport {
        var report = RightEndsReport()
        let counting = try await runtimeSettings.current(on: database).dayCounting
        // The later notice first: a right that ends within 7 days gets that one only, never both at once.
        for (stage, days) in [(2, 7), (1, 30)] {
            report.noticed += try await noticeEnds(
                stage: stage, before: counting.adding(days, to: instant), at: instant, on: database)
        }
        report.ended = try await endExpiredRights(at: instant, on: database)
        return report
    }

    /// Tells once, in batches, the holders of rights ending by `horizon` who have not had notice `stage` yet.
    private func noticeEnds(
        stage: Int, before horizon: Date, at instant: Date, on database: any Database
    )
        async throws -> Int
    {
        var noticed = 0
        while true {
            let claimed = try await database.atomically { transaction in
                let sql = transaction as! any SQLDatabase
                let ids = try await sql.select().column("id").from(Grant.schema)
                    .where("revoked_at", .is, SQLLiteral.null)
                    .where("expires_at", .greaterThan, SQLBind(instant))
                    .where("expires_at", .lessThanOrEqual, SQLBind(horizon))
                    .where(Self.noticesSent, .lessThan, SQLBind(stage))
                    .orderBy("expires_at").limit(Self.rightEndsBatch).all()
                    .map { try $0.decode(column: "id", as: UUID.self) }
                guard !ids.isEmpty else { return 0 }
                // The claim: a right noticed or ended meanwhile by another instance is not taken again.
                let rows = try await sql.update(Grant.schema).set("expiry_notices", to: stage)
                    .where(SQLIDList("id", in: ids))
                    .where("revoked_at", .is, SQLLiteral.null)
                    .where(Self.noticesSent, .lessThan, SQLBind(stage))
                    .returning("id", "agent_id", "application_id", "expires_at").all()
                try await notifyEnding(rows, stage: stage, on: transaction)
                return rows.count
            }
            noticed += claimed
            if claimed == 0 { return noticed }
        }
    }

    private func notifyEnding(_ rows: [any SQLRow], stage: Int, on transaction: any Database) async throws {
        guard !rows.isEmpty else { return }
        struct Ending {
            let grantID: UUID
            let agentID: UUID
            let applicationID: UUID
            let end: Date
        }
        let endings = try rows.map {
            Ending(
                grantID: try $0.decode(column: "id", as: UUID.self),
                agentID: try $0.decode(column: "agent_id", as: UUID.self),
                applicationID: try $0.decode(column: "application_id", as: UUID.self),
                end: try $0.decode(column: "expires_at", as: Date.self))
        }
        let agents = try await Agent.query(on: transaction).filter(\.$id ~~ Set(endings.map(\.agentID))).all()
        let agentByID = Dictionary(uniqueKeysWithValues: agents.map { ($0.id!, $0) })
        let applications = try await BusinessApplication.query(on: transaction)
            .filter(\.$id ~~ Set(endings.map(\.applicationID))).all()
        let applicationByID = Dictionary(uniqueKeysWithValues: applications.map { ($0.id!, $0) })
        var notices: [Notifier.Notice] = []
        var entries: [AuditLog.Entry] = []
        for ending in endings {
            guard let agent = agentByID[ending.agentID], let application = applicationByID[ending.applicationID]
            else { continue }
            let renewal = Paths.renewGrant(ending.grantID)
            notices.append(
                Notifier.Notice(
                    agentID: agent.id!,
                    message: "Votre habilitation à \(application.name) prend fin le "
                        + "\(ParisCalendar.longDate(ending.end)). Demandez son renouvellement si vous en avez "
                        + "encore besoin.",
                    link: renewal,
                    mail: mails.grantExpiring(
                        to: agent, application: application.name, endsOn: ending.end, renewalURL: renewal),
                    // Per end date: a renewed right is told again before its new end.
                    key: "grant:\(ending.grantID):ends:\(ParisCalendar.shortDate(ending.end)):notice-\(stage)"))
            entries.append(
                AuditLog.Entry(
                    action: .grantExpiryNoticed, target: ("grant", ending.grantID.uuidString),
                    organisationID: agent.$organisation.id, applicationID: application.id,
                    details: ["ends_at": ISO8601DateFormatter().string(from: ending.end), "agent": agent.email]))
        }
        try await notifier.notifyAll(notices, on: transaction)
        try await audit.recordAll(entries, by: .system, on: transaction)
    }

    /// Ends, in batches, every right whose end has come; each in its own transaction, claimed like a withdrawal.
    private func endExpiredRights(at instant: Date, on database: any Database) async throws -> Int {
        let actor = RightActor(context: .system, agentID: nil, name: "Habilis (fin de validité)")
        var ended = 0
        while true {
            let due = try await Grant.query(on: database).filter(\.$revokedAt == nil)
                .filter(\.$expiresAt <= instant).sort(\.$expiresAt).limit(Self.rightEndsBatch)
                .with(\.$agent).with(\.$application).all()
            var endedNow = 0
            for grant in due {
                let done = try await database.atomically { transaction in
                    try await endRight(
                        grant.id!, of: grant.agent, on: grant.application, reason: "Fin de la durée de validité",
                        by: actor, expired: true, on: transaction)
                }
                if done { endedNow += 1 }
            }
            ended += endedNow
            // A batch another instance emptied meanwhile ends the pass; the next minute takes what is left.
            if due.count < Self.rightEndsBatch || endedNow == 0 { return ended }
        }
    }
}
