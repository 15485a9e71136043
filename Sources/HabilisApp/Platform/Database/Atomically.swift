import Fluent
import FluentPostgresDriver
import Foundation
import SQLKit

extension Database {
    /// Runs one user action in one transaction. When the database refuses it because of another transaction
    /// running at the same instant, the whole transaction runs again (it rolled back, so that is safe): on SQLite,
    /// two writers that both read first, one refused at once with "database is locked"; on PostgreSQL, a deadlock
    /// or a serialization failure, which its documentation says to retry. Called inside a transaction, `work` runs
    /// in it, and a retry is the outer transaction's, as a whole.
    public func atomically<T: Sendable>(_ work: @Sendable @escaping (any Database) async throws -> T) async throws -> T
    {
        if inTransaction { return try await work(self) }
        var attempt = 0
        while true {
            do {
                return try await transactionAnsweredOrLost(work)
            } catch  where attempt < WriteConflict.retries(after: error) {
                attempt += 1
                try await Task.sleep(for: .milliseconds(Int.random(in: 5...20) * attempt))
            }
        }
    }

    /// One transaction. On PostgreSQL it is ours rather than Fluent's, so that it ends with `LostConnection` when the
    /// server ends its connection under it, instead of holding the connection forever (its next statements and its
    /// ROLLBACK would never be answered).
    private func transactionAnsweredOrLost<T: Sendable>(
        _ work: @Sendable @escaping (any Database) async throws -> T
    ) async throws -> T {
        guard self is any PostgresDatabase else { return try await transaction(work) }
        // Fluent's `withConnection` gives the one connection as a database that says it is in a transaction (so
        // nested `atomically` calls run in this one), and leaves the transaction to its caller.
        return try await withConnection { connected in
            (connected as! any PostgresDatabase).withConnection { connection in
                connection.answeredOrLost(
                    connection.eventLoop.makeFutureWithTask {
                        try await Self.inOneTransaction(connected, on: connection, work)
                    })
            }
        }.get()
    }

    /// BEGIN, `work`, COMMIT; or ROLLBACK and `work`'s error. A connection whose ROLLBACK failed is closed, so that
    /// the pool never lends it out inside a transaction it could not end.
    private static func inOneTransaction<T: Sendable>(
        _ database: any Database, on connection: PostgresConnection,
        _ work: @Sendable @escaping (any Database) async throws -> T
    ) async throws -> T {
        let sql = database as! any SQLDatabase
        try await sql.raw("BEGIN").run()
        do {
            let result = try await work(database)
            try await sql.raw("COMMIT").run()
            return result
        } catch {
            if !connection.isClosed {
                do {
                    try await sql.raw("ROLLBACK").run()
                } catch {
                    try? await connection.close()
                }
            }
            throw error
        }
    }
}
