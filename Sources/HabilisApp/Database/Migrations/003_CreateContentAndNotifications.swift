import Fluent
import SQLKit

/// Newsletters, subscriptions, FAQ entries and in-portal notifications.
struct CreateContentAndNotifications: AsyncMigration {
    var name: String { "003_CreateContentAndNotifications" }

    func prepare(on database: any Database) async throws {
        try await database.schema("newsletters")
            .id()
            .field("title", .string, .required)
            .field("position", .int, .required)
            .field("is_active", .bool, .required)
            .create()
        try await database.schema("subscriptions")
            .id()
            .field("agent_id", .uuid, .required, .references("agents", "id"))
            .field("newsletter_id", .uuid, .required, .references("newsletters", "id"))
            .field("subscribed_at", .datetime, .required)
            .unique(on: "agent_id", "newsletter_id")
            .create()
        try await database.schema("faq_entries")
            .id()
            .field("question", .string, .required)
            .field("answer", .string, .required)
            .field("position", .int, .required)
            .field("is_active", .bool, .required)
            .create()
        try await database.schema("notifications")
            .id()
            .field("agent_id", .uuid, .required, .references("agents", "id"))
            .field("message", .string, .required)
            .field("link", .string)
            .field("created_at", .datetime, .required)
            .field("read_at", .datetime)
            .create()
        let sql = database as! any SQLDatabase
        try await sql.raw("CREATE INDEX notifications_agent_idx ON notifications (agent_id, created_at)").run()
        try await sql.raw("CREATE INDEX subscriptions_newsletter_idx ON subscriptions (newsletter_id)").run()
    }

    func revert(on database: any Database) async throws {
        for table in ["notifications", "faq_entries", "subscriptions", "newsletters"] {
            try await database.schema(table).delete()
        }
    }
}
