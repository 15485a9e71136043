import Fluent
import SQLKit

/// The subscribers export reads a newsletter's subscribers in the order they subscribed, a page at a time, from
/// this index; it replaces the index on `newsletter_id` alone, which it extends.
struct IndexSubscribersExport: AsyncMigration {
    var name: String { "008_IndexSubscribersExport" }

    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.raw("DROP INDEX subscriptions_newsletter_idx").run()
        try await sql.raw(
            "CREATE INDEX subscriptions_newsletter_idx ON subscriptions (newsletter_id, subscribed_at, id)"
        )
        .run()
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.raw("DROP INDEX subscriptions_newsletter_idx").run()
        try await sql.raw("CREATE INDEX subscriptions_newsletter_idx ON subscriptions (newsletter_id)").run()
    }
}
