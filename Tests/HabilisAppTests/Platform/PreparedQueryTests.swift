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
                // A null has no type to fix the parameter's: that statement runs unprepared, with the same answer.
                let withNull: SQLQueryString = """
                    SELECT COUNT(*) AS found FROM agents WHERE email = \(bind: email) OR last_name = \(bind: String?.none)
                    """
                #expect(try await sql.prepared(withNull).first()?.decode(column: "found", as: Int.self) == 1)

                guard TestDatabase.serverURL != nil else { return }
                let statements = try await sql.raw("SELECT name, statement FROM pg_prepared_statements").all().map {
                    (
                        try $0.decode(column: "name", as: String.self),
                        try $0.decode(column: "statement", as: String.self)
                    )
                }
                let agentLookups = statements.filter { $0.1.contains("FROM agents WHERE email = $1") }
                #expect(agentLookups.count == 1, "\(statements)")
                #expect(agentLookups.first?.0.hasPrefix("habilis_") == true)
                #expect(!agentLookups.contains { $0.1.contains("last_name = $2") })
            }
        }
    }
}
