import Fluent
import SQLKit

extension Database {
    /// Runs writes that stand or fall together (a row and the audit event that records it) in one round trip on
    /// PostgreSQL: one statement whose first writes are data-modifying `WITH` clauses, atomic without a
    /// transaction. `BEGIN`, two inserts and `COMMIT` were four round trips, with a plan each, on the busiest step
    /// of single sign-on. SQLite, in-process, runs them one by one in a transaction (`atomically`: the caller's, if it
    /// is in one).
    /// The writes must not read each other's rows: in one PostgreSQL statement they all see the same snapshot.
    func writeTogether(_ writes: [SQLQueryString]) async throws {
        guard let last = writes.last else { return }
        let sql = self as! any SQLDatabase
        if sql.dialect.isPostgreSQL {
            let clauses = writes.dropLast().enumerated().map { (name: "write_\($0.offset)", query: $0.element) }
            try await sql.prepared(withClauses(clauses, last)).run()
        } else {
            try await atomically { transaction in
                for write in writes { try await (transaction as! any SQLDatabase).prepared(write).run() }
            }
        }
    }
}

extension Database {
    /// Runs `claim`, an `UPDATE … RETURNING` that changes at most one row (a single-use token taken), and `inserts`
    /// only if it changed one, atomically; tells whether it did. Each insert is `INSERT INTO … SELECT …` without a
    /// `FROM`. On PostgreSQL this is one statement: the inserts select `FROM claimed`, so they write nothing when
    /// the claim took nothing. SQLite runs them one by one in a transaction (`atomically`: the caller's, if it is in
    /// one).
    func claimThenInsert(_ claim: SQLQueryString, _ inserts: [SQLQueryString]) async throws -> Bool {
        let sql = self as! any SQLDatabase
        if sql.dialect.isPostgreSQL {
            let clauses =
                [(name: "claimed", query: claim)]
                + inserts.enumerated().map { (name: "insert_\($0.offset)", query: $0.element + " FROM claimed") }
            return try await sql.prepared(withClauses(clauses, "SELECT 1 AS taken FROM claimed")).first() != nil
        }
        return try await atomically { transaction in
            let sql = transaction as! any SQLDatabase
            guard try await sql.prepared(claim).first() != nil else { return false }
            for insert in inserts { try await sql.prepared(insert).run() }
            return true
        }
    }
}

private typealias NamedQuery = (name: String, query: SQLQueryString)

/// `WITH name AS (query), … final`: one PostgreSQL statement, whose data-modifying clauses all run, whatever
/// `final` reads.
private func withClauses(_ clauses: [NamedQuery], _ final: SQLQueryString) -> SQLQueryString {
    var statement: SQLQueryString = ""
    for (index, clause) in clauses.enumerated() {
        statement += index == 0 ? "WITH " : ", "
        statement += "\(unsafeRaw: clause.name) AS (\(clause.query))"
    }
    return statement + " " + final
}
