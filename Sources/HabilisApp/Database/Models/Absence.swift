import Fluent
import Foundation

/// A correspondent away for a period, and who decides in their place meanwhile (nobody: the other correspondents
/// of the organisme, or the administrators when none is left).
public final class Absence: Model, @unchecked Sendable {
    public static let schema = "absences"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "agent_id") public var agent: Agent
    @Field(key: "starts_at") public var startsAt: Date
    @Field(key: "ends_at") public var endsAt: Date
    @OptionalParent(key: "deputy_id") public var deputy: Agent?
    @OptionalField(key: "created_by_id") public var createdByID: UUID?
    @Field(key: "created_at") public var createdAt: Date
    @OptionalField(key: "rerouted_at") public var reroutedAt: Date?

    public init() {}

    public init(agentID: UUID, startsAt: Date, endsAt: Date, deputyID: UUID?, createdByID: UUID?, createdAt: Date) {
        self.$agent.id = agentID
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.$deputy.id = deputyID
        self.createdByID = createdByID
        self.createdAt = createdAt
    }

    func isCurrent(at instant: Date) -> Bool { startsAt <= instant && instant < endsAt }
}
