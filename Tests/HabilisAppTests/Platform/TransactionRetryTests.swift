import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Testing
import Vapor

@testable import HabilisApp

/// Two user actions that take the same rows in opposite orders: PostgreSQL refuses one of them as a deadlock, after
/// its `deadlock_timeout`. `atomically` runs the refused one again once the other has committed, so both actions
/// are done, as SQLite's retries already made them, instead of one of them answering 409.
@Suite("A transaction refused because of another one")
struct TransactionRetryTests {
    /// Holds each of two parties until both have arrived, or throws after `patience`.
    actor Rendezvous {
        private var arrived = 0

        func meet(within patience: Duration) async throws {
            arrived += 1
            let deadline = ContinuousClock.now + patience
            while arrived < 2 {
                guard ContinuousClock.now < deadline else { throw Abort(.requestTimeout, reason: "rendezvous") }
                try await Task.sleep(for: .milliseconds(10))
            }
        }
    }

    /// Updates row `first`, waits (on its first run only) until the other transaction holds its own first row, then
    /// updates row `second`. Returns how many times it ran.
    static func crossing(
        _ name: String, first: Int, second: Int, meeting rendezvous: Rendezvous, on database: any Database
    ) async throws -> Int {
        let runs = NIOLockedValueBox(0)
        try await database.atomically { transaction in
            let sql = transaction as! any SQLDatabase
            let run = runs.withLockedValue {
                $0 += 1
                return $0
            }
            try await sql.raw("UPDATE crossing SET touched_by = \(bind: name) WHERE id = \(bind: first)").run()
            if run == 1 {
                try await rendezvous.meet(within: .seconds(30))
            }
            try await sql.raw("UPDATE crossing SET touched_by = \(bind: name) WHERE id = \(bind: second)").run()
        }
        return runs.withLockedValue { $0 }
    }

    @Test("a deadlock on PostgreSQL: the refused transaction runs again, and both are written")
    func deadlockRetried() async throws {
        // Two connections on each event loop, so that the two transactions never wait for one connection.
        let twoConnections: (inout Settings) -> Void = { $0.postgresConnectionsPerEventLoop = 2 }
        try await withTestApp(seedDemo: false, settings: twoConnections) { context in
            guard TestDatabase.serverURL != nil else { return }
            try await context.sql.raw("CREATE TABLE crossing (id integer PRIMARY KEY, touched_by text)").run()
            try await context.sql.raw("INSERT INTO crossing (id) VALUES (1), (2)").run()
            let rendezvous = Rendezvous()

            async let forward = Self.crossing("forward", first: 1, second: 2, meeting: rendezvous, on: context.db)
            async let backward = Self.crossing("backward", first: 2, second: 1, meeting: rendezvous, on: context.db)
            let runs = try await [forward, backward]

            // One ran once; the one refused as a deadlock ran twice, last, and its writes are what stands.
            #expect(runs.sorted() == [1, 2])
            let last = runs[0] == 2 ? "forward" : "backward"
            let rows = try await context.sql.raw("SELECT touched_by FROM crossing ORDER BY id").all()
            #expect(try rows.map { try $0.decode(column: "touched_by", as: String.self) } == [last, last])
        }
    }

    @Test("what is retried: deadlocks and serialization failures; never a duplicate refused by a unique index")
    func transientRefusals() async throws {
        try await withTestApp(seedDemo: false) { context in
            guard TestDatabase.serverURL != nil else { return }
            let sql = context.sql
            for (state, transient) in [("40P01", true), ("40001", true), ("23505", false), ("23503", false)] {
                await #expect {
                    try await sql.raw(
                        "DO $$ BEGIN RAISE EXCEPTION 'refused' USING ERRCODE = '\(unsafeRaw: state)'; END $$"
                    ).run()
                } throws: { error in
                    WriteConflict.isTransient(error) == transient
                        && WriteConflict.retries(after: error) == (transient ? 3 : 0)
                }
            }
        }
    }
}
