import Fluent
import Foundation
import SQLKit

/// What "Mes habilitations" reads, each list in one statement written as SQL text, the history with its size: the
/// page is visited often and the history of an agent can be long, so neither list pays per-row queries or model
/// decoding.
enum MyRightsRecords {
    /// One request of the history with its application and decider.
    struct HistoryEntry: Sendable {
        let id: UUID
        let applicationName: String
        let status: AccessRequest.Status
        let createdAt: Date
        let decidedAt: Date?
        let deciderName: String?
        let refusalReason: String?
    }

    /// One current right with its application, who granted it and the request it came from.
    struct GrantEntry: Sendable {
        let applicationName: String
        let applicationCode: String
        let grantedAt: Date
        let granterName: String?
        let requestStatus: AccessRequest.Status?
        let grantID: UUID
        let expiresAt: Date?
        /// The pending request that renews it, if one was sent.
        let renewalID: UUID?
    }

    /// One page of the history and the number of the agent's requests.
    struct HistoryPage: Sendable {
        let entries: [HistoryEntry]
        let total: Int
    }

    /// Page `number` (from 1) of the agent's requests, newest first, with their number (`CountedPage`).
    static func history(
        of agentID: UUID, page number: Int, perPage: Int, on database: any Database
    ) async throws -> HistoryPage {
        let sql = database as! any SQLDatabase
        let page = try await CountedPage.read(
            page: number, perPage: perPage,
            rows: { offset in
                try await sql.prepared(
                    """
                    SELECT r.id, r.status, r.created_at, r.decided_at, r.refusal_reason,
                        \(RightName.sql(application: "ap", profile: "pr")) AS application_name,
                        d.first_name AS decider_first_name,
                        d.last_name AS decider_last_name, ds.first_name AS deputised_first_name,
                        ds.last_name AS deputised_last_name,
                        (SELECT COUNT(*) FROM access_requests q WHERE q.agent_id = \(bind: agentID)) AS total
                    FROM access_requests r
                    JOIN applications ap ON ap.id = r.application_id
                    LEFT JOIN application_profiles pr ON pr.id = r.profile_id
                    LEFT JOIN agents d ON d.id = r.decided_by_id
                    LEFT JOIN agents ds ON ds.id = r.deputy_of_id
                    WHERE r.agent_id = \(bind: agentID)
                    ORDER BY r.created_at DESC
                    LIMIT \(bind: perPage) OFFSET \(bind: offset)
                    """
                ).all()
            },
            count: {
                try await sql.prepared(
                    "SELECT COUNT(*) AS total FROM access_requests WHERE agent_id = \(bind: agentID)"
                )
                .first()?.decode(column: "total", as: Int.self) ?? 0
            })
        return HistoryPage(
            entries: try page.rows.map { row in
                HistoryEntry(
                    id: try row.decode(column: "id", as: UUID.self),
                    applicationName: try row.decode(column: "application_name", as: String.self),
                    status: try row.decode(column: "status", as: AccessRequest.Status.self),
                    createdAt: try row.decode(column: "created_at", as: Date.self),
                    decidedAt: try row.decode(column: "decided_at", as: Date?.self),
                    // « Paul Martin, en suppléance de Marie Durand » for a deputy's decision.
                    deciderName: try row.personName(prefix: "decider").map { decider in
                        try row.personName(prefix: "deputised").map { "\(decider), en suppléance de \($0)" } ?? decider
                    },
                    refusalReason: try row.decode(column: "refusal_reason", as: String?.self))
            },
            total: page.total)
    }

    /// The agent's rights not revoked, newest first.
    static func grants(of agentID: UUID, on database: any Database) async throws -> [GrantEntry] {
        try await (database as! any SQLDatabase).prepared(
            """
            SELECT g.id, g.granted_at, g.expires_at, \(RightName.sql(application: "ap", profile: "pr")) AS application_name,
                ap.code AS application_code,
                b.first_name AS granter_first_name, b.last_name AS granter_last_name, r.status AS request_status,
                (SELECT p.id FROM access_requests p WHERE p.renews_grant_id = g.id AND p.status = 'pending' LIMIT 1)
                    AS renewal_id
            FROM grants g
            JOIN applications ap ON ap.id = g.application_id
            LEFT JOIN application_profiles pr ON pr.id = g.profile_id
            LEFT JOIN agents b ON b.id = g.granted_by_id
            LEFT JOIN access_requests r ON r.id = g.access_request_id
            WHERE g.agent_id = \(bind: agentID) AND g.revoked_at IS NULL
            ORDER BY g.granted_at DESC
            """
        ).all().map { row in
            GrantEntry(
                applicationName: try row.decode(column: "application_name", as: String.self),
                applicationCode: try row.decode(column: "application_code", as: String.self),
                grantedAt: try row.decode(column: "granted_at", as: Date.self),
                granterName: try row.personName(prefix: "granter"),
                requestStatus: try row.decode(column: "request_status", as: AccessRequest.Status?.self),
                grantID: try row.decode(column: "id", as: UUID.self),
                expiresAt: try row.decode(column: "expires_at", as: Date?.self),
                renewalID: try row.decode(column: "renewal_id", as: UUID?.self))
        }
    }
}
