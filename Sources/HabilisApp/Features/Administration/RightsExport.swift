import Fluent
import Foundation
import SQLKit
import Vapor

/// Every right, current and withdrawn, oldest first, as CSV. At federation scale there are hundreds of thousands:
/// loaded as models with their agent, organisme and application they took gigabytes; each page here is one joined
/// statement read from the `(granted_at, id)` index.
enum RightsExport {
    /// `expire_le` is the last day an active right is held, empty when it does not end by itself.
    static let header = [
        "email", "prenom", "nom", "organisme", "application", "profil", "accordee_le", "retiree_le", "expire_le",
    ]

    static func response(on database: any Database) -> Response {
        let sql = database as! any SQLDatabase
        return PagedCSV.response(filename: "habilitations.csv", header: header) { (after: DateAndID?) in
            let rows = try await sql.raw(statement(after: after)).all()
            return (rows.map(line), try rows.last.map { try DateAndID($0, date: "granted_at") })
        }
    }

    /// The page of rights after `after`, with their holder, organisme and application.
    static func statement(after: DateAndID?) -> SQLQueryString {
        let select: SQLQueryString = """
            SELECT g.id, g.granted_at, g.revoked_at, a.email, a.first_name, a.last_name, o.name AS organisation, \
            g.expires_at, p.name AS application, pr.code AS profile FROM grants g JOIN agents a ON a.id = g.agent_id \
            JOIN organisations o ON o.id = a.organisation_id JOIN applications p ON p.id = g.application_id \
            LEFT JOIN application_profiles pr ON pr.id = g.profile_id 
            """
        let page: SQLQueryString =
            after.map { "WHERE (g.granted_at, g.id) > (\(bind: $0.date), \(bind: $0.id)) " } ?? ""
        return select + page + "ORDER BY g.granted_at, g.id LIMIT \(unsafeRaw: String(PagedCSV.rowsPerPage))"
    }

    static func line(_ row: any SQLRow) -> String {
        let text = { (column: String) in (try? row.decode(column: column, as: String.self)) ?? "" }
        let grantedAt = (try? row.decode(column: "granted_at", as: Date.self)).map(ParisCalendar.shortDate) ?? ""
        let revokedAt = (try? row.decode(column: "revoked_at", as: Date?.self)).flatMap { $0 }
        let expiresAt = (try? row.decode(column: "expires_at", as: Date?.self)).flatMap { $0 }
        return CSV.line([
            text("email"), text("first_name"), text("last_name"), text("organisation"), text("application"),
            text("profile"), grantedAt, revokedAt.map(ParisCalendar.shortDate) ?? "",
            // The last day held, as the pages show it.
            expiresAt.map { ParisCalendar.shortDate($0.addingTimeInterval(-1)) } ?? "",
        ])
    }
}
