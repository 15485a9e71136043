import Fluent
import SQLKit

/// The rights export reads all rights oldest first, a page at a time, from this index: without it each page sorted
/// the whole table. New rights land at its end, so the sweep's inserts stay cheap.
struct IndexRightsExport: AsyncMigration {
    var name: String { "007_IndexRightsExport" }

    func prepare(on database: any Database) async throws {
        try await (database as! any SQLDatabase).raw("CREATE INDEX grants_granted_idx ON grants (granted_at, id)").run()
    }

    func revert(on database: any Database) async throws {
        try await (database as! any SQLDatabase).raw("DROP INDEX grants_granted_idx").run()
    }
}
