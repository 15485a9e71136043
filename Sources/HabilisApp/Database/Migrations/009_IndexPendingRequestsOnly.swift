import Fluent
import SQLKit

/// The queue and the sweep only ever read pending requests, so their indexes hold only those: a decision then
/// removes a request from them instead of moving it inside them, which saves two index writes per acceptance of the
/// sweep, and the indexes stay the size of the pending work rather than of the history. The audit trail is searched
/// by actor only for people, so the events of the system (the sweep's) stay out of the actor index.
/// Queries repeat the conditions literally (`AccessRequest.isPending`), as SQLite needs to use partial indexes.
struct IndexPendingRequestsOnly: AsyncMigration {
    var name: String { "009_IndexPendingRequestsOnly" }

    func prepare(on database: any Database) async throws {
        try await run(
            [
                "DROP INDEX access_requests_queue_idx",
                """
                CREATE INDEX access_requests_queue_idx ON access_requests \
                (routed_to, organisation_id, due_at, created_at, agent_id, application_id) WHERE status = 'pending'
                """,
                "DROP INDEX access_requests_due_idx",
                "CREATE INDEX access_requests_due_idx ON access_requests (due_at) WHERE status = 'pending'",
                "DROP INDEX audit_events_actor_idx",
                """
                CREATE INDEX audit_events_actor_idx ON audit_events (actor_id, occurred_at) \
                WHERE actor_id IS NOT NULL
                """,
            ], on: database)
    }

    func revert(on database: any Database) async throws {
        try await run(
            [
                "DROP INDEX audit_events_actor_idx",
                "CREATE INDEX audit_events_actor_idx ON audit_events (actor_id, occurred_at)",
                "DROP INDEX access_requests_due_idx",
                "CREATE INDEX access_requests_due_idx ON access_requests (status, due_at)",
                "DROP INDEX access_requests_queue_idx",
                """
                CREATE INDEX access_requests_queue_idx ON access_requests \
                (status, routed_to, organisation_id, due_at, created_at, agent_id, application_id)
                """,
            ], on: database)
    }

    /// In one transaction, so that an index is never left dropped.
    private func run(_ statements: [String], on database: any Database) async throws {
        try await database.transaction { transaction in
            let sql = transaction as! any SQLDatabase
            for statement in statements { try await sql.raw(SQLQueryString(statement)).run() }
        }
    }
}
