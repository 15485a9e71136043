import Fluent
import Foundation
import SQLKit

/// How pages, lists and exports name a right: « Accords locaux (Rédaction) » with a profile, « Grève » without.
enum RightName {
    static func of(_ application: String, profile: String?) -> String {
        profile.map { "\(application) (\($0))" } ?? application
    }

    /// The same in SQL, from the application's and the profile's table aliases (the profile's joined with LEFT
    /// JOIN): `||` with NULL gives NULL in PostgreSQL and SQLite alike.
    static func sql(application: String, profile: String) -> SQLQueryString {
        "\(unsafeRaw: application).name || COALESCE(' (' || \(unsafeRaw: profile).label || ')', '')"
    }

    /// The rights each of `agentIDs` holds now, named, in catalogue order: one statement for a page of agents.
    static func held(by agentIDs: [UUID], on database: any Database) async throws -> [UUID: [String]] {
        guard !agentIDs.isEmpty else { return [:] }
        let rows = try await (database as! any SQLDatabase).raw(
            """
            SELECT g.agent_id, \(sql(application: "ap", profile: "pr")) AS name FROM grants g
            JOIN applications ap ON ap.id = g.application_id
            LEFT JOIN application_profiles pr ON pr.id = g.profile_id
            WHERE g.revoked_at IS NULL AND \(SQLIDList(SQLColumn("agent_id", table: "g"), in: agentIDs))
            ORDER BY ap.position, ap.name, pr.position
            """
        ).all()
        var held: [UUID: [String]] = [:]
        for row in rows {
            held[try row.decode(column: "agent_id", as: UUID.self), default: []].append(
                try row.decode(column: "name", as: String.self))
        }
        return held
    }
}
