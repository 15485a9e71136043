import Fluent
import SQLKit

/// Change events to the applications (issue 16): each application's endpoints, and the deliveries waiting, sent or
/// failed. A delivery's id is a database sequence: the order of the events of one agent is the order of their ids.
struct CreateWebhooks: AsyncMigration {
    var name: String { "014_CreateWebhooks" }

    func prepare(on database: any Database) async throws {
        try await database.schema("webhook_endpoints")
            .id()
            .field("application_id", .uuid, .required, .references("applications", "id", onDelete: .cascade))
            .field("url", .string, .required)
            .field("secret", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.schema("webhook_deliveries")
            .field("id", .int64, .identifier(auto: true))
            .field("message_id", .string, .required)
            .field("endpoint_id", .uuid, .required, .references("webhook_endpoints", "id", onDelete: .cascade))
            .field("agent_id", .uuid, .required)
            .field("event_type", .string, .required)
            .field("payload", .string, .required)
            .field("status", .string, .required)
            .field("attempts", .int, .required)
            .field("next_attempt_at", .datetime, .required)
            .field("claimed_at", .datetime)
            .field("response_status", .int)
            .field("response_body", .string)
            .field("last_error", .string)
            .field("created_at", .datetime, .required)
            .field("sent_at", .datetime)
            .create()
        let sql = database as! any SQLDatabase
        try await sql.raw("CREATE INDEX webhook_endpoints_application_idx ON webhook_endpoints (application_id)").run()
        // The dispatcher reads what is due; the order check reads one agent's deliveries to one endpoint.
        try await sql.raw("CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (status, next_attempt_at)")
            .run()
        try await sql.raw("CREATE INDEX webhook_deliveries_agent_idx ON webhook_deliveries (endpoint_id, agent_id, id)")
            .run()
        try await sql.raw("CREATE INDEX webhook_deliveries_time_idx ON webhook_deliveries (created_at)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("webhook_deliveries").delete()
        try await database.schema("webhook_endpoints").delete()
    }
}
