import Fluent
import SQLKit

/// Second factor (TOTP) of the accounts that set one up, and the sign-ins waiting for their code.
struct CreateSecondFactors: AsyncMigration {
    var name: String { "010_CreateSecondFactors" }

    func prepare(on database: any Database) async throws {
        try await database.schema(SecondFactor.schema)
            .id()
            .field("agent_id", .uuid, .required, .references("agents", "id", onDelete: .cascade))
            .field("secret", .string, .required)
            .field("created_at", .datetime, .required)
            .field("confirmed_at", .datetime)
            .field("last_used_step", .int64)
            .unique(on: "agent_id")
            .create()
        try await database.schema(SecondFactorChallenge.schema)
            .id()
            .field("agent_id", .uuid, .required, .references("agents", "id", onDelete: .cascade))
            .field("token_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("failed_attempts", .int, .required)
            .unique(on: "token_hash")
            .create()
        try await (database as! any SQLDatabase)
            .raw("CREATE INDEX second_factor_challenges_agent_idx ON second_factor_challenges (agent_id)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(SecondFactorChallenge.schema).delete()
        try await database.schema(SecondFactor.schema).delete()
    }
}
