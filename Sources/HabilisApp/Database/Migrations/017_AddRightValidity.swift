import Fluent
import SQLKit

/// Time-limited rights (issue 19): an application's maximum validity, each right's end date and the notices sent
/// before it, and the right a renewal request renews.
struct AddRightValidity: AsyncMigration {
    var name: String { "017_AddRightValidity" }

    func prepare(on database: any Database) async throws {
        // One column per statement: SQLite alters a table one column at a time.
        try await database.schema("applications").field("max_validity_months", .int).update()
        try await database.schema("grants").field("expires_at", .datetime).update()
        try await database.schema("grants").field("expiry_notices", .int, .sql(.default(0))).update()
        try await database.schema("access_requests").field("renews_grant_id", .uuid).update()
        // The sweep's notices and endings read the rights that will end, and only those.
        try await (database as! any SQLDatabase).raw(
            "CREATE INDEX grants_expiry_idx ON grants (expires_at) WHERE revoked_at IS NULL AND expires_at IS NOT NULL"
        ).run()
    }

    func revert(on database: any Database) async throws {
        try await (database as! any SQLDatabase).raw("DROP INDEX grants_expiry_idx").run()
        try await database.schema("access_requests").deleteField("renews_grant_id").update()
        try await database.schema("grants").deleteField("expiry_notices").update()
        try await database.schema("grants").deleteField("expires_at").update()
        try await database.schema("applications").deleteField("max_validity_months").update()
    }
}
