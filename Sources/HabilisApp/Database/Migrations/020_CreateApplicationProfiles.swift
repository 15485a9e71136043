import Fluent
import SQLKit

/// Profiles within an application (issue 19): « Consultation », « Rédaction »… A right and a request name the
/// profile; an application without profiles keeps rights and requests without one, as before.
struct CreateApplicationProfiles: AsyncMigration {
    var name: String { "020_CreateApplicationProfiles" }

    func prepare(on database: any Database) async throws {
        try await database.schema("application_profiles")
            .id()
            .field("application_id", .uuid, .required, .references("applications", "id"))
            .field("code", .string, .required)
            .field("label", .string, .required)
            .field("description", .string, .required)
            .field("position", .int, .required)
            .field("is_default", .bool, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "application_id", "code")
            .create()
        // Granted, a request for another profile replaces the profile held, or adds to it.
        try await database.schema("applications")
            .field("profile_change", .string, .required, .sql(.default("replace"))).update()
        try await database.schema("grants")
            .field("profile_id", .uuid, .references("application_profiles", "id")).update()
        try await database.schema("access_requests")
            .field("profile_id", .uuid, .references("application_profiles", "id")).update()
        let sql = database as! any SQLDatabase
        // One active right per agent, application and profile. A right without profile counts as the profile whose
        // id is the application's: still one per agent and application when the application defines none.
        try await sql.raw("DROP INDEX grants_one_active_idx").run()
        try await sql.raw(
            """
            CREATE UNIQUE INDEX grants_one_active_idx ON grants
              (agent_id, application_id, (COALESCE(profile_id, application_id))) WHERE revoked_at IS NULL
            """
        ).run()
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.raw("DROP INDEX grants_one_active_idx").run()
        try await sql.raw(
            "CREATE UNIQUE INDEX grants_one_active_idx ON grants (agent_id, application_id) WHERE revoked_at IS NULL"
        ).run()
        try await database.schema("access_requests").deleteField("profile_id").update()
        try await database.schema("grants").deleteField("profile_id").update()
        try await database.schema("applications").deleteField("profile_change").update()
        try await database.schema("application_profiles").delete()
    }
}
