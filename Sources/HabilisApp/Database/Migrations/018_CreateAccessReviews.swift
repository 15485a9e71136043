import Fluent
import SQLKit

/// Access reviews (issue 19): a campaign, its scope, and one item per right it covers, taken when it opens, with
/// what its reviewer decided. An item is named by its campaign and its right: a right is reviewed once per campaign.
struct CreateAccessReviews: AsyncMigration {
    var name: String { "018_CreateAccessReviews" }

    func prepare(on database: any Database) async throws {
        try await database.schema("review_campaigns")
            .id()
            .field("name", .string, .required)
            .field("opened_at", .datetime, .required)
            .field("opened_by_id", .uuid, .references("agents", "id"))
            // The instant the campaign ends: midnight in Paris after its last day.
            .field("deadline", .datetime, .required)
            // What becomes of a right nobody reviewed by the deadline: "keep" or "remove".
            .field("unreviewed", .string, .required)
            .field("reminders_sent", .int, .required, .sql(.default(0)))
            .field("closed_at", .datetime)
            .create()
        // The organismes and applications a campaign is limited to; none of a kind: all of them.
        try await database.schema("review_scopes")
            .field("campaign_id", .uuid, .required, .references("review_campaigns", "id", onDelete: .cascade))
            .field("organisation_id", .uuid, .references("organisations", "id"))
            .field("application_id", .uuid, .references("applications", "id"))
            .create()
        try await database.schema("review_items")
            .field("campaign_id", .uuid, .required, .references("review_campaigns", "id", onDelete: .cascade))
            .field("grant_id", .uuid, .required, .references("grants", "id"))
            .field("agent_id", .uuid, .required)
            .field("organisation_id", .uuid, .required)
            .field("application_id", .uuid, .required)
            // Centrally managed, or decided by an administrator: the administrators review it, as they withdraw it.
            .field("by_administrators", .bool, .required)
            // "kept", "removed", or "ended" when the right had ended otherwise; null until then.
            .field("decision", .string)
            .field("reason", .string)
            .field("decided_by_id", .uuid)
            .field("decided_at", .datetime)
            // Decided by the campaign's rule at the deadline, not by a reviewer.
            .field("by_deadline", .bool, .required, .sql(.default(false)))
            .compositeIdentifier(over: "campaign_id", "grant_id")
            .create()
        let sql = database as! any SQLDatabase
        try await sql.raw("CREATE INDEX review_scopes_campaign_idx ON review_scopes (campaign_id)").run()
        // The reviewer's page and the progress read one campaign's items per organisme.
        try await sql.raw(
            "CREATE INDEX review_items_organisation_idx ON review_items (campaign_id, organisation_id, application_id)"
        ).run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("review_items").delete()
        try await database.schema("review_scopes").delete()
        try await database.schema("review_campaigns").delete()
    }
}
