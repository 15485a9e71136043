import Fluent
import SQLKit

/// Absences and deputies (issue 19): a correspondent away for a period, with or without a deputy who decides in
/// their place; and, on each decision, the correspondent its decider stood in for.
struct CreateAbsences: AsyncMigration {
    var name: String { "019_CreateAbsences" }

    func prepare(on database: any Database) async throws {
        try await database.schema("absences")
            .id()
            .field("agent_id", .uuid, .required, .references("agents", "id", onDelete: .cascade))
            // From midnight in Paris on the first day to midnight after the last.
            .field("starts_at", .datetime, .required)
            .field("ends_at", .datetime, .required)
            .field("deputy_id", .uuid, .references("agents", "id", onDelete: .setNull))
            .field("created_by_id", .uuid, .references("agents", "id", onDelete: .setNull))
            .field("created_at", .datetime, .required)
            // When the sweep routed again the pending requests of the absent person's organismes.
            .field("rerouted_at", .datetime)
            .create()
        try await database.schema("access_requests").field("deputy_of_id", .uuid).update()
        try await database.schema("review_items").field("deputy_of_id", .uuid).update()
        let sql = database as! any SQLDatabase
        // Every page of a deputy reads whom they stand in for; routing reads who is away.
        try await sql.raw("CREATE INDEX absences_deputy_idx ON absences (deputy_id, ends_at)").run()
        try await sql.raw("CREATE INDEX absences_agent_idx ON absences (agent_id, ends_at)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("review_items").deleteField("deputy_of_id").update()
        try await database.schema("access_requests").deleteField("deputy_of_id").update()
        try await database.schema("absences").delete()
    }
}
