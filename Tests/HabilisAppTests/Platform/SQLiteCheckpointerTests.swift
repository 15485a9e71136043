import Foundation
import SQLKit
import Testing

@testable import HabilisApp

@Suite("SQLite file database: the write-ahead log is copied into the file by a checkpointer of its own")
struct SQLiteCheckpointerTests {
    @Test("commits leave the log alone; once the application runs, the checkpointer copies it; at exit it is gone")
    func copiesTheLog() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("habilis-log-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/habilis.sqlite"
        let size = { (file: String) in (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0 }
        let onFile: (inout Settings) -> Void = { $0.databasePath = path }
        try await withTestApp(seedDemo: false, settings: onFile) { context in
            // About 4 MB of events, committed before the application boots, so before the checkpointer starts.
            try await (context.db as! any SQLDatabase).insertRows(
                into: AuditEvent.schema, columns: ["id", "occurred_at", "action", "outcome", "details"],
                rows: (0..<2_000).map { _ in
                    [UUID(), testEpoch, "audit.exported", "success", String(repeating: "x", count: 2_000)]
                })
            try await Task.sleep(for: .milliseconds(300))
            let fileBefore = size(path)
            #expect(size(path + "-wal") > 4_000_000, "the commits stay in the log")

            try await context.app.asyncBoot()
            var copied = false
            for _ in 0..<100 where !copied {
                try await Task.sleep(for: .milliseconds(50))
                copied = size(path) > fileBefore + 4_000_000
            }
            #expect(copied, "the database file grew from \(fileBefore) to \(size(path)) bytes")
            #expect(try await AuditEvent.query(on: context.db).count() == 2_000)
        }
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
    }
}
