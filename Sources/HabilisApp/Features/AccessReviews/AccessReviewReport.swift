import Fluent
import Foundation
import SQLKit
import Vapor

/// The campaign report for auditors: every right the campaign covered, with its decision, who took it, when and
/// why, a page at a time in the order of the items' key.
enum AccessReviewReport {
    static let header = [
        "campagne", "organisme", "email", "prenom", "nom", "application", "accordee_le", "origine", "decision",
        "par_la_regle", "revue_par", "revue_le", "motif",
    ]

    static func response(for campaign: ReviewCampaign, on database: any Database) -> Response {
        let sql = database as! any SQLDatabase
        let (campaignID, name) = (campaign.id!, campaign.name)
        return PagedCSV.response(filename: "revue-des-habilitations.csv", header: header) { (after: UUID?) in
            let rows = try await sql.raw(statement(campaignID, after: after)).all()
            return (
                try rows.map { try line($0, campaign: name) },
                try rows.last.map { try $0.decode(column: "grant_id", as: UUID.self) }
            )
        }
    }

    static func statement(_ campaignID: UUID, after: UUID?) -> SQLQueryString {
        let select: SQLQueryString = """
            SELECT i.grant_id, i.decision, i.by_deadline, i.reason, i.decided_at, o.name AS organisation, a.email,
                a.first_name, a.last_name, \(RightName.sql(application: "p", profile: "pr")) AS application, g.granted_at, r.status AS request_status,
                gd.first_name AS granter_first_name, gd.last_name AS granter_last_name,
                rd.first_name AS reviewer_first_name, rd.last_name AS reviewer_last_name,
                ds.first_name AS deputised_first_name, ds.last_name AS deputised_last_name
            FROM review_items i
            JOIN grants g ON g.id = i.grant_id
            JOIN agents a ON a.id = i.agent_id
            JOIN organisations o ON o.id = i.organisation_id
            JOIN applications p ON p.id = i.application_id
            LEFT JOIN application_profiles pr ON pr.id = g.profile_id
            LEFT JOIN access_requests r ON r.id = g.access_request_id
            LEFT JOIN agents gd ON gd.id = g.granted_by_id
            LEFT JOIN agents rd ON rd.id = i.decided_by_id
            LEFT JOIN agents ds ON ds.id = i.deputy_of_id
            WHERE i.campaign_id = \(bind: campaignID)
            """
        let page: SQLQueryString = after.map { " AND i.grant_id > \(bind: $0)" } ?? ""
        return select + page + " ORDER BY i.grant_id LIMIT \(unsafeRaw: String(PagedCSV.rowsPerPage))"
    }

    static func line(_ row: any SQLRow, campaign: String) throws -> String {
        func text(_ column: String) throws -> String { try row.decode(column: column, as: String?.self) ?? "" }
        func person(_ prefix: String) throws -> String {
            guard let first = try row.decode(column: prefix + "_first_name", as: String?.self) else { return "" }
            return "\(first) \(try text(prefix + "_last_name"))"
        }
        let decision =
            switch try row.decode(column: "decision", as: String?.self) {
            case "kept": "conservée"
            case "removed": "retirée"
            case "ended": "retirée par ailleurs"
            default: "à revoir"
            }
        let granter = try person("granter")
        // « Paul Martin, en suppléance de Marie Durand » for a deputy's review.
        func reviewer() throws -> String {
            let deputised = try person("deputised")
            return try person("reviewer") + (deputised.isEmpty ? "" : ", en suppléance de \(deputised)")
        }
        return CSV.line([
            campaign, try text("organisation"), try text("email"), try text("first_name"), try text("last_name"),
            try text("application"), ParisCalendar.shortDate(try row.decode(column: "granted_at", as: Date.self)),
            MyRightsPage.GrantRow.origin(
                requestStatus: try row.decode(column: "request_status", as: String?.self)
                    .flatMap(AccessRequest.Status.init(rawValue:)),
                granterName: granter.isEmpty ? nil : granter),
            decision, try row.decode(column: "by_deadline", as: Bool.self) ? "oui" : "non",
            try row.decode(column: "by_deadline", as: Bool.self) ? "Habilis" : try reviewer(),
            try row.decode(column: "decided_at", as: Date?.self).map(ParisCalendar.longDateTime) ?? "",
            try text("reason"),
        ])
    }
}
