import Fluent
import SQLKit

/// Machine clients of the REST API and SCIM (issue 16): the client-credentials grant's clients, bound to one
/// application or federation-wide (`application_id` null); and the application an audit event concerns, so that an
/// application's client can read its own application's trail.
struct CreateMachineClients: AsyncMigration {
    var name: String { "013_CreateMachineClients" }

    func prepare(on database: any Database) async throws {
        try await database.schema("machine_clients")
            .id()
            .field("client_id", .string, .required)
            .field("application_id", .uuid, .references("applications", "id", onDelete: .cascade))
            .field("name", .string, .required)
            .field("secret_hash", .string, .required)
            .field("scopes", .string, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "client_id")
            .create()
        try await database.schema("audit_events").field("application_id", .uuid).update()
        let sql = database as! any SQLDatabase
        try await sql.raw("CREATE INDEX audit_events_application_idx ON audit_events (application_id, occurred_at)")
            .run()
        // The changes feed reads an application's grants and revocations by time.
        try await sql.raw("CREATE INDEX grants_application_granted_idx ON grants (application_id, granted_at)").run()
        try await sql.raw("CREATE INDEX grants_application_revoked_idx ON grants (application_id, revoked_at)").run()
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        for index in [
            "grants_application_revoked_idx", "grants_application_granted_idx", "audit_events_application_idx",
        ] {
            try await sql.raw("DROP INDEX \(unsafeRaw: index)").run()
        }
        try await database.schema("audit_events").deleteField("application_id").update()
        try await database.schema("machine_clients").delete()
    }
}
