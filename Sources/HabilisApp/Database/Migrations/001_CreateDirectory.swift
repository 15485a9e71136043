import Fluent
import SQLKit

/// Organisations, accounts, applications and correspondents: the directory every other table refers to.
struct CreateDirectory: AsyncMigration {
    var name: String { "001_CreateDirectory" }

    func prepare(on database: any Database) async throws {
        try await database.schema("organisations")
            .id()
            .field("code", .string, .required)
            .field("name", .string, .required)
            .field("branch", .string, .required)
            .field("mail_domains", .string, .required)
            .field("is_active", .bool, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "code")
            .create()
        try await database.schema("agents")
            .id()
            .field("email", .string, .required)
            .field("password_hash", .string, .required)
            .field("civility", .string, .required)
            .field("first_name", .string, .required)
            .field("last_name", .string, .required)
            .field("birth_name", .string)
            .field("organisation_id", .uuid, .required, .references("organisations", "id"))
            .field("second_organisation_id", .uuid, .references("organisations", "id"))
            .field("contact_email", .string)
            .field("phone", .string)
            .field("is_director", .bool, .required)
            .field("is_administrator", .bool, .required)
            .field("status", .string, .required)
            .field("created_at", .datetime, .required)
            .field("last_sign_in_at", .datetime)
            .unique(on: "email")
            .create()
        try await database.schema("applications")
            .id()
            .field("code", .string, .required)
            .field("name", .string, .required)
            .field("description", .string, .required)
            .field("launch_url", .string, .required)
            .field("access_mode", .string, .required)
            .field("is_active", .bool, .required)
            .field("position", .int, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "code")
            .create()
        try await database.schema("correspondents")
            .id()
            .field("agent_id", .uuid, .required, .references("agents", "id"))
            .field("organisation_id", .uuid, .required, .references("organisations", "id"))
            .field("created_at", .datetime, .required)
            .unique(on: "agent_id", "organisation_id")
            .create()
        try await database.schema("correspondent_scopes")
            .id()
            .field("correspondent_id", .uuid, .required, .references("correspondents", "id", onDelete: .cascade))
            .field("application_id", .uuid, .required, .references("applications", "id"))
            .unique(on: "correspondent_id", "application_id")
            .create()
        let sql = database as! any SQLDatabase
        try await sql.raw("CREATE INDEX agents_organisation_idx ON agents (organisation_id, last_name)").run()
        try await sql.raw("CREATE INDEX correspondents_organisation_idx ON correspondents (organisation_id)").run()
    }

    func revert(on database: any Database) async throws {
        for table in ["correspondent_scopes", "correspondents", "applications", "agents", "organisations"] {
            try await database.schema(table).delete()
        }
    }
}
