import Fluent
import SQLKit

/// What a directory feed (SCIM, issue 16) keeps on an account: its identifier in that directory, the feed that
/// masters its identity, and when the account last changed.
struct AddDirectoryFeedToAgents: AsyncMigration {
    var name: String { "015_AddDirectoryFeedToAgents" }

    func prepare(on database: any Database) async throws {
        // One column per statement: SQLite adds one at a time.
        try await database.schema("agents").field("external_id", .string).update()
        try await database.schema("agents").field("identity_source", .string).update()
        try await database.schema("agents").field("updated_at", .datetime).update()
        try await (database as! any SQLDatabase).raw("CREATE INDEX agents_external_id_idx ON agents (external_id)")
            .run()
    }

    func revert(on database: any Database) async throws {
        try await (database as! any SQLDatabase).raw("DROP INDEX agents_external_id_idx").run()
        for column in ["external_id", "identity_source", "updated_at"] {
            try await database.schema("agents").deleteField(.key(.string(column))).update()
        }
    }
}
