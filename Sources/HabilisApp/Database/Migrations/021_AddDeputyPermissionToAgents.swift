import Fluent

/// Agents the administration allows to stand in for an absent correspondent of their organisme (issue 19): a
/// correspondent may then name them as deputy, as well as another correspondent.
struct AddDeputyPermissionToAgents: AsyncMigration {
    var name: String { "021_AddDeputyPermissionToAgents" }

    func prepare(on database: any Database) async throws {
        try await database.schema("agents").field("may_deputise", .bool, .sql(.default(false))).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("agents").deleteField("may_deputise").update()
    }
}
