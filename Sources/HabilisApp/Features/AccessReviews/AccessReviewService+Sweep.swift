import Fluent
import Foundation
import SQLKit

/// Access reviews in the sweep: the reminders 7 days and 1 day before the deadline, then, at the deadline, the
/// campaign's rule applied to every right nobody reviewed. Each step claims its rows with a conditional update,
/// so that two instances sweeping at once remind once and remove once.
extension AccessReviewService {
    /// What one pass did.
    public struct SweepReport: Sendable, Equatable {
        public var reminded = 0
        public var keptAtDeadline = 0
        public var removedAtDeadline = 0
        public var closed = 0
    }

    static let deadlineBatch = 500

    public func sweep(asOf instant: Date, on database: any Database) async throws -> SweepReport {
        var report = SweepReport()
        let counting = try await runtimeSettings.current(on: database).dayCounting
        let open = try await ReviewCampaign.query(on: database).filter(\.$closedAt == nil).all()
        for campaign in open where campaign.deadline > instant {
            // The later reminder first: a campaign opened 3 days before its deadline gets that one only.
            for (stage, days) in [(2, 1), (1, 7)] where counting.adding(days, to: instant) >= campaign.deadline {
                if try await remind(campaign, stage: stage, on: database) { report.reminded += 1 }
                break
            }
        }
        for campaign in open where campaign.deadline <= instant {
            try await applyRule(of: campaign, at: instant, report: &report, on: database)
        }
        return report
    }

    /// Sends reminder `stage` of `campaign` unless it (or a later one) went already.
    private func remind(_ campaign: ReviewCampaign, stage: Int, on database: any Database) async throws -> Bool {
        try await database.atomically { transaction in
            let claimed = try await (transaction as! any SQLDatabase).raw(
                """
                UPDATE review_campaigns SET reminders_sent = \(bind: stage)
                WHERE id = \(bind: campaign.id!) AND reminders_sent < \(bind: stage) AND closed_at IS NULL
                RETURNING id
                """
            ).all()
            guard !claimed.isEmpty else { return false }
            try await tellReviewers(of: campaign, stage: stage, on: transaction)
            return true
        }
    }

    /// The deadline: rights ended meanwhile are marked so, the rest kept or removed as the campaign says, and the
    /// campaign closes once nothing is left undecided.
    private func applyRule(
        of campaign: ReviewCampaign, at instant: Date, report: inout SweepReport, on database: any Database
    ) async throws {
        let sql = database as! any SQLDatabase
        try await sql.raw(
            """
            UPDATE review_items SET decision = 'ended', decided_at = \(bind: instant), by_deadline = true
            WHERE campaign_id = \(bind: campaign.id!) AND decision IS NULL
                AND grant_id IN (SELECT id FROM grants WHERE revoked_at IS NOT NULL)
            """
        ).run()
        switch campaign.unreviewed {
        case .keep:
            report.keptAtDeadline += try await sql.raw(
                """
                UPDATE review_items SET decision = 'kept', decided_at = \(bind: instant), by_deadline = true
                WHERE campaign_id = \(bind: campaign.id!) AND decision IS NULL
                RETURNING grant_id
                """
            ).all().count
        case .remove:
            report.removedAtDeadline += try await removeUnreviewed(of: campaign, on: database)
        }
        let closed = try await database.atomically { transaction in
            let claimed = try await (transaction as! any SQLDatabase).raw(
                """
                UPDATE review_campaigns SET closed_at = \(bind: instant)
                WHERE id = \(bind: campaign.id!) AND closed_at IS NULL
                    AND NOT EXISTS (SELECT 1 FROM review_items
                        WHERE campaign_id = \(bind: campaign.id!) AND decision IS NULL)
                RETURNING id
                """
            ).all()
            guard !claimed.isEmpty else { return false }
            let figures = try await AccessReviewFigures.load(campaign.id!, on: transaction as! any SQLDatabase)
            try await audit.record(
                .reviewClosed, by: .system, target: ("review", campaign.id!.uuidString),
                details: [
                    "name": campaign.name, "rights": String(figures.total), "kept": String(figures.kept),
                    "removed": String(figures.removed), "ended": String(figures.ended),
                    "unreviewed": String(figures.byDeadline), "rule": campaign.unreviewed.rawValue,
                ], on: transaction)
            return true
        }
        if closed { report.closed += 1 }
    }

    /// Removes, in batches, each right still undecided: a withdrawal by Habilis, with the campaign named.
    private func removeUnreviewed(of campaign: ReviewCampaign, on database: any Database) async throws -> Int {
        let actor = AccessRequestService.RightActor(
            context: .system, agentID: nil, name: "Habilis (revue des habilitations)",
            details: ["review": campaign.id!.uuidString])
        let reason = "Habilitation non revue à l’échéance"
        var removed = 0
        while true {
            let due = try await (database as! any SQLDatabase).raw(
                """
                SELECT grant_id FROM review_items
                WHERE campaign_id = \(bind: campaign.id!) AND decision IS NULL
                ORDER BY grant_id LIMIT \(unsafeRaw: String(Self.deadlineBatch))
                """
            ).all().map { try $0.decode(column: "grant_id", as: UUID.self) }
            var removedNow = 0
            for grantID in due {
                let done = try await database.atomically { transaction in
                    try await removeOne(
                        grantID, in: campaign, reason: reason, by: actor, condition: "1 = 1", byDeadline: true,
                        on: transaction)
                }
                if done { removedNow += 1 }
            }
            removed += removedNow
            // A batch another instance took meanwhile ends the pass; the next minute takes what is left.
            if due.count < Self.deadlineBatch || removedNow == 0 { return removed }
        }
    }
}

/// How far a campaign has got, in all or per organisme.
struct AccessReviewFigures: Sendable {
    var total = 0
    var kept = 0
    var removed = 0
    /// Ended otherwise before anyone reviewed them.
    var ended = 0
    /// Decided by the campaign's rule, not by a reviewer.
    var byDeadline = 0

    var reviewed: Int { kept + removed + ended }
    var remaining: Int { total - reviewed }
    /// Whole percent reviewed; an empty scope is complete.
    var percent: Int { total == 0 ? 100 : reviewed * 100 / total }

    static let columns: SQLQueryString = """
        COUNT(*) AS total,
        SUM(CASE WHEN i.decision = 'kept' THEN 1 ELSE 0 END) AS kept,
        SUM(CASE WHEN i.decision = 'removed' THEN 1 ELSE 0 END) AS removed,
        SUM(CASE WHEN i.decision = 'ended' THEN 1 ELSE 0 END) AS ended,
        SUM(CASE WHEN i.by_deadline THEN 1 ELSE 0 END) AS by_deadline
        """

    init() {}

    init(_ row: any SQLRow) throws {
        // SUM over no row is NULL.
        let count = { (column: String) in (try row.decode(column: column, as: Int?.self)) ?? 0 }
        total = try count("total")
        kept = try count("kept")
        removed = try count("removed")
        ended = try count("ended")
        byDeadline = try count("by_deadline")
    }

    /// The whole campaign.
    static func load(_ campaignID: UUID, on sql: any SQLDatabase) async throws -> AccessReviewFigures {
        try await sql.raw(
            "SELECT " + columns + " FROM review_items i WHERE i.campaign_id = \(bind: campaignID)"
        ).first().map(AccessReviewFigures.init) ?? AccessReviewFigures()
    }

    /// Per campaign of `campaignIDs`, limited to `condition` over `i` when given, in one statement.
    static func perCampaign(
        _ campaignIDs: [UUID], where condition: SQLQueryString? = nil, on sql: any SQLDatabase
    ) async throws -> [UUID: AccessReviewFigures] {
        guard !campaignIDs.isEmpty else { return [:] }
        let filter: SQLQueryString = condition.map { " AND " + $0 } ?? ""
        let rows = try await sql.raw(
            "SELECT i.campaign_id, " + columns + " FROM review_items i"
                + " WHERE i.campaign_id IN (\(binds: campaignIDs))" + filter + " GROUP BY i.campaign_id"
        ).all()
        return try Dictionary(
            uniqueKeysWithValues: rows.map {
                (try $0.decode(column: "campaign_id", as: UUID.self), try AccessReviewFigures($0))
            })
    }

    /// Per organisme, by name, limited to `condition` over `i` when given.
    static func perOrganisation(
        _ campaignID: UUID, where condition: SQLQueryString? = nil, on sql: any SQLDatabase
    ) async throws -> [(name: String, id: UUID, figures: AccessReviewFigures)] {
        let filter: SQLQueryString = condition.map { " AND " + $0 } ?? ""
        let rows = try await sql.raw(
            "SELECT i.organisation_id, o.name, " + columns
                + " FROM review_items i JOIN organisations o ON o.id = i.organisation_id"
                + " WHERE i.campaign_id = \(bind: campaignID)" + filter
                + " GROUP BY i.organisation_id, o.name ORDER BY o.name"
        ).all()
        return try rows.map {
            (
                try $0.decode(column: "name", as: String.self), try $0.decode(column: "organisation_id", as: UUID.self),
                try AccessReviewFigures($0)
            )
        }
    }
}
