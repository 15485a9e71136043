import Fluent
import FluentSQLiteDriver
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Testing
import Vapor

@testable import HabilisApp

/// `habilis backup` and `habilis restore`, run as an operator runs them, against a database being written to.
@Suite("Backups: a consistent copy while the portal writes, restored into an empty database")
struct BackupTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("habilis-backup-\(UUID())").path

    func environment(_ database: String) -> [String: String] {
        [
            "HABILIS_DATABASE_PATH": "\(folder)/\(database)", "HABILIS_DEMO_PASSWORD": demoPassword,
            "HABILIS_MAIL_TRANSPORT": "file:\(folder)/mail",
        ]
    }

    func run(_ arguments: [String], on database: String) async throws -> (code: Int32, output: String) {
        let binary = try HabilisBinary(arguments, environment: environment(database))
        let code = try await binary.exitCode()
        return (code, binary.text)
    }

    /// Reads one SQLite file with another attached, to compare them table by table.
    func compare(
        _ restored: String, with saved: String
    ) async throws -> (tables: [String: Int], differing: [String], integrity: String) {
        let app = try await Application.make(.testing)
        app.databases.use(.sqlite(.file(restored)), as: .sqlite)
        let database = app.databases.database(.sqlite, logger: app.logger, on: app.eventLoopGroup.next())!
        let sql = database as! any SQLDatabase
        do {
            try await sql.raw("ATTACH DATABASE \(bind: saved) AS saved").run()
            let integrity =
                try await sql.raw("PRAGMA integrity_check").first()?
                .decode(column: "integrity_check", as: String.self) ?? ""
            var tables: [String: Int] = [:]
            var differing: [String] = []
            for object in try await DatabaseCopy.objects(in: "main", on: sql) where object.type == "table" {
                let name = object.name
                let count =
                    try await sql.raw("SELECT COUNT(*) AS n FROM main.\(ident: name)").first()?
                    .decode(column: "n", as: Int.self) ?? -1
                // The same rows on both sides, whatever their order: nothing in one that is not in the other.
                let missing =
                    try await sql.raw(
                        """
                        SELECT (SELECT COUNT(*) FROM (SELECT * FROM main.\(ident: name) EXCEPT SELECT * FROM saved.\(ident: name)))
                             + (SELECT COUNT(*) FROM (SELECT * FROM saved.\(ident: name) EXCEPT SELECT * FROM main.\(ident: name)))
                             + ABS((SELECT COUNT(*) FROM saved.\(ident: name)) - \(bind: count)) AS n
                        """
                    ).first()?.decode(column: "n", as: Int.self) ?? -1
                tables[name] = count
                if missing != 0 { differing.append(name) }
            }
            try await sql.raw("DETACH DATABASE saved").run()
            try await app.asyncShutdown()
            return (tables, differing, integrity)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }

    @Test("a backup taken during writes restores row for row, and neither command overwrites anything")
    func backupDuringWritesRestores() async throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(try await run(["migrate", "--yes"], on: "live.sqlite").code == 0)
        #expect(try await run(["seed", "--demo"], on: "live.sqlite").code == 0)

        // Clients are registered one after the other before, during and after the backup: each writes a client and
        // its audit event. The backup starts once one is written, the writes stop two after it ended.
        let backupDone = NIOLockedValueBox(false)
        let registered = NIOLockedValueBox(0)
        let writes = Task {
            var afterBackup = 0
            while afterBackup < 2 {
                if backupDone.withLockedValue({ $0 }) { afterBackup += 1 }
                let index = registered.withLockedValue { $0 }
                let (code, output) = try await run(
                    [
                        "oidc-client", "add", "--application", "GREVE", "--redirect-uri",
                        "https://greve.ucanss.fr/callback/\(index)",
                    ], on: "live.sqlite")
                #expect(code == 0, "\(output)")
                registered.withLockedValue { $0 += 1 }
            }
        }
        while registered.withLockedValue({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(20)) }
        let backup = try await run(["backup", "--to", "\(folder)/save.sqlite"], on: "live.sqlite")
        backupDone.withLockedValue { $0 = true }
        #expect(backup.code == 0, "\(backup.output)")
        #expect(backup.output.contains("Sauvegarde écrite dans"))
        try await writes.value

        let again = try await run(["backup", "--to", "\(folder)/save.sqlite"], on: "live.sqlite")
        #expect(again.code != 0)
        #expect(again.output.contains("existe déjà"))

        let restore = try await run(["restore", "--from", "\(folder)/save.sqlite"], on: "restored.sqlite")
        #expect(restore.code == 0, "\(restore.output)")
        let (tables, differing, integrity) = try await compare(
            "\(folder)/restored.sqlite", with: "\(folder)/save.sqlite")
        #expect(integrity == "ok")
        #expect(differing.isEmpty, "tables whose rows differ: \(differing)")
        #expect(tables["agents"] == 6)
        #expect(tables["_fluent_migrations"] ?? 0 > 10)
        // The snapshot is one instant of the live database: the demo client and those written before it, not the
        // ones written after.
        let written = registered.withLockedValue { $0 }
        #expect(
            (2...written - 1).contains(tables["oidc_clients"] ?? -1), "\(tables["oidc_clients"] ?? -1) of \(written)")

        let overwrite = try await run(["restore", "--from", "\(folder)/save.sqlite"], on: "restored.sqlite")
        #expect(overwrite.code != 0)
        #expect(overwrite.output.contains("contient déjà des données"))

        // The restored database serves: an operator's command reads and writes it.
        let listed = try await run(["oidc-client", "list"], on: "restored.sqlite")
        #expect(listed.code == 0, "\(listed.output)")
    }

    @Test("a damaged or foreign file is refused; PostgreSQL is pointed at pg_dump and pg_restore")
    func refusals() async throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data("ceci n’est pas une base".utf8).write(to: URL(fileURLWithPath: "\(folder)/garbage.sqlite"))
        let garbage = try await run(["restore", "--from", "\(folder)/garbage.sqlite"], on: "empty.sqlite")
        #expect(garbage.code != 0)
        #expect(try await run(["restore", "--from", "\(folder)/absent.sqlite"], on: "empty.sqlite").code != 0)

        let binary = try HabilisBinary(
            ["backup", "--to", "\(folder)/pg.dump"],
            environment: [
                "DATABASE_URL": "postgres://nobody@127.0.0.1:9/none", "HABILIS_MAIL_TRANSPORT": "file:\(folder)",
            ])
        #expect(try await binary.exitCode() != 0)
        #expect(binary.text.contains("pg_dump"))
        #expect(!FileManager.default.fileExists(atPath: "\(folder)/pg.dump"))
    }
}
