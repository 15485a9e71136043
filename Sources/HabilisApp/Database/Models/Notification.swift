import Fluent
import Foundation

/// An in-portal message to one account.
public final class Notification: Model, @unchecked Sendable {
    public static let schema = "notifications"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "agent_id") public var agent: Agent
    @Field(key: "message") public var message: String
    @OptionalField(key: "link") public var link: String?
    @Field(key: "created_at") public var createdAt: Date
    @OptionalField(key: "read_at") public var readAt: Date?

    public init() {}

    public init(agentID: UUID, message: String, link: String?, createdAt: Date) {
        self.$agent.id = agentID
        self.message = message
        self.link = link
        self.createdAt = createdAt
    }
}
