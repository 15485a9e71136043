import Fluent
import Foundation
import Vapor

/// A campaign of access review (« campagne de revue des habilitations »): the rights in its scope when it opened,
/// each to keep or remove by its deadline. Its items are read and written in SQL (`AccessReviewService`).
public final class ReviewCampaign: Model, @unchecked Sendable {
    public static let schema = "review_campaigns"

    /// What becomes of a right nobody reviewed by the deadline.
    public enum Unreviewed: String, Codable, Sendable {
        case keep
        case remove
    }

    @ID(key: .id) public var id: UUID?
    @Field(key: "name") public var name: String
    @Field(key: "opened_at") public var openedAt: Date
    @OptionalParent(key: "opened_by_id") public var openedBy: Agent?
    /// Midnight in Paris after the last day of review.
    @Field(key: "deadline") public var deadline: Date
    @Field(key: "unreviewed") public var unreviewed: Unreviewed
    /// The reminders sent so far: 1 after the one 7 days before the deadline, 2 after the one the day before.
    @Field(key: "reminders_sent") public var remindersSent: Int
    /// When the sweep applied the rule to what was left.
    @OptionalField(key: "closed_at") public var closedAt: Date?

    public init() {}

    public init(
        id: UUID? = nil, name: String, openedAt: Date, openedByID: UUID?, deadline: Date, unreviewed: Unreviewed
    ) {
        self.id = id
        self.name = name
        self.openedAt = openedAt
        self.$openedBy.id = openedByID
        self.deadline = deadline
        self.unreviewed = unreviewed
        self.remindersSent = 0
    }

    /// Reviewers may still decide.
    func isOpen(at instant: Date) -> Bool { closedAt == nil && instant < deadline }

    /// « Les habilitations non revues le 15 janvier 2027 au soir seront retirées. », as everyone involved reads it.
    var ruleSentence: String {
        let lastDay = RightValidity.lastDay(of: deadline)
        switch unreviewed {
        case .keep: return "Les habilitations non revues à la fin du \(lastDay) seront conservées."
        case .remove: return "Les habilitations non revues à la fin du \(lastDay) seront retirées."
        }
    }
}

extension ReviewCampaign {
    /// The campaign of the URL's `:id`, or 404.
    static func named(by req: Request) async throws -> ReviewCampaign {
        guard let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)),
            let campaign = try await ReviewCampaign.find(id, on: req.db)
        else { throw Abort(.notFound) }
        return campaign
    }
}
