import Fluent
import SQLKit
import Testing

@testable import HabilisApp

/// The busiest pages' statements are prepared once per PostgreSQL connection (docs/performance.md); what they
/// return must not change, on SQLite or PostgreSQL.
@Suite("Prepared statements")
struct PreparedQueryTests {
    @Test("a statement is prepared once per PostgreSQL connection and returns what the unprepared one returns")
    func preparedOnce() async throws {
        try await withTestApp { context in
            let email = DemoWorld.agentEmail
            // A transaction keeps one connection, whose prepared statements PostgreSQL lists.
            try await context.app.db.transaction { database in
                let sql = database as! any SQLDatabase
                let query: SQLQueryString = "SELECT first_name, last_name FROM agents WHERE email = \(bind: email)"
                let names = { (rows: [any SQLRow]) in
                    try rows.map {
                        try $0.decode(column: "first_name", as: String.self) + " "
                            + $0.decode(column: "last_name", as: String.self)
                    }
                }
                let unprepared = try names(try await sql.raw(query).all())
                #expect(unprepared.count == 1)
                for _ in 0..<3 {
                    #expect(try names(try await sql.prepared(query).all()) == unprepared)
                }
                // A null leaves its parameter's type to PostgreSQL: the same text run with a value is another
                // statement, whose parameter is typed by the value.
                let nobody: String? = nil
                for lastName in [nobody, "Personne", nobody] {
                    let query: SQLQueryString = """
                        SELECT COUNT(*) AS found FROM agents
                        WHERE email = \(bind: email) OR last_name = \(bind: lastName)
                        """
                    #expect(try await sql.prepared(query).first()?.decode(column: "found", as: Int.self) == 1)
                }

                guard TestDatabase.serverURL != nil else { return }
                let statements = try await sql.raw("SELECT name, statement FROM pg_prepared_statements").all().map {
                    (
                        name: try $0.decode(column: "name", as: String.self),
                        sql: try $0.decode(column: "statement", as: String.self)
                    )
                }
                let lookups = statements.filter { $0.sql.contains("FROM agents WHERE email = $1") }
                #expect(lookups.count == 1, "\(statements)")
                let counts = statements.filter { $0.sql.contains("OR last_name = $2") }
                #expect(counts.count == 2, "\(statements)")
                #expect((lookups + counts).allSatisfy { $0.name.hasPrefix("habilis_") })
            }
        }
    }

    @Test("a statement first met in an aborted transaction works on that connection once the transaction is over")
    func afterAbortedTransaction() async throws {
        try await withTestApp { context in
            try await context.app.db.withConnection { database in
                let sql = database as! any SQLDatabase
                let query: SQLQueryString = """
                    SELECT COUNT(*) AS agents FROM agents WHERE email <> \(bind: "personne@exemple.fr")
                    """
                try await sql.raw("BEGIN").run()
                // An error aborts a PostgreSQL transaction: every statement after it is refused, its preparation too.
                await #expect(throws: (any Error).self) { try await sql.raw("SELECT * FROM no_such_table").run() }
                let refused = (try? await sql.prepared(query).all()) == nil
                #expect(refused == (TestDatabase.serverURL != nil))
                try await sql.raw("ROLLBACK").run()
                for _ in 0..<2 {
                    let agents = try await sql.prepared(query).first()?.decode(column: "agents", as: Int.self)
                    #expect((agents ?? 0) > 0)
                }
            }
        }
    }
}
