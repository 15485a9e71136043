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

    @Test("a claim takes its row once: the inserts follow it, and are not written when it took nothing or one fails")
    func claimThenInsert() async throws {
        try await withTestApp(seedDemo: false) { context in
            let sql = context.db as! any SQLDatabase
            try await sql.raw("CREATE TABLE claim_tickets (id TEXT PRIMARY KEY, used BOOLEAN NOT NULL)").run()
            try await sql.raw("CREATE TABLE claim_rows (id UUID PRIMARY KEY, label TEXT NOT NULL)").run()
            try await sql.raw("INSERT INTO claim_tickets (id, used) VALUES ('a', false), ('b', false)").run()
            let claimA: SQLQueryString = "UPDATE claim_tickets SET used = true WHERE id = 'a' AND NOT used RETURNING id"
            let claimB: SQLQueryString = "UPDATE claim_tickets SET used = true WHERE id = 'b' AND NOT used RETURNING id"
            @Sendable func insert(_ id: UUID, _ label: String) -> SQLQueryString {
                "INSERT INTO claim_rows (id, label) SELECT \(bind: id), \(bind: label)"
            }
            func labels() async throws -> [String] {
                try await sql.raw("SELECT label FROM claim_rows ORDER BY label").all().map {
                    try $0.decode(column: "label", as: String.self)
                }
            }
            func used() async throws -> [String] {
                try await sql.raw("SELECT id FROM claim_tickets WHERE used ORDER BY id").all().map {
                    try $0.decode(column: "id", as: String.self)
                }
            }

            #expect(try await context.db.claimThenInsert(claimA, [insert(UUID(), "a1"), insert(UUID(), "a2")]))
            #expect(try await labels() == ["a1", "a2"])
            #expect(try await used() == ["a"])

            // Taken already: nothing is written.
            #expect(!(try await context.db.claimThenInsert(claimA, [insert(UUID(), "a3")])))
            #expect(try await labels() == ["a1", "a2"])

            // An insert that breaks the primary key: the claim is not kept either.
            let taken = UUID()
            await #expect(throws: (any Error).self) {
                try await context.db.claimThenInsert(claimB, [insert(taken, "b1"), insert(taken, "b2")])
            }
            #expect(try await labels() == ["a1", "a2"])
            #expect(try await used() == ["a"])
            #expect(try await context.db.claimThenInsert(claimB, [insert(UUID(), "b3")]))
            #expect(try await labels() == ["a1", "a2", "b3"])
        }
    }
}
