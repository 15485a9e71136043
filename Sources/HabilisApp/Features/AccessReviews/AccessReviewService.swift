import Fluent
import Foundation
import SQLKit

/// Access reviews: an administrator opens a campaign over some or all organismes and applications; each right in
/// scope becomes an item its reviewers keep or remove by the deadline; the sweep reminds them and, at the deadline,
/// applies the campaign's rule to what is left. A removal is a withdrawal like any other (notified, audited, the
/// applications logged out, the change event sent).
public struct AccessReviewService: Sendable {
    let clock: any Clock
    let audit: AuditLog
    let notifier: Notifier
    let mails: MailTemplates
    let runtimeSettings: RuntimeSettings
    /// Removals end rights the way every withdrawal does.
    let rights: AccessRequestService

    /// What an administrator asks for when opening a campaign, already checked by the form.
    struct Opening: Sendable {
        let name: String
        let deadline: Date
        let unreviewed: ReviewCampaign.Unreviewed
        /// None: every organisme.
        let organisationIDs: [UUID]
        /// None: every application.
        let applicationIDs: [UUID]
    }

    /// Opens a campaign over the rights active now in its scope and tells their reviewers; nil when the scope
    /// holds no right (nothing is written then).
    func open(
        _ opening: Opening, by user: CurrentUser, ip: String?, on database: any Database
    ) async throws
        -> (campaign: ReviewCampaign, rights: Int)?
    {
        do {
            return try await database.atomically { transaction in
                let campaign = ReviewCampaign(
                    name: opening.name, openedAt: clock.now, openedByID: user.id, deadline: opening.deadline,
                    unreviewed: opening.unreviewed)
                // A deadline close enough makes the reminders redundant with the opening notice.
                let counting = try await runtimeSettings.current(on: transaction).dayCounting
                campaign.remindersSent =
                    opening.deadline <= counting.adding(1, to: clock.now)
                    ? 2 : opening.deadline <= counting.adding(7, to: clock.now) ? 1 : 0
                try await campaign.create(on: transaction)
                let sql = transaction as! any SQLDatabase
                let scopes: [[any Encodable & Sendable]] =
                    opening.organisationIDs.map { [campaign.id!, $0, UUID?.none] }
                    + opening.applicationIDs.map { [campaign.id!, UUID?.none, $0] }
                try await sql.insertRows(
                    into: "review_scopes", columns: ["campaign_id", "organisation_id", "application_id"], rows: scopes)
                let rights = try await takeItems(of: campaign.id!, opening, on: sql)
                guard rights > 0 else { throw NothingInScope() }
                try await tellReviewers(of: campaign, stage: 0, on: transaction)
                try await audit.record(
                    .reviewOpened, by: AuditContext(actorID: user.id, ip: ip),
                    target: ("review", campaign.id!.uuidString),
                    details: [
                        "name": campaign.name, "deadline": ISO8601DateFormatter().string(from: campaign.deadline),
                        "unreviewed": campaign.unreviewed.rawValue, "rights": String(rights),
                        "organisations": opening.organisationIDs.isEmpty
                            ? "all" : String(opening.organisationIDs.count),
                        "applications": opening.applicationIDs.isEmpty ? "all" : String(opening.applicationIDs.count),
                    ], on: transaction)
                return (campaign, rights)
            }
        } catch is NothingInScope {
            return nil
        }
    }

    /// The transaction rolls back when the scope is empty.
    private struct NothingInScope: Error {}

    /// One item per active right in scope, in one statement: a federation holds hundreds of thousands of rights.
    /// The administrators review what they withdraw: rights of centrally managed applications and those an
    /// administrator decided (`Authorization.canWithdraw`).
    private func takeItems(of campaignID: UUID, _ opening: Opening, on sql: any SQLDatabase) async throws -> Int {
        var scope: SQLQueryString = ""
        if !opening.organisationIDs.isEmpty { scope += " AND a.organisation_id IN (\(binds: opening.organisationIDs))" }
        if !opening.applicationIDs.isEmpty { scope += " AND g.application_id IN (\(binds: opening.applicationIDs))" }
        let insert: SQLQueryString = """
            INSERT INTO review_items (campaign_id, grant_id, agent_id, organisation_id, application_id,
                by_administrators, by_deadline)
            SELECT \(bind: campaignID), g.id, g.agent_id, a.organisation_id, g.application_id,
                CASE WHEN p.access_mode = 'central' OR r.routed_to = 'administrators'
                    OR COALESCE(d.is_administrator, false) THEN true ELSE false END,
                false
            FROM grants g
            JOIN agents a ON a.id = g.agent_id
            JOIN applications p ON p.id = g.application_id
            LEFT JOIN access_requests r ON r.id = g.access_request_id
            LEFT JOIN agents d ON d.id = g.granted_by_id
            WHERE g.revoked_at IS NULL
            """
        try await sql.raw(insert + scope).run()
        return try await sql.raw("SELECT COUNT(*) AS n FROM review_items WHERE campaign_id = \(bind: campaignID)")
            .first()?.decode(column: "n", as: Int.self) ?? 0
    }

    // MARK: - Reviewing

    /// What one review post did.
    struct ReviewTally: Equatable {
        var kept = 0
        var removed = 0
        /// Already reviewed, ended meanwhile, or not the viewer's to review.
        var skipped = 0
    }

    /// Keeps the rights `grantIDs` (a page at most) of `campaign` that `user` reviews and nobody has reviewed yet.
    func keep(
        _ grantIDs: [UUID], in campaign: ReviewCampaign, by user: CurrentUser, ip: String?, on database: any Database
    ) async throws -> ReviewTally {
        guard campaign.isOpen(at: clock.now), !grantIDs.isEmpty else { return ReviewTally(skipped: grantIDs.count) }
        let now = clock.now
        return try await database.atomically { transaction in
            let sql = transaction as! any SQLDatabase
            let kept = try await sql.raw(
                """
                UPDATE review_items SET decision = 'kept', decided_by_id = \(bind: user.id), decided_at = \(bind: now)
                WHERE campaign_id = \(bind: campaign.id!) AND grant_id IN (\(binds: grantIDs)) AND decision IS NULL
                    AND grant_id IN (SELECT id FROM grants WHERE revoked_at IS NULL)
                    AND \(ReviewScope(user).condition(table: "review_items"))
                RETURNING grant_id, organisation_id, application_id
                """
            ).all()
            try await audit.recordAll(
                try kept.map { row in
                    AuditLog.Entry(
                        action: .reviewKept,
                        target: ("grant", try row.decode(column: "grant_id", as: UUID.self).uuidString),
                        organisationID: try row.decode(column: "organisation_id", as: UUID.self),
                        applicationID: try row.decode(column: "application_id", as: UUID.self),
                        details: ["review": campaign.id!.uuidString, "name": campaign.name])
                }, by: AuditContext(actorID: user.id, ip: ip), on: transaction)
            try await recordDeputyship(
                of: user, on: try kept.map { try $0.decode(column: "grant_id", as: UUID.self) }, in: campaign,
                transaction: transaction)
            return ReviewTally(kept: kept.count, skipped: grantIDs.count - kept.count)
        }
    }

    /// Removes the rights `grantIDs` (a page at most) with `reason`: each a withdrawal in its own transaction.
    func remove(
        _ grantIDs: [UUID], in campaign: ReviewCampaign, reason: String, by user: CurrentUser, ip: String?,
        on database: any Database
    ) async throws -> ReviewTally {
        guard campaign.isOpen(at: clock.now) else { return ReviewTally(skipped: grantIDs.count) }
        let actor = AccessRequestService.RightActor(
            context: AuditContext(actorID: user.id, ip: ip), agentID: user.id, name: user.agent.fullName,
            details: ["review": campaign.id!.uuidString])
        var tally = ReviewTally()
        for grantID in grantIDs {
            let removed = try await database.atomically { transaction in
                let removed = try await removeOne(
                    grantID, in: campaign, reason: reason, by: actor,
                    condition: ReviewScope(user).condition(table: "review_items"), byDeadline: false, on: transaction)
                if removed {
                    try await recordDeputyship(of: user, on: [grantID], in: campaign, transaction: transaction)
                }
                return removed
            }
            if removed { tally.removed += 1 } else { tally.skipped += 1 }
        }
        return tally
    }

    /// Claims one undecided item as removed and withdraws its right; false when someone was first or the right had
    /// ended (the item then says so).
    func removeOne(
        _ grantID: UUID, in campaign: ReviewCampaign, reason: String, by actor: AccessRequestService.RightActor,
        condition: SQLQueryString, byDeadline: Bool, on transaction: any Database
    ) async throws -> Bool {
        let sql = transaction as! any SQLDatabase
        let claimed = try await sql.raw(
            """
            UPDATE review_items SET decision = 'removed', reason = \(bind: reason), decided_by_id = \(bind: actor.agentID),
                decided_at = \(bind: clock.now), by_deadline = \(bind: byDeadline)
            WHERE campaign_id = \(bind: campaign.id!) AND grant_id = \(bind: grantID) AND decision IS NULL
                AND \(condition)
            RETURNING grant_id
            """
        ).all()
        guard !claimed.isEmpty,
            let grant = try await Grant.query(on: transaction).filter(\.$id == grantID).with(\.$agent)
                .with(\.$application).first()
        else { return false }
        let ended = try await rights.endRight(
            grantID, of: grant.agent, on: grant.application,
            reason: "Revue des habilitations « \(campaign.name) » : \(reason)", by: actor, on: transaction)
        guard ended else {
            try await sql.raw(
                """
                UPDATE review_items SET decision = 'ended', reason = NULL
                WHERE campaign_id = \(bind: campaign.id!) AND grant_id = \(bind: grantID)
                """
            ).run()
            return false
        }
        try await audit.record(
            .reviewRemoved, by: actor.context, target: ("grant", grantID.uuidString),
            organisationID: grant.agent.$organisation.id, applicationID: grant.$application.id,
            details: [
                "review": campaign.id!.uuidString, "name": campaign.name, "reason": reason,
                "by_deadline": byDeadline ? "true" : "false",
            ], on: transaction)
        return true
    }

    /// Marks the items `user` decided as a deputy with the correspondent they stood in for.
    private func recordDeputyship(
        of user: CurrentUser, on grantIDs: [UUID], in campaign: ReviewCampaign, transaction: any Database
    ) async throws {
        guard user.designations.contains(where: { $0.deputyOf != nil }), !grantIDs.isEmpty else { return }
        let sql = transaction as! any SQLDatabase
        let items = try await sql.raw(
            """
            SELECT grant_id, organisation_id, application_id FROM review_items
            WHERE campaign_id = \(bind: campaign.id!) AND grant_id IN (\(binds: grantIDs))
            """
        ).all()
        for item in items {
            guard
                let absent = Authorization().standsInFor(
                    user, organisationID: try item.decode(column: "organisation_id", as: UUID.self),
                    applicationID: try item.decode(column: "application_id", as: UUID.self))
            else { continue }
            try await sql.raw(
                """
                UPDATE review_items SET deputy_of_id = \(bind: absent.agentID)
                WHERE campaign_id = \(bind: campaign.id!) AND grant_id = \(bind: try item.decode(column: "grant_id", as: UUID.self))
                """
            ).run()
        }
    }

    // MARK: - Telling the reviewers

    /// Tells each reviewer how many rights wait for them, by notification and mail: when the campaign opens
    /// (`stage` 0) and in each reminder. The administrators get what is theirs and what no correspondent covers.
    func tellReviewers(of campaign: ReviewCampaign, stage: Int, on transaction: any Database) async throws {
        let sql = transaction as! any SQLDatabase
        let undecided: SQLQueryString = """
            FROM review_items i JOIN grants g ON g.id = i.grant_id
            WHERE i.campaign_id = \(bind: campaign.id!) AND i.decision IS NULL AND g.revoked_at IS NULL
            """
        let waiting = try await sql.raw(
            "SELECT i.organisation_id, i.application_id, i.by_administrators, COUNT(*) AS n " + undecided
                + " GROUP BY i.organisation_id, i.application_id, i.by_administrators"
        ).all()
        // The few rights held by a correspondent of their own organisme: the others review them.
        let ownRights = try await sql.raw(
            "SELECT i.organisation_id, i.application_id, i.agent_id " + undecided
                + """
                 AND i.by_administrators = false AND EXISTS (SELECT 1 FROM correspondents c
                    WHERE c.agent_id = i.agent_id AND c.organisation_id = i.organisation_id)
                """
        ).all()
        let directory = try await DeciderDirectory.load(at: clock.now, on: transaction)
        var counts: [UUID: (agent: Agent, rights: Int)] = [:]
        func add(_ rights: Int, organisationID: UUID, applicationID: UUID, holder: UUID?) {
            let correspondents = directory.correspondents(of: organisationID, for: applicationID)
                .filter { $0.id != holder }
            for person in correspondents.isEmpty ? directory.administrators : correspondents {
                counts[person.id!, default: (person, 0)].rights += rights
            }
        }
        var held: [String: Int] = [:]
        for row in ownRights {
            let (organisationID, applicationID) = (
                try row.decode(column: "organisation_id", as: UUID.self),
                try row.decode(column: "application_id", as: UUID.self)
            )
            held["\(organisationID) \(applicationID)", default: 0] += 1
            add(
                1, organisationID: organisationID, applicationID: applicationID,
                holder: try row.decode(column: "agent_id", as: UUID.self))
        }
        for row in waiting {
            let (organisationID, applicationID) = (
                try row.decode(column: "organisation_id", as: UUID.self),
                try row.decode(column: "application_id", as: UUID.self)
            )
            if try row.decode(column: "by_administrators", as: Bool.self) {
                for person in directory.administrators {
                    counts[person.id!, default: (person, 0)].rights += try row.decode(column: "n", as: Int.self)
                }
                continue
            }
            let rights =
                try row.decode(column: "n", as: Int.self) - held["\(organisationID) \(applicationID)", default: 0]
            if rights > 0 { add(rights, organisationID: organisationID, applicationID: applicationID, holder: nil) }
        }
        let lastDay = RightValidity.lastDay(of: campaign.deadline)
        let notices = counts.values.sorted { $0.agent.lastName < $1.agent.lastName }.map { reviewer in
            let what = reviewer.rights == 1 ? "1 habilitation" : "\(reviewer.rights) habilitations"
            return Notifier.Notice(
                agentID: reviewer.agent.id!,
                message: stage == 0
                    ? "Revue des habilitations « \(campaign.name) » : \(what) à revoir d’ici le \(lastDay)."
                    : "Rappel — revue des habilitations « \(campaign.name) » : \(what) encore à revoir d’ici le "
                        + "\(lastDay).",
                link: Paths.accessReview(campaign.id!),
                mail: mails.reviewToDo(
                    to: reviewer.agent, campaign: campaign, rights: reviewer.rights, isReminder: stage > 0),
                key: "review:\(campaign.id!):stage-\(stage)")
        }
        try await notifier.notifyAll(notices, on: transaction)
        if stage > 0 {
            try await audit.record(
                .reviewReminded, by: .system, target: ("review", campaign.id!.uuidString),
                details: ["stage": String(stage), "reviewers": String(notices.count)], on: transaction)
        }
    }
}

/// Which review items a person reviews, as SQL over `review_items`. Administrators review the rights they
/// withdraw and, as with requests, those of organismes where no other correspondent covers the application;
/// a correspondent reviews the other rights of their organismes and applications; nobody reviews their own.
struct ReviewScope {
    let user: CurrentUser
    /// An administrator looking at one organisme sees all of its items.
    var organisationID: UUID?

    init(_ user: CurrentUser, organisationID: UUID? = nil) {
        self.user = user
        self.organisationID = user.isAdministrator ? organisationID : nil
    }

    func condition(table: String) -> SQLQueryString {
        var either: [SQLQueryString] = []
        if user.isAdministrator {
            if let organisationID {
                either.append("\(ident: table).organisation_id = \(bind: organisationID)")
            } else {
                either.append("\(ident: table).by_administrators = true")
                either.append(
                    """
                    NOT EXISTS (SELECT 1 FROM correspondents c JOIN agents ca ON ca.id = c.agent_id
                        WHERE c.organisation_id = \(ident: table).organisation_id AND ca.status = 'active'
                        AND c.agent_id <> \(ident: table).agent_id
                        AND (NOT EXISTS (SELECT 1 FROM correspondent_scopes s WHERE s.correspondent_id = c.id)
                            OR EXISTS (SELECT 1 FROM correspondent_scopes s WHERE s.correspondent_id = c.id
                                AND s.application_id = \(ident: table).application_id)))
                    """)
            }
        } else {
            for designation in user.designations {
                var mine: SQLQueryString = """
                    \(ident: table).by_administrators = false \
                    AND \(ident: table).organisation_id = \(bind: designation.organisationID)
                    """
                if !designation.applicationIDs.isEmpty {
                    mine += " AND \(ident: table).application_id IN (\(binds: designation.applicationIDs))"
                }
                either.append("(\(mine))")
            }
        }
        let reviewers = either.isEmpty ? "1 = 0" : either.joined(separator: " OR ")
        return "\(ident: table).agent_id <> \(bind: user.id) AND (\(reviewers))"
    }
}
