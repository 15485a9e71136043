import Fluent
import PostgresNIO
import SQLKit

/// Two requests that change the same thing at the same instant (a button pressed twice, two tabs, two
/// administrators): the database keeps one and refuses the other, through a unique index, a foreign key (a row
/// named by one request and removed by the other) or, on PostgreSQL, a deadlock that repeated after `atomically`'s
/// retries. The refused transaction rolled back whole, so its request is answered 409, never 500.
enum WriteConflict {
    static func isConflict(_ error: any Error) -> Bool {
        isDuplicate(error) || isStillReferenced(error) || isTransient(error)
    }

    /// A unique index refused the row: what it guards was taken by another record.
    static func isDuplicate(_ error: any Error) -> Bool {
        if let error = error as? PSQLError { return error.code == .server && error.serverInfo?[.sqlState] == "23505" }
        return String(describing: error).contains("UNIQUE constraint failed")
    }

    /// A row deleted while others still refer to it, or written naming one that is gone: a foreign key refused it.
    static func isStillReferenced(_ error: any Error) -> Bool {
        if let error = error as? PSQLError { return error.code == .server && error.serverInfo?[.sqlState] == "23503" }
        return String(describing: error).contains("FOREIGN KEY constraint failed")
    }

    /// A PostgreSQL refusal that running the transaction again resolves: serialization_failure, deadlock_detected
    /// (the other transaction went on). A unique index's refusal is not: the row it guards stays.
    static func isTransient(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError, error.code == .server else { return false }
        return ["40001", "40P01"].contains(error.serverInfo?[.sqlState] ?? "")
    }

    /// How many times `atomically` runs again a transaction refused with `error`. SQLite's refusals are immediate
    /// and cheap; PostgreSQL finds a deadlock only after its `deadlock_timeout` (a second by default), and one that
    /// repeats is better answered 409 than retried for long.
    static func retries(after error: any Error) -> Int {
        if isTransient(error) { return 3 }
        let text = String(describing: error)
        return text.contains("database is locked") || text.contains("database table is locked") ? 20 : 0
    }
}

extension Database {
    /// Makes the transaction's other writers of the same row wait until it ends, so that what it reads next is what
    /// they committed. A user action that reads then writes what belongs to one row (an agent's subscriptions, an
    /// agent's rights) starts with it. On PostgreSQL `FOR NO KEY UPDATE`: rows that merely reference this one (their
    /// foreign-key check takes `KEY SHARE`) are not held up. SQLite needs nothing: its single writer already refuses
    /// a transaction that read before another one committed, and `atomically` runs it again.
    func lockRow(_ table: String, id: UUID) async throws {
        let sql = self as! any SQLDatabase
        guard sql.dialect.isPostgreSQL else { return }
        _ = try await sql.raw("SELECT id FROM \(ident: table) WHERE id = \(bind: id) FOR NO KEY UPDATE").first()
    }

    /// Deletes one row and tells whether it was still there. Of two requests that remove the same thing at once
    /// (a double click, two administrators), one removes it and the other finds it gone: only the first goes on to
    /// audit it and to what follows.
    func deleteRow(_ table: String, id: UUID) async throws -> Bool {
        let deleted = try await (self as! any SQLDatabase).delete(from: table).where("id", .equal, id)
            .returning("id").all()
        return !deleted.isEmpty
    }
}

extension WriteConflict {
    /// Runs `write`, and answers false when a unique index refused it because what it guards is now `taken` by
    /// another record: the same form sent twice at once, or two administrators. Any other refusal is thrown (a
    /// conflict's is answered 409).
    static func written(
        unless taken: () async throws -> Bool, _ write: () async throws -> Void
    ) async throws -> Bool {
        do {
            try await write()
            return true
        } catch let error where isDuplicate(error) {
            guard try await taken() else { throw error }
            return false
        }
    }
}
