import Fluent
import Foundation
import SQLKit
import Vapor

/// Every right, current and withdrawn, as a CSV download streamed while the database reads it. At federation scale
/// there are hundreds of thousands of rights: loaded as models with their agent, organisme and application they
/// took gigabytes; here one joined statement hands rows over one by one, and they leave in chunks.
enum RightsExport {
    static let header = ["email", "prenom", "nom", "organisme", "application", "accordee_le", "retiree_le"]
    /// Lines sent together: a few hundred kilobytes.
    static let linesPerChunk = 2_000

    static func response(on database: any Database) -> Response {
        let sql = database as! any SQLDatabase
        let response = Response(
            status: .ok,
            body: .init(asyncStream: { writer in
                try await writer.writeBuffer(ByteBuffer(string: "\u{FEFF}" + CSV.line(header)))
                let (lines, continuation) = AsyncThrowingStream.makeStream(of: String.self)
                async let read: Void = {
                    do {
                        try await sql.execute(sql: statement) { row in continuation.yield(line(row)) }
                        continuation.finish()
                    } catch {
                        continuation.finish(throwing: error)
                    }
                }()
                var chunk = ""
                var count = 0
                for try await line in lines {
                    chunk += line
                    count += 1
                    if count == linesPerChunk {
                        try await writer.writeBuffer(ByteBuffer(string: chunk))
                        chunk = ""
                        count = 0
                    }
                }
                try await read
                if !chunk.isEmpty { try await writer.writeBuffer(ByteBuffer(string: chunk)) }
                try await writer.write(.end)
            }))
        response.headers.replaceOrAdd(name: .contentType, value: "text/csv; charset=utf-8")
        response.headers.replaceOrAdd(
            name: .contentDisposition, value: "attachment; filename=\"habilitations.csv\"")
        return response
    }

    /// Rights with their holder, organisme and application, oldest first.
    static var statement: any SQLExpression {
        SQLQueryString(
            """
            SELECT a.email, a.first_name, a.last_name, o.name AS organisation, p.name AS application, \
            g.granted_at, g.revoked_at FROM grants g JOIN agents a ON a.id = g.agent_id \
            JOIN organisations o ON o.id = a.organisation_id JOIN applications p ON p.id = g.application_id \
            ORDER BY g.granted_at, g.id
            """)
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
