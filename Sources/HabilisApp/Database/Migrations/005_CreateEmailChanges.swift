import Fluent
import SQLKit

/// Pending changes of login e-mail, proven by a link sent to the new address.
struct CreateEmailChanges: AsyncMigration {
    var name: String { "005_CreateEmailChanges" }

    func prepare(on database: any Database) async throws {
        try await database.schema("email_changes")
            .id()
            .field("agent_id", .uuid, .required, .references("agents", "id", onDelete: .cascade))
            .field("new_email", .string, .required)
            .field("token_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .unique(on: "token_hash")
            .create()
        try await (database as! any SQLDatabase).raw("CREATE INDEX email_changes_agent_idx ON email_changes (agent_id)")
            .run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("email_changes").delete()
    }
}
