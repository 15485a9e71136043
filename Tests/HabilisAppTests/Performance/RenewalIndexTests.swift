import Fluent
import Foundation
import SQLKit
import Testing

@testable import HabilisApp

/// « Mes habilitations » looks up each right's pending renewal: through an index, not among every pending request
/// (a scan cost 10 ms a right at federation scale).
@Suite("Index of pending renewals")
struct RenewalIndexTests {
    @Test("the pending renewal of a right is found through its index, on SQLite and PostgreSQL")
    func renewalLookupUsesIndex() async throws {
        try await withTestApp { context in
            try await context.app.db.withConnection { database in
                let sql = database as! any SQLDatabase
                let lookup = """
                    SELECT p.id FROM access_requests p
                    WHERE p.renews_grant_id = \(bind: UUID()) AND p.status = 'pending' LIMIT 1
                    """ as SQLQueryString
                let plan: [String]
                if TestDatabase.serverURL != nil {
                    // A test database is too small for the planner to prefer an index: forbid the scan instead.
                    try await sql.raw("SET enable_seqscan = off").run()
                    plan = try await sql.raw("EXPLAIN \(lookup)").all().map {
                        try $0.decode(column: "QUERY PLAN", as: String.self)
                    }
                    try await sql.raw("RESET enable_seqscan").run()
                } else {
                    plan = try await sql.raw("EXPLAIN QUERY PLAN \(lookup)").all().map {
                        try $0.decode(column: "detail", as: String.self)
                    }
                }
                #expect(plan.contains { $0.contains("access_requests_renewal_idx") }, "\(plan)")
            }
        }
    }
}
