import Fluent
import SQLKit

extension Database {
    /// Runs writes that stand or fall together (a row and the audit event that records it) in one round trip on
    /// PostgreSQL: one statement whose first writes are data-modifying `WITH` clauses, atomic without a
    /// transaction. `BEGIN`, two inserts and `COMMIT` were four round trips, with a plan each, on the busiest step
    /// of single sign-on. SQLite, in-process, runs them one by one in a transaction (the caller's, if it is in one).
    /// The writes must not read each other's rows: in one PostgreSQL statement they all see the same snapshot.
    func writeTogether(_ writes: [SQLQueryString]) async throws {
        guard let last = writes.last else { return }
        let sql = self as! any SQLDatabase
        if sql.dialect.name == "postgresql" {
            var statement: SQLQueryString = ""
            for (index, write) in writes.dropLast().enumerated() {
                statement += index == 0 ? "WITH " : ", "
                statement += "write_\(unsafeRaw: String(index)) AS (\(write))"
                statement += " "
            }
            statement += last
            try await sql.prepared(statement).run()
        } else if inTransaction {
            for write in writes { try await sql.prepared(write).run() }
        } else {
            try await atomically { transaction in
                for write in writes { try await (transaction as! any SQLDatabase).prepared(write).run() }
            }
        }
    }
}
