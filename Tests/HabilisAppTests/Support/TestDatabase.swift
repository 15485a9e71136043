import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import SQLKit
import Vapor

@testable import HabilisApp

/// A PostgreSQL database of one test, copied from a template migrated once per test run.
struct TestDatabase: Sendable {
    let name: String
    let url: String

    /// The server named by `HABILIS_TEST_POSTGRES_URL` (e.g. `postgres://postgres@127.0.0.1:55432`), if any.
    static var serverURL: String? {
        ProcessInfo.processInfo.environment["HABILIS_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A new database for one test, or nil when the tests run on SQLite. It waits for one of the run's
    /// `TestDatabaseSlots`, which `drop()` gives back.
    static func make() async throws -> TestDatabase? {
        guard let server = serverURL else { return nil }
        await TestDatabaseSlots.shared.take()
        do {
            try await PostgresTemplate.shared.prepare(server: server)
            let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            try await PostgresTemplate.shared.execute("CREATE DATABASE \(name) TEMPLATE habilis_template")
            // The test server has no TLS; without `sslmode=disable` every pool would read the system's certificate
            // authorities, about 7 % of the PostgreSQL run's processor.
            return TestDatabase(name: name, url: "\(server)/\(name)?sslmode=disable")
        } catch {
            await TestDatabaseSlots.shared.giveBack()
            throw error
        }
    }

    func drop() async throws {
        do {
            try await PostgresTemplate.shared.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        } catch {
            await TestDatabaseSlots.shared.giveBack()
            throw error
        }
        await TestDatabaseSlots.shared.giveBack()
    }
}

/// How many tests hold a PostgreSQL database at once. Swift Testing starts every test of the run together: on two
/// cores the 400 tests then queued so long for the server and the processor that pool waits (120 s) and request
/// deadlines (50 s) ran out in tests that had done nothing wrong. A test waits here, before its application exists,
/// for as long as it takes.
actor TestDatabaseSlots {
    static let shared = TestDatabaseSlots(count: 12)

    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(count: Int) { free = count }

    func take() async {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func giveBack() {
        if waiting.isEmpty {
            free += 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}

/// Owns the administrative connection and the migrated template database.
actor PostgresTemplate {
    static let shared = PostgresTemplate()

    private var admin: Application?
    /// The one preparation of this run; later callers wait for it (actor methods are reentrant across awaits).
    private var preparation: Task<Application, any Error>?

    func prepare(server: String) async throws {
        if preparation == nil {
            preparation = Task { try await Self.migrateTemplate(server: server) }
        }
        admin = try await preparation!.value
    }

    private static func migrateTemplate(server: String) async throws -> Application {
        let app = try await Application.make(.testing)
        app.logger.logLevel = .warning
        // Every test creates its database through this application: on a busy server, creations queue longer than
        // the pool's default 10 seconds.
        app.databases.use(
            .postgres(
                configuration: try SQLPostgresConfiguration(url: "\(server)/postgres"), maxConnectionsPerEventLoop: 2,
                connectionPoolTimeout: .seconds(120)), as: .psql)
        let sql = app.db as! any SQLDatabase
        try await sql.raw("DROP DATABASE IF EXISTS habilis_template WITH (FORCE)").run()
        try await sql.raw("CREATE DATABASE habilis_template").run()
        let migrator = try await Application.make(.testing)
        migrator.logger.logLevel = .warning
        migrator.databases.use(
            .postgres(configuration: try SQLPostgresConfiguration(url: "\(server)/habilis_template")), as: .psql)
        migrator.migrations.add(Migrations.all)
        try await migrator.autoMigrate()
        try await migrator.asyncShutdown()
        return app
    }

    func execute(_ statement: String) async throws {
        guard let admin else { return }
        try await (admin.db as! any SQLDatabase).raw(SQLQueryString(statement)).run()
    }
}

/// A migrated SQLite database written out once per test run as the statements that rebuild it. Fluent's migrator
/// takes about 0.4 s of processor per test in a debug build, replaying the statements about 0.05 s; the SQLite
/// tests then run in 100 s instead of 185 on two cores.
actor SQLiteTemplate {
    static let shared = SQLiteTemplate()

    private var statements: Task<[String], any Error>?

    /// Gives `database` the tables, indexes and rows (the migration log) of a freshly migrated database.
    func copy(into database: any Database) async throws {
        if statements == nil {
            statements = Task { try await withInMemorySQLite { app in try await Self.dump(migrated: app) } }
        }
        let statements = try await statements!.value
        try await database.transaction { transaction in
            let sql = transaction as! any SQLDatabase
            for statement in statements { try await sql.raw(SQLQueryString(statement)).run() }
        }
    }

    /// Tables first, then their indexes, in the order they were made; then each table's rows as inserts.
    private static func dump(migrated app: Application) async throws -> [String] {
        try await app.autoMigrate()
        let sql = app.db as! any SQLDatabase
        let schema = try await sql.raw(
            """
            SELECT type, name, sql FROM sqlite_master
            WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'
            ORDER BY type <> 'table', rowid
            """
        ).all(decoding: SQLiteSchemaEntry.self)
        var statements = schema.compactMap(\.sql)
        for table in schema where table.type == "table" {
            let columns = try await sql.raw("SELECT name FROM pragma_table_info(\(bind: table.name)) ORDER BY cid")
                .all(decodingColumn: "name", as: String.self)
            let values = columns.map { "quote(\"\($0)\")" }.joined(separator: " || ',' || ")
            statements += try await sql.raw(
                SQLQueryString(
                    "SELECT 'INSERT INTO \"\(table.name)\" VALUES(' || \(values) || ')' AS sql FROM \"\(table.name)\"")
            ).all(decodingColumn: "sql", as: String.self)
        }
        return statements
    }
}

/// One row of `sqlite_master`: a table, an index or a trigger (SQLite's own indexes have no `sql`).
struct SQLiteSchemaEntry: Decodable, Equatable {
    let type: String
    let name: String
    let sql: String?
}

/// Runs `body` with an application on a fresh in-memory SQLite database, every migration registered, and shuts it
/// down.
func withInMemorySQLite<Result: Sendable>(_ body: (Application) async throws -> Result) async throws -> Result {
    let app = try await Application.make(.testing)
    app.logger.logLevel = .warning
    app.databases.use(.sqlite(.memory), as: .sqlite)
    app.migrations.add(Migrations.all)
    do {
        let result = try await body(app)
        try await app.asyncShutdown()
        return result
    } catch {
        try await app.asyncShutdown()
        throw error
    }
}
