import Fluent
import SQLKit

/// Organismes of Alsace-Moselle, whose working days also exclude Good Friday and 26 December (issue 19).
struct AddAlsaceMoselleToOrganisations: AsyncMigration {
    var name: String { "016_AddAlsaceMoselleToOrganisations" }

    func prepare(on database: any Database) async throws {
        try await database.schema("organisations").field("alsace_moselle", .bool, .sql(.default(false))).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("organisations").deleteField("alsace_moselle").update()
    }
}
