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
        let response = Response(
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
            }))
        response.headers.replaceOrAdd(name: .contentType, value: "text/csv; charset=utf-8")
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(filename)\"")
        return response
    }
}

/// Where a keyset page ends: the sort date and the id of its last row.
struct DateAndID: Sendable {
    let date: Date
    let id: UUID
}
