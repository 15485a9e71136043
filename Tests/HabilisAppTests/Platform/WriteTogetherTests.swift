import Fluent
import Foundation
import SQLKit
import Testing

@testable import HabilisApp

/// A row and the audit event that records it are written together (`writeTogether`): one statement on
/// PostgreSQL, one transaction on SQLite. Both are kept, or neither.
@Suite("Writes together")
struct WriteTogetherTests {
    @Test("both writes are kept, or neither when one fails; inside a transaction they are part of it")
    func allOrNothing() async throws {
        try await withTestApp(seedDemo: false) { context in
            let sql = context.db as! any SQLDatabase
            try await sql.raw("CREATE TABLE together_rows (id UUID PRIMARY KEY, label TEXT NOT NULL)").run()
            @Sendable func insert(_ id: UUID, _ label: String) -> SQLQueryString {
                "INSERT INTO together_rows (id, label) VALUES (\(bind: id), \(bind: label))"
            }
            func labels() async throws -> [String] {
                try await sql.raw("SELECT label FROM together_rows ORDER BY label").all().map {
                    try $0.decode(column: "label", as: String.self)
                }
            }

            try await context.db.writeTogether([insert(UUID(), "a"), insert(UUID(), "b"), insert(UUID(), "c")])
            #expect(try await labels() == ["a", "b", "c"])

            // The last write breaks the primary key: the first is not kept either.
            let taken = UUID()
            await #expect(throws: (any Error).self) {
                try await context.db.writeTogether([insert(taken, "d"), insert(taken, "e")])
            }
            #expect(try await labels() == ["a", "b", "c"])

            // Inside a transaction that fails afterwards, nothing is kept.
            struct Abandoned: Error {}
            await #expect(throws: Abandoned.self) {
                try await context.db.transaction { transaction in
                    try await transaction.writeTogether([insert(UUID(), "f"), insert(UUID(), "g")])
                    throw Abandoned()
                }
            }
            #expect(try await labels() == ["a", "b", "c"])
        }
    }
}
