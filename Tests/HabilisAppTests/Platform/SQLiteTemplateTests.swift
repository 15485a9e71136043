import Fluent
import FluentSQLiteDriver
import SQLKit
import Testing
import Vapor

@testable import HabilisApp

@Suite("The SQLite tests' schema: copied from one migrated database, the same as migrating")
struct SQLiteTemplateTests {
    struct SchemaEntry: Decodable, Equatable {
        let type: String
        let name: String
        let sql: String?
    }

    /// Every table, index and trigger of an in-memory database prepared by `prepare`, by name.
    func schema(_ prepare: (Application) async throws -> Void) async throws -> (entries: [SchemaEntry], log: Int) {
        let app = try await Application.make(.testing)
        app.logger.logLevel = .warning
        app.databases.use(.sqlite(.memory), as: .sqlite)
        app.migrations.add(Migrations.all)
        do {
            try await prepare(app)
            let sql = app.db as! any SQLDatabase
            let entries = try await sql.raw(
                "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name"
            ).all(decoding: SchemaEntry.self)
            // The migrator finds nothing left to do on either.
            try await app.autoMigrate()
            let log = try await sql.raw("SELECT count(*) AS count FROM _fluent_migrations").first(decoding: Count.self)
            try await app.asyncShutdown()
            return (entries, log?.count ?? 0)
        } catch {
            try await app.asyncShutdown()
            throw error
        }
    }

    struct Count: Decodable {
        let count: Int
    }

    @Test("every table, index and migration record of a migrated database is in the copy, and nothing else")
    func copyIsMigrated() async throws {
        let migrated = try await schema { try await $0.autoMigrate() }
        let copied = try await schema { try await SQLiteTemplate.shared.copy(into: $0.db) }
        #expect(migrated.entries.contains { $0.type == "table" && $0.name == "agents" })
        #expect(migrated.entries.contains { $0.type == "index" })
        #expect(copied.entries == migrated.entries)
        #expect(migrated.log == Migrations.all.count)
        #expect(copied.log == Migrations.all.count)
    }
}
