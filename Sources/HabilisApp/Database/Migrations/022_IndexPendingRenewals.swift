import Fluent
import SQLKit

/// « Mes habilitations » shows, for each right, the renewal asked for it and still pending. Without an index the
/// database looked for it among every pending request, once per right: 10 ms a right at federation scale, the
/// history page down to 48 a second on PostgreSQL. Pending requests only, as the other indexes of the queue.
struct IndexPendingRenewals: AsyncMigration {
    var name: String { "022_IndexPendingRenewals" }

    func prepare(on database: any Database) async throws {
        try await (database as! any SQLDatabase).raw(
            """
            CREATE INDEX access_requests_renewal_idx ON access_requests (renews_grant_id) WHERE status = 'pending'
            """
        ).run()
    }

    func revert(on database: any Database) async throws {
        try await (database as! any SQLDatabase).raw("DROP INDEX access_requests_renewal_idx").run()
    }
}
