import Fluent
import SQLKit

/// Account requests, access requests and rights, with the indexes the queues and the sweep read.
struct CreateRequestsAndGrants: AsyncMigration {
    var name: String { "002_CreateRequestsAndGrants" }

    func prepare(on database: any Database) async throws {
        try await database.schema("account_requests")
            .id()
            .field("email", .string, .required)
            .field("civility", .string, .required)
            .field("first_name", .string, .required)
            .field("last_name", .string, .required)
            .field("birth_name", .string)
            .field("organisation_id", .uuid, .required, .references("organisations", "id"))
            .field("second_organisation_id", .uuid, .references("organisations", "id"))
            .field("phone", .string)
            .field("contact_email", .string)
            .field("password_hash", .string, .required)
            .field("status", .string, .required)
            .field("routed_to", .string, .required)
            .field("proof_token_hash", .string, .required)
            .field("proof_expires_at", .datetime, .required)
            .field("outside_mail_domains", .bool, .required)
            .field("created_at", .datetime, .required)
            .field("proven_at", .datetime)
            .field("decided_at", .datetime)
            .field("decided_by_id", .uuid, .references("agents", "id"))
            .field("refusal_reason", .string)
            .field("escalated_at", .datetime)
            .unique(on: "proof_token_hash")
            .create()
        try await database.schema("access_requests")
            .id()
            .field("agent_id", .uuid, .required, .references("agents", "id"))
            .field("application_id", .uuid, .required, .references("applications", "id"))
            .field("organisation_id", .uuid, .required, .references("organisations", "id"))
            .field("justification", .string)
            .field("status", .string, .required)
            .field("routed_to", .string, .required)
            .field("created_at", .datetime, .required)
            .field("due_at", .datetime, .required)
            .field("decided_at", .datetime)
            .field("decided_by_id", .uuid, .references("agents", "id"))
            .field("refusal_reason", .string)
            .field("reminded_at", .datetime)
            .create()
        try await database.schema("grants")
            .id()
            .field("agent_id", .uuid, .required, .references("agents", "id"))
            .field("application_id", .uuid, .required, .references("applications", "id"))
            .field("granted_at", .datetime, .required)
            .field("granted_by_id", .uuid, .references("agents", "id"))
            .field("access_request_id", .uuid, .references("access_requests", "id"))
            .field("revoked_at", .datetime)
            .field("revoked_by_id", .uuid, .references("agents", "id"))
            .field("revocation_reason", .string)
            .create()
        let sql = database as! any SQLDatabase
        for statement in [
            "CREATE INDEX account_requests_queue_idx ON account_requests (status, routed_to, organisation_id, created_at)",
            "CREATE INDEX account_requests_email_idx ON account_requests (email, status)",
            // The history of an agent, newest first.
            "CREATE INDEX access_requests_agent_idx ON access_requests (agent_id, created_at)",
            // The queue of a correspondent and the sweep: pending requests by organisme and due date.
            "CREATE INDEX access_requests_queue_idx ON access_requests (status, routed_to, organisation_id, due_at)",
            "CREATE INDEX access_requests_due_idx ON access_requests (status, due_at)",
            // At most one pending request per agent and application.
            "CREATE UNIQUE INDEX access_requests_one_pending_idx ON access_requests (agent_id, application_id) WHERE status = 'pending'",
            // At most one active right per agent and application: the sweep and a human can never grant twice.
            "CREATE UNIQUE INDEX grants_one_active_idx ON grants (agent_id, application_id) WHERE revoked_at IS NULL",
            "CREATE INDEX grants_agent_idx ON grants (agent_id, granted_at)",
            "CREATE INDEX grants_application_idx ON grants (application_id)",
        ] {
            try await sql.raw(SQLQueryString(statement)).run()
        }
    }

    func revert(on database: any Database) async throws {
        for table in ["grants", "access_requests", "account_requests"] {
            try await database.schema(table).delete()
        }
    }
}
