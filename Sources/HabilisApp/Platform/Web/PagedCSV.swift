import SQLKit
import Vapor

/// A CSV download written a page at a time: each page is read after the last row sent (keyset, from an index) and
/// only once the previous page has left, so memory stays that of one page whatever the size of the table. One
/// statement streamed instead would not do: SQLiteNIO queues every row of a statement without back-pressure.
enum PagedCSV {
    static let rowsPerPage = 2_000

    /// `page` returns the lines after `cursor` (nil: from the start) and the cursor of its last line; fewer than
    /// `rowsPerPage` lines end the document.
    static func response<Cursor: Sendable>(
        filename: String, header: [String],
        page: @escaping @Sendable (Cursor?) async throws -> (lines: [String], last: Cursor?)
    ) -> Response {
        Response(
            status: .ok,
            body: .init(asyncStream: { writer in
                try await writer.writeBuffer(ByteBuffer(string: "\u{FEFF}" + CSV.line(header)))
                var cursor: Cursor? = nil
                while true {
                    let (lines, last) = try await page(cursor)
                    if !lines.isEmpty { try await writer.writeBuffer(ByteBuffer(string: lines.joined())) }
                    guard lines.count == rowsPerPage, let last else { break }
                    cursor = last
                }
                try await writer.write(.end)
            })
        )
        .downloadedAsCSV(named: filename)
    }
}

/// Where a keyset page ends: the sort date and the id of its last row.
struct DateAndID: Sendable {
    let date: Date
    let id: UUID

    init(date: Date, id: UUID) {
        self.date = date
        self.id = id
    }

    /// The cursor of a row sorted by `column`, then by its `id`.
    init(_ row: any SQLRow, date column: String) throws {
        self.init(date: try row.decode(column: column, as: Date.self), id: try row.decode(column: "id", as: UUID.self))
    }
}

extension Response {
    /// Served as a CSV file to download under `filename`.
    func downloadedAsCSV(named filename: String) -> Response {
        headers.replaceOrAdd(name: .contentType, value: "text/csv; charset=utf-8")
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(filename)\"")
        return self
    }
}
