import Fluent
import SQLKit

/// Indexes found by the benchmark at federation scale: the queue is read from its index alone (count, order and
/// scope without visiting the table), and the unread count of every page header only walks unread rows.
struct IndexHotPaths: AsyncMigration {
    var name: String { "006_IndexHotPaths" }

    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        for statement in [
            "DROP INDEX access_requests_queue_idx",
            """
            CREATE INDEX access_requests_queue_idx ON access_requests \
            (status, routed_to, organisation_id, due_at, created_at, agent_id, application_id)
            """,
            "CREATE INDEX notifications_unread_idx ON notifications (agent_id) WHERE read_at IS NULL",
        ] {
            try await sql.raw(SQLQueryString(statement)).run()
        }
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        for statement in [
            "DROP INDEX notifications_unread_idx",
            "DROP INDEX access_requests_queue_idx",
            "CREATE INDEX access_requests_queue_idx ON access_requests (status, routed_to, organisation_id, due_at)",
        ] {
            try await sql.raw(SQLQueryString(statement)).run()
        }
    }
}
