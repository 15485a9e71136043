import Fluent
import FluentSQLiteDriver
import Foundation
import SQLKit
import Vapor

/// `habilis backup --to FILE`: a consistent copy of the SQLite database while the portal serves. `VACUUM INTO`
/// reads one snapshot in a read transaction (under WAL, writers go on meanwhile) and writes a compact database
/// file. PostgreSQL has its own tools, which the command names instead.
struct BackupCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "to", help: "The file to write; it must not exist yet.")
        var to: String?
    }

    var help: String { "Copies the SQLite database while the portal serves (PostgreSQL: pg_dump)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try DatabaseCopy.requireSQLite(context)
        guard let target = signature.to, !target.isEmpty else {
            context.console.error("--to FICHIER : indiquez le fichier de sauvegarde à écrire.")
            throw CommandFailure()
        }
        guard !FileManager.default.fileExists(atPath: target) else {
            context.console.error("Le fichier \(target) existe déjà : une sauvegarde n’en écrase jamais une autre.")
            throw CommandFailure()
        }
        let database = DatabaseCopy.connection(of: app) as! any SQLDatabase
        try await database.raw("VACUUM INTO \(bind: target)").run()
        let tables = try await DatabaseCopy.rowCounts(in: "main", on: database, of: target)
        context.console.print(
            "Sauvegarde écrite dans \(target) : \(tables.count) tables, \(tables.values.reduce(0, +)) lignes.")
    }
}

/// `habilis restore --from FILE`: a backup copied into an empty database (`HABILIS_DATABASE_PATH` with no table
/// yet), checked first (`integrity_check`) and compared after (rows of every table). Never over existing data.
struct RestoreCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "from", help: "The backup written by habilis backup.")
        var from: String?
    }

    var help: String { "Restores a backup into an empty SQLite database (PostgreSQL: pg_restore)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try DatabaseCopy.requireSQLite(context)
        guard let source = signature.from, FileManager.default.isReadableFile(atPath: source) else {
            context.console.error("--from FICHIER : indiquez une sauvegarde lisible.")
            throw CommandFailure()
        }
        let connection = DatabaseCopy.connection(of: app)
        let database = connection as! any SQLDatabase
        guard try await DatabaseCopy.objects(in: "main", on: database).isEmpty else {
            context.console.error(
                "La base \(app.settings.databasePath) contient déjà des données : restaurez dans une base vide.")
            throw CommandFailure()
        }
        // ATTACH is refused inside a transaction: the backup is attached first, on the one connection used below.
        try await database.raw("ATTACH DATABASE \(bind: source) AS backup").run()
        do {
            let check = try await database.raw("PRAGMA backup.integrity_check").all()
                .map { try $0.decode(column: "integrity_check", as: String.self) }
            guard check == ["ok"] else {
                context.console.error(
                    "La sauvegarde \(source) est endommagée : \(check.prefix(3).joined(separator: " ; "))")
                throw CommandFailure()
            }
            let objects = try await DatabaseCopy.objects(in: "backup", on: database)
            guard objects.contains(where: { $0.name == "_fluent_migrations" }) else {
                context.console.error("\(source) n’est pas une sauvegarde de Habilis.")
                throw CommandFailure()
            }
            try await connection.transaction { transaction in
                let sql = transaction as! any SQLDatabase
                // Rows go in table by table: foreign keys are checked once, at the commit.
                try await sql.raw("PRAGMA defer_foreign_keys = ON").run()
                for object in objects where object.type == "table" {
                    try await sql.raw("\(unsafeRaw: object.sql)").run()
                }
                for object in objects where object.type == "table" {
                    try await sql.raw(
                        "INSERT INTO main.\(ident: object.name) SELECT * FROM backup.\(ident: object.name)"
                    ).run()
                }
                for object in objects where object.type != "table" {
                    try await sql.raw("\(unsafeRaw: object.sql)").run()
                }
            }
            let restored = try await DatabaseCopy.rowCounts(in: "main", on: database)
            let saved = try await DatabaseCopy.rowCounts(in: "backup", on: database)
            guard restored == saved else {
                context.console.error("La restauration ne retrouve pas les lignes de la sauvegarde.")
                throw CommandFailure()
            }
            try await database.raw("DETACH DATABASE backup").run()
            context.console.print(
                "Sauvegarde \(source) restaurée : \(restored.count) tables, \(restored.values.reduce(0, +)) lignes.")
        } catch {
            try? await database.raw("DETACH DATABASE backup").run()
            throw error
        }
    }
}

/// What backup and restore share: one pinned SQLite connection, the schema objects of a database, its rows.
enum DatabaseCopy {
    static let postgresHint = """
        Sur PostgreSQL, sauvegardez avec pg_dump (pg_dump -Fc -f habilis.dump "$DATABASE_URL") et restaurez dans une \
        base vide avec pg_restore (pg_restore --no-owner -d "$DATABASE_URL" habilis.dump).
        """

    /// Backups are the SQLite deployment's; PostgreSQL has pg_dump and pg_restore, which the refusal names.
    static func requireSQLite(_ context: CommandContext) throws {
        guard context.application.settings.databaseURL != nil else { return }
        context.console.error(postgresHint)
        throw CommandFailure()
    }

    /// One database bound to one event loop, hence to one SQLite connection (an ATTACH holds on that connection).
    static func connection(of app: Application) -> any Database {
        app.databases.database(.sqlite, logger: app.logger, on: app.eventLoopGroup.next())!
    }

    /// A table, index, trigger or view with the statement that creates it.
    struct SchemaObject: Sendable {
        let type: String
        let name: String
        let sql: String
    }

    /// The objects of the schema `schema` (main or an attached one), SQLite's own left out.
    static func objects(in schema: String, on database: any SQLDatabase) async throws -> [SchemaObject] {
        try await database.raw(
            """
            SELECT type, name, sql FROM \(ident: schema).sqlite_master
            WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'
            ORDER BY CASE type WHEN 'table' THEN 0 ELSE 1 END, rowid
            """
        ).all().map { row in
            SchemaObject(
                type: try row.decode(column: "type", as: String.self),
                name: try row.decode(column: "name", as: String.self),
                sql: try row.decode(column: "sql", as: String.self))
        }
    }

    /// The number of rows of every table of `schema`; of the file `file` when given (attached for the count).
    static func rowCounts(
        in schema: String, on database: any SQLDatabase, of file: String? = nil
    ) async throws -> [String: Int] {
        var schema = schema
        if let file {
            try await database.raw("ATTACH DATABASE \(bind: file) AS written").run()
            schema = "written"
        }
        var counts: [String: Int] = [:]
        for object in try await objects(in: schema, on: database) where object.type == "table" {
            counts[object.name] =
                try await database.raw("SELECT COUNT(*) AS n FROM \(ident: schema).\(ident: object.name)").first()?
                .decode(column: "n", as: Int.self) ?? 0
        }
        if file != nil { try await database.raw("DETACH DATABASE written").run() }
        return counts
    }
}
