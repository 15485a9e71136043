import Fluent
import SQLKit

/// Sessions, reset tokens, throttling, outbox, audit trail and stored settings: the state every instance shares.
struct CreatePlatformTables: AsyncMigration {
    var name: String { "004_CreatePlatformTables" }

    func prepare(on database: any Database) async throws {
        try await database.schema("user_sessions")
            .id()
            .field("token_hash", .string, .required)
            .field("agent_id", .uuid, .required, .references("agents", "id", onDelete: .cascade))
            .field("csrf_token", .string, .required)
            .field("created_at", .datetime, .required)
            .field("last_seen_at", .datetime, .required)
            .field("ip", .string)
            .unique(on: "token_hash")
            .create()
        try await database.schema("password_reset_tokens")
            .id()
            .field("agent_id", .uuid, .required, .references("agents", "id", onDelete: .cascade))
            .field("token_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .unique(on: "token_hash")
            .create()
        try await database.schema("throttle_buckets")
            .id()
            .field("bucket_key", .string, .required)
            .field("window_started_at", .datetime, .required)
            .field("attempts", .int, .required)
            .unique(on: "bucket_key")
            .create()
        try await database.schema("outbox_messages")
            .id()
            .field("dedupe_key", .string, .required)
            .field("recipient", .string, .required)
            .field("subject", .string, .required)
            .field("text_body", .string, .required)
            .field("html_body", .string, .required)
            .field("status", .string, .required)
            .field("attempts", .int, .required)
            .field("next_attempt_at", .datetime, .required)
            .field("claimed_at", .datetime)
            .field("last_error", .string)
            .field("created_at", .datetime, .required)
            .field("sent_at", .datetime)
            .unique(on: "dedupe_key")
            .create()
        try await database.schema("audit_events")
            .id()
            .field("occurred_at", .datetime, .required)
            .field("actor_id", .uuid)
            .field("action", .string, .required)
            .field("outcome", .string, .required)
            .field("target_type", .string)
            .field("target_id", .string)
            .field("organisation_id", .uuid)
            .field("ip", .string)
            .field("details", .string, .required)
            .create()
        try await database.schema("settings")
            .id()
            .field("setting_key", .string, .required)
            .field("value", .string, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "setting_key")
            .create()
        let sql = database as! any SQLDatabase
        for statement in [
            "CREATE INDEX user_sessions_agent_idx ON user_sessions (agent_id)",
            "CREATE INDEX outbox_messages_due_idx ON outbox_messages (status, next_attempt_at)",
            "CREATE INDEX audit_events_time_idx ON audit_events (occurred_at)",
            "CREATE INDEX audit_events_actor_idx ON audit_events (actor_id, occurred_at)",
            "CREATE INDEX audit_events_organisation_idx ON audit_events (organisation_id, occurred_at)",
        ] {
            try await sql.raw(SQLQueryString(statement)).run()
        }
    }

    func revert(on database: any Database) async throws {
        for table in [
            "settings", "audit_events", "outbox_messages", "throttle_buckets", "password_reset_tokens", "user_sessions",
        ] {
            try await database.schema(table).delete()
        }
    }
}
