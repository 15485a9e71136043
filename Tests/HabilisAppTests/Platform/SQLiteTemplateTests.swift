import Fluent
import SQLKit
import Testing
import Vapor

@testable import HabilisApp

@Suite("The SQLite tests' schema: copied from one migrated database, the same as migrating")
struct SQLiteTemplateTests {
    /// Every table, index and trigger of an in-memory database prepared by `prepare`, by name, and the number of
    /// migrations its log holds once the migrator has run again (it finds nothing left to do).
    func schema(_ prepare: (Application) async throws -> Void) async throws -> ([SQLiteSchemaEntry], Int) {
        try await withInMemorySQLite { app in
            try await prepare(app)
            let sql = app.db as! any SQLDatabase
            let entries = try await sql.raw(
                "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name"
            ).all(decoding: SQLiteSchemaEntry.self)
            try await app.autoMigrate()
            let log = try await sql.raw("SELECT count(*) AS count FROM _fluent_migrations")
                .first(decodingColumn: "count", as: Int.self)
            return (entries, log ?? 0)
        }
    }

    @Test("every table, index and migration record of a migrated database is in the copy, and nothing else")
    func copyIsMigrated() async throws {
        let (migrated, migratedLog) = try await schema { try await $0.autoMigrate() }
        let (copied, copiedLog) = try await schema { try await SQLiteTemplate.shared.copy(into: $0.db) }
        #expect(migrated.contains { $0.type == "table" && $0.name == "agents" })
        #expect(migrated.contains { $0.type == "index" })
        #expect(copied == migrated)
        #expect(migratedLog == Migrations.all.count)
        #expect(copiedLog == Migrations.all.count)
    }
}
