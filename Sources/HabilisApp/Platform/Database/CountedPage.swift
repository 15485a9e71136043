import SQLKit

/// One page of a list read with the size of the whole list in the same statement: the statement selects the count
/// as a `total` column (a scalar subquery, evaluated once), so a paged list costs one statement, not two.
struct CountedPage {
    let rows: [any SQLRow]
    let total: Int

    /// Reads page `number` (from 1) with `rows(offset)`. Past the last page no row carries the total: it is
    /// counted with `count()` and the last page is read instead, as `Pagination` shows it.
    static func read(
        page number: Int, perPage: Int, rows: (_ offset: Int) async throws -> [any SQLRow],
        count: () async throws -> Int
    ) async throws -> CountedPage {
        let found = try await rows((number - 1) * perPage)
        if let first = found.first {
            return CountedPage(rows: found, total: try first.decode(column: "total", as: Int.self))
        }
        let total = try await count()
        let last = max(1, (total + perPage - 1) / perPage)
        guard last < number else { return CountedPage(rows: [], total: total) }
        return CountedPage(rows: try await rows((last - 1) * perPage), total: total)
    }
}
