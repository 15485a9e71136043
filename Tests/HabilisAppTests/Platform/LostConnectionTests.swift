import Fluent
import Foundation
import SQLKit
import Synchronization
import Testing
import Vapor

@testable import HabilisApp

/// A PostgreSQL restart ends every connection. A statement sent on a connection that has just closed must fail, and
/// the pool must get its connection back: PostgresNIO 1.33 never answers a statement written after the close, and
/// such a statement used to hold its pooled connection for good (docs/soak.md).
@Suite("A connection the server ends")
struct LostConnectionTests {
    static let patience = Duration.seconds(60)

    /// One event loop's own database: with one connection per loop (the tests' pools), a connection held for good
    /// would leave this loop's pool nothing to give.
    func database(of context: TestContext, on loop: any EventLoop) -> any Database {
        context.app.databases.database(logger: context.app.logger, on: loop)!
    }

    @Test("a transaction whose connection the server ends fails as an outage, and its pool serves again")
    func transactionOnAnEndedConnection() async throws {
        try await withTestApp(seedDemo: false) { context in
            guard TestDatabase.serverURL != nil else { return }
            let database = database(of: context, on: context.app.eventLoopGroup.next())

            let outcome = await outcome {
                try await database.atomically { transaction in
                    let sql = transaction as! any SQLDatabase
                    try await Self.endConnection(of: sql)
                    // The transaction's next statement (and its ROLLBACK) are written where nothing answers them.
                    try await sql.raw("SELECT 1").run()
                }
            }
            #expect(outcome == "outage")

            // The same loop's pool (one connection) serves the next requests on a new connection.
            let served = await answer(within: Self.patience) {
                var answers = 0
                for _ in 0..<3 {
                    let row = try? await (database as! any SQLDatabase).raw("SELECT 1 AS one").first()
                    answers += (try? row?.decode(column: "one", as: Int.self)) == 1 ? 1 : 0
                }
                return answers
            }
            #expect(served == 3)
        }
    }

    @Test("a prepared statement on a connection the server has ended fails as an outage instead of waiting")
    func preparedStatementOnAnEndedConnection() async throws {
        try await withTestApp(seedDemo: false) { context in
            guard TestDatabase.serverURL != nil else { return }
            let database = database(of: context, on: context.app.eventLoopGroup.next())

            let outcome = await outcome {
                // One connection throughout, as a request's statement gets from the pool.
                try await database.withConnection { connection in
                    let sql = connection as! any SQLDatabase
                    try await Self.endConnection(of: sql)
                    _ = try await sql.prepared("SELECT 1 AS one").all()
                }
            }
            #expect(outcome == "outage")
        }
    }

    /// The server ends this connection, as a restart does; by the end the connection is closed and its driver's
    /// handler gone.
    static func endConnection(of sql: any SQLDatabase) async throws {
        _ = try? await sql.raw("SELECT pg_terminate_backend(pg_backend_pid())").run()
        try await Task.sleep(for: .milliseconds(300))
    }

    /// "outage" when `work` fails as an outage of the database, "answered" when it does not fail, the error
    /// otherwise; nil when nothing came within a minute. A statement nothing answers waits for ever; a minute is
    /// what the full suite's hundreds of tests at once on two cores can take to answer one (it once took over 20 s).
    func outcome(_ work: @escaping @Sendable () async throws -> Void) async -> String? {
        await answer(within: Self.patience) {
            do {
                try await work()
                return "answered"
            } catch {
                return DatabaseOutage.isOutage(error) ? "outage" : String(reflecting: error)
            }
        }
    }

    /// `work`'s answer, or nil if none came in time. A statement nothing answers would hang a task group (it waits
    /// for its children, and cancelling does not resume them), so `work` runs in a task left behind on timeout.
    func answer<T: Sendable>(
        within limit: Duration, _ work: @escaping @Sendable () async -> T
    ) async -> T? {
        let first = Mutex<CheckedContinuation<T?, Never>?>(nil)
        return await withCheckedContinuation { continuation in
            first.withLock { $0 = continuation }
            let resume = { @Sendable (value: T?) in first.withLock { $0.take() }?.resume(returning: value) }
            Task { resume(await work()) }
            Task {
                try? await Task.sleep(for: limit)
                resume(nil)
            }
        }
    }
}
