import Fluent
import Foundation
import SQLKit

/// One active application of the catalogue with where the agent stands: right held, request pending, or neither.
/// Read in one statement: the catalogue is the most visited page, so it pays one round trip and no model decoding.
struct CatalogueEntry: Sendable {
    let code: String
    let name: String
    let description: String
    private(set) var isHeld: Bool
    /// The end of the right held (the first to end, of several profiles), when it ends by itself.
    private(set) var heldUntil: Date?
    /// The labels of the profiles held, in the application's order.
    private(set) var heldProfiles: [String] = []
    /// How many profiles the application defines (0: none).
    let profileCount: Int
    let pendingRequest: PendingRequest?

    /// Whether the agent may ask for a profile of the application they do not hold yet.
    var offersAnotherProfile: Bool { isHeld && heldProfiles.count < profileCount && pendingRequest == nil }

    /// The agent's pending request for this application (at most one, by a unique index).
    struct PendingRequest: Sendable {
        let id: UUID
        let createdAt: Date
        let dueAt: Date
    }

    /// Columns are read by name: a `Decodable` conversion of keys costs more than the query itself.
    init(_ row: any SQLRow) throws {
        code = try row.decode(column: "code", as: String.self)
        name = try row.decode(column: "name", as: String.self)
        description = try row.decode(column: "description", as: String.self)
        isHeld = try row.decode(column: "is_held", as: Bool.self)
        heldUntil = try row.decode(column: "held_until", as: Date?.self)
        profileCount = try row.decode(column: "profile_count", as: Int?.self) ?? 0
        if let profile = try row.decode(column: "held_profile", as: String?.self) { heldProfiles = [profile] }
        pendingRequest = try row.decode(column: "request_id", as: UUID?.self).map { id in
            PendingRequest(
                id: id, createdAt: try row.decode(column: "request_created_at", as: Date.self),
                dueAt: try row.decode(column: "request_due_at", as: Date.self))
        }
    }

    /// Every active application in catalogue order (position, then name). The pending request is matched with
    /// `status = 'pending'` written literally, so that SQLite uses the partial index of pending requests. An agent
    /// holding several profiles of an application gives one row per profile, folded here into one entry.
    static func all(for agentID: UUID, on database: any Database) async throws -> [CatalogueEntry] {
        let query: SQLQueryString = """
            SELECT ap.code, ap.name, ap.description, g.id IS NOT NULL AS is_held, g.expires_at AS held_until,
                gp.label AS held_profile, pc.profile_count,
                r.id AS request_id, r.created_at AS request_created_at, r.due_at AS request_due_at
            FROM applications ap
            LEFT JOIN grants g ON g.application_id = ap.id AND g.agent_id = \(bind: agentID) AND g.revoked_at IS NULL
            LEFT JOIN application_profiles gp ON gp.id = g.profile_id
            LEFT JOIN (SELECT application_id, COUNT(*) AS profile_count FROM application_profiles
                GROUP BY application_id) pc ON pc.application_id = ap.id
            LEFT JOIN access_requests r ON r.application_id = ap.id AND r.agent_id = \(bind: agentID)
                AND r.status = 'pending'
            WHERE ap.is_active = \(SQLLiteral.boolean(true))
            ORDER BY ap.position, ap.name, ap.code, gp.position
            """
        var entries: [CatalogueEntry] = []
        for row in try await (database as! any SQLDatabase).prepared(query).all() {
            let entry = try CatalogueEntry(row)
            if let last = entries.last, last.code == entry.code {
                entries[entries.count - 1].heldProfiles += entry.heldProfiles
                if let until = entry.heldUntil {
                    entries[entries.count - 1].heldUntil = min(last.heldUntil ?? until, until)
                }
            } else {
                entries.append(entry)
            }
        }
        return entries
    }
}
