import Fluent

/// Budgets that slow down instead of shutting the door (issue 20) keep the instant their next attempt may pass.
struct AddSlowdownToThrottleBuckets: AsyncMigration {
    var name: String { "011_AddSlowdownToThrottleBuckets" }

    func prepare(on database: any Database) async throws {
        try await database.schema("throttle_buckets").field("next_allowed_at", .datetime).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("throttle_buckets").deleteField("next_allowed_at").update()
    }
}
