import Fluent
import SQLKit

/// A code that comes back while its first exchange is still writing its tokens finds no sign-in to revoke yet.
/// The replay now marks the code, and the first exchange gives its tokens up when it finds the mark.
struct AddCodeReplayMark: AsyncMigration {
    var name: String { "024_AddCodeReplayMark" }

    func prepare(on database: any Database) async throws {
        try await database.schema("oidc_authorization_codes").field("replayed_at", .datetime).update()
    }

    func revert(on database: any Database) async throws {
        // Raw: Fluent's SQLite driver skips dropping a column.
        try await (database as! any SQLDatabase).raw("ALTER TABLE oidc_authorization_codes DROP COLUMN replayed_at")
            .run()
    }
}
