import Fluent
import Foundation

/// A "lettre d'information" agents may subscribe to.
public final class Newsletter: Model, @unchecked Sendable {
    public static let schema = "newsletters"

    @ID(key: .id) public var id: UUID?
    @Field(key: "title") public var title: String
    @Field(key: "position") public var position: Int
    @Field(key: "is_active") public var isActive: Bool

    public init() {}

    public init(id: UUID? = nil, title: String, position: Int) {
        self.id = id
        self.title = title
        self.position = position
        self.isActive = true
    }
}

/// An agent's opt-in to a newsletter, with the time of consent.
public final class Subscription: Model, @unchecked Sendable {
    public static let schema = "subscriptions"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "agent_id") public var agent: Agent
    @Parent(key: "newsletter_id") public var newsletter: Newsletter
    @Field(key: "subscribed_at") public var subscribedAt: Date

    public init() {}

    public init(agentID: UUID, newsletterID: UUID, subscribedAt: Date) {
        self.$agent.id = agentID
        self.$newsletter.id = newsletterID
        self.subscribedAt = subscribedAt
    }
}
