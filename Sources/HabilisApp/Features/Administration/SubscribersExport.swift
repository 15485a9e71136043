import Fluent
import Foundation
import SQLKit
import Vapor

/// The subscribers of one newsletter, in the order they subscribed, as CSV: every agent of the federation may be
/// one, so it is written a page at a time from the `(newsletter_id, subscribed_at, id)` index.
enum SubscribersExport {
    static let header = ["email", "civilite", "prenom", "nom", "organisme", "abonne_le"]

    static func response(of newsletterID: UUID, filename: String, on database: any Database) -> Response {
        let sql = database as! any SQLDatabase
        return PagedCSV.response(filename: filename, header: header) { (after: DateAndID?) in
            let rows = try await sql.raw(statement(of: newsletterID, after: after)).all()
            return (rows.map(line), try rows.last.map { try DateAndID($0, date: "subscribed_at") })
        }
    }

    static func statement(of newsletterID: UUID, after: DateAndID?) -> SQLQueryString {
        let select: SQLQueryString = """
            SELECT s.id, s.subscribed_at, a.email, a.civility, a.first_name, a.last_name, o.name AS organisation \
            FROM subscriptions s JOIN agents a ON a.id = s.agent_id JOIN organisations o ON o.id = a.organisation_id \
            WHERE s.newsletter_id = \(bind: newsletterID) 
            """
        let page: SQLQueryString =
            after.map { "AND (s.subscribed_at, s.id) > (\(bind: $0.date), \(bind: $0.id)) " } ?? ""
        return select + page + "ORDER BY s.subscribed_at, s.id LIMIT \(unsafeRaw: String(PagedCSV.rowsPerPage))"
    }

    static func line(_ row: any SQLRow) -> String {
        let text = { (column: String) in (try? row.decode(column: column, as: String.self)) ?? "" }
        let subscribedAt = (try? row.decode(column: "subscribed_at", as: Date.self)).map(ParisCalendar.shortDate)
        return CSV.line([
            text("email"), text("civility"), text("first_name"), text("last_name"), text("organisation"),
            subscribedAt ?? "",
        ])
    }
}
