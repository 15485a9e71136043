import Fluent
import SQLKit

extension SQLDatabase {
    /// Inserts many rows in multi-row statements (each under SQLite's and PostgreSQL's limits on bound values),
    /// inside the caller's transaction. `ignoringConflicts` skips rows a unique index refuses (`ON CONFLICT DO
    /// NOTHING`), e.g. a right the agent already holds.
    func insertRows(
        into table: String, columns: [String], rows: [[any Encodable & Sendable]], ignoringConflicts: Bool = false
    ) async throws {
        guard !rows.isEmpty else { return }
        for chunk in rows.chunks(of: 30_000 / columns.count) {
            let insert = self.insert(into: table).columns(columns)
            for row in chunk {
                insert.values(row)
            }
            if ignoringConflicts { insert.ignoringConflicts() }
            try await insert.run()
        }
    }
}
