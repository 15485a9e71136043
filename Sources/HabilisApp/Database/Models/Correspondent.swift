import Fluent
import Foundation

/// The designation of an agent as "correspondant local" of an organisme, optionally for some applications only.
public final class Correspondent: Model, @unchecked Sendable {
    public static let schema = "correspondents"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "agent_id") public var agent: Agent
    @Parent(key: "organisation_id") public var organisation: Organisation
    @Field(key: "created_at") public var createdAt: Date
    @Children(for: \.$correspondent) public var scopes: [CorrespondentScope]

    public init() {}

    public init(id: UUID? = nil, agentID: UUID, organisationID: UUID, createdAt: Date) {
        self.id = id
        self.$agent.id = agentID
        self.$organisation.id = organisationID
        self.createdAt = createdAt
    }
}

/// Limits a correspondent to one application; a correspondent without scopes covers every application.
public final class CorrespondentScope: Model, @unchecked Sendable {
    public static let schema = "correspondent_scopes"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "correspondent_id") public var correspondent: Correspondent
    @Parent(key: "application_id") public var application: BusinessApplication

    public init() {}

    public init(correspondentID: UUID, applicationID: UUID) {
        self.$correspondent.id = correspondentID
        self.$application.id = applicationID
    }
}
