import Fluent
import Foundation
import SQLKit
import Vapor

/// Every right, current and withdrawn, oldest first, as a CSV download streamed a page at a time. At federation
/// scale there are hundreds of thousands of rights: loaded as models with their agent, organisme and application
/// they took gigabytes; here each page is one joined statement read from the `(granted_at, id)` index after the
/// last row sent, and the next page is read once this one has left.
enum RightsExport {
    static let header = ["email", "prenom", "nom", "organisme", "application", "accordee_le", "retiree_le"]
    static let rowsPerPage = 2_000

    static func response(on database: any Database) -> Response {
        let sql = database as! any SQLDatabase
        let response = Response(
            status: .ok,
            body: .init(asyncStream: { writer in
                try await writer.writeBuffer(ByteBuffer(string: "\u{FEFF}" + CSV.line(header)))
                var after: (grantedAt: Date, id: UUID)? = nil
                while true {
                    let rows = try await sql.raw(statement(after: after)).all()
                    guard let last = rows.last else { break }
                    try await writer.writeBuffer(ByteBuffer(string: rows.map(line).joined()))
                    after = (
                        try last.decode(column: "granted_at", as: Date.self),
                        try last.decode(column: "id", as: UUID.self)
                    )
                    if rows.count < rowsPerPage { break }
                }
                try await writer.write(.end)
            }))
        response.headers.replaceOrAdd(name: .contentType, value: "text/csv; charset=utf-8")
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"habilitations.csv\"")
        return response
    }

    /// The page of rights after `after`, with their holder, organisme and application.
    static func statement(after: (grantedAt: Date, id: UUID)?) -> SQLQueryString {
        let select: SQLQueryString = """
            SELECT g.id, g.granted_at, g.revoked_at, a.email, a.first_name, a.last_name, o.name AS organisation, \
            p.name AS application FROM grants g JOIN agents a ON a.id = g.agent_id \
            JOIN organisations o ON o.id = a.organisation_id JOIN applications p ON p.id = g.application_id 
            """
        let page: SQLQueryString =
            after.map { "WHERE (g.granted_at, g.id) > (\(bind: $0.grantedAt), \(bind: $0.id)) " } ?? ""
        return select + page + "ORDER BY g.granted_at, g.id LIMIT \(unsafeRaw: String(rowsPerPage))"
    }

    static func line(_ row: any SQLRow) -> String {
        let text = { (column: String) in (try? row.decode(column: column, as: String.self)) ?? "" }
        let grantedAt = (try? row.decode(column: "granted_at", as: Date.self)).map(ParisCalendar.shortDate) ?? ""
        let revokedAt = (try? row.decode(column: "revoked_at", as: Date?.self)).flatMap { $0 }
        return CSV.line([
            text("email"), text("first_name"), text("last_name"), text("organisation"), text("application"),
            grantedAt, revokedAt.map(ParisCalendar.shortDate) ?? "",
        ])
    }
}
