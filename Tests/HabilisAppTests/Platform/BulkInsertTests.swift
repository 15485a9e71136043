import Fluent
import Foundation
import SQLKit
import Testing

@testable import HabilisApp

/// The sweep writes its rights, notifications, mails and audit events with `insertRows`: on PostgreSQL one array
/// per column, on SQLite multi-row `VALUES`. Both must write exactly the rows given.
@Suite("Bulk inserts")
struct BulkInsertTests {
    @Test("every type, nulls among values, a column of nulls only, conflicts skipped, and more rows than a statement")
    func rowsAsGiven() async throws {
        try await withTestApp(seedDemo: false) { context in
            let sql = context.db as! any SQLDatabase
            try await sql.raw(
                """
                CREATE TABLE bulk_rows (id UUID PRIMARY KEY, at TIMESTAMPTZ, label TEXT NOT NULL, count BIGINT,
                flag BOOLEAN, other UUID, kept BIGINT NOT NULL DEFAULT 7)
                """
            ).run()
            let instant = Date(timeIntervalSince1970: 1_795_000_000)
            let ids = (0..<12_345).map { _ in UUID.timeOrdered() }
            let nobody: UUID? = nil
            let rows: [[any Encodable & Sendable]] = ids.enumerated().map { index, id in
                let at: Date? = index % 3 == 0 ? nil : instant.addingTimeInterval(Double(index))
                let count: Int? = index % 5 == 0 ? nil : index
                return [id, at, "ligne \(index) « é » '\"\t", count, index % 2 == 0, nobody]
            }
            let columns = ["id", "at", "label", "count", "flag", "other"]
            try await context.db.transaction { transaction in
                try await (transaction as! any SQLDatabase).insertRows(
                    into: "bulk_rows", columns: columns, rows: rows)
            }
            // The same ids again, with the first one changed: skipped, not updated, and no error.
            try await sql.insertRows(
                into: "bulk_rows", columns: columns,
                rows: [
                    [ids[0], instant, "changée", 1, true, UUID()], [UUID(), instant, "nouvelle", 2, false, nobody],
                ],
                ignoringConflicts: true)

            struct Row: Equatable {
                let id: UUID
                let at: Date?
                let label: String
                let count: Int?
                let flag: Bool
                let other: UUID?
                let kept: Int
            }
            let stored = try await sql.raw("SELECT * FROM bulk_rows ORDER BY label").all().map {
                Row(
                    id: try $0.decode(column: "id", as: UUID.self), at: try $0.decode(column: "at", as: Date?.self),
                    label: try $0.decode(column: "label", as: String.self),
                    count: try $0.decode(column: "count", as: Int?.self),
                    flag: try $0.decode(column: "flag", as: Bool.self),
                    other: try $0.decode(column: "other", as: UUID?.self),
                    kept: try $0.decode(column: "kept", as: Int.self))
            }
            #expect(stored.count == 12_346)
            let byID = Dictionary(uniqueKeysWithValues: stored.map { ($0.id, $0) })
            for (index, id) in ids.enumerated() {
                let expected = Row(
                    id: id, at: index % 3 == 0 ? nil : instant.addingTimeInterval(Double(index)),
                    label: "ligne \(index) « é » '\"\t", count: index % 5 == 0 ? nil : index, flag: index % 2 == 0,
                    other: nil, kept: 7)
                #expect(byID[id] == expected)
            }
            #expect(stored.filter { $0.label == "nouvelle" }.count == 1)
        }
    }

    @Test("a value without a PostgreSQL array here is written with VALUES, the same")
    func otherTypes() async throws {
        try await withTestApp(seedDemo: false) { context in
            let sql = context.db as! any SQLDatabase
            try await sql.raw("CREATE TABLE bulk_numbers (id UUID PRIMARY KEY, ratio DOUBLE PRECISION)").run()
            let id = UUID()
            try await sql.insertRows(into: "bulk_numbers", columns: ["id", "ratio"], rows: [[id, 0.25]])
            let ratio = try await sql.raw("SELECT ratio FROM bulk_numbers WHERE id = \(bind: id)").first()?
                .decode(column: "ratio", as: Double.self)
            #expect(ratio == 0.25)
        }
    }
}
