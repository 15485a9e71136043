import Fluent
import Foundation
import SQLKit

/// A "demande d'habilitation": an agent asks for access to an application.
public final class AccessRequest: Model, @unchecked Sendable {
    public static let schema = "access_requests"

    /// The states of a request; only `pending` can change.
    public enum Status: String, Codable, Sendable {
        case pending, accepted, refused, cancelled
        case autoAccepted = "auto_accepted"
    }

    @ID(key: .id) public var id: UUID?
    @Parent(key: "agent_id") public var agent: Agent
    @Parent(key: "application_id") public var application: BusinessApplication
    /// The requester's organisme when the request was made; it decides the routing.
    @Parent(key: "organisation_id") public var organisation: Organisation
    /// The profile asked for, nil on an application without profiles.
    @OptionalParent(key: "profile_id") public var profile: ApplicationProfile?
    @OptionalField(key: "justification") public var justification: String?
    @Field(key: "status") public var status: Status
    /// Who decides, fixed when the request is routed (and re-routed when correspondents or modes change).
    @Field(key: "routed_to") public var routedTo: Deciders
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "due_at") public var dueAt: Date
    @OptionalField(key: "decided_at") public var decidedAt: Date?
    @OptionalParent(key: "decided_by_id") public var decidedBy: Agent?
    @OptionalField(key: "refusal_reason") public var refusalReason: String?
    @OptionalField(key: "reminded_at") public var remindedAt: Date?
    /// A renewal: the right it extends when accepted (the right stays until then, or until its end date).
    @OptionalField(key: "renews_grant_id") public var renewsGrantID: UUID?

    public init() {}

    public init(
        id: UUID? = nil, agentID: UUID, applicationID: UUID, organisationID: UUID, justification: String?,
        routedTo: Deciders, createdAt: Date, dueAt: Date
    ) {
        self.id = id
        self.$agent.id = agentID
        self.$application.id = applicationID
        self.$organisation.id = organisationID
        self.justification = justification
        self.status = .pending
        self.routedTo = routedTo
        self.createdAt = createdAt
        self.dueAt = dueAt
    }
}

extension AccessRequest {
    /// `status = 'pending'` on `access_requests` (or its alias `table`), written as a literal: the indexes of the
    /// queue and the sweep only hold pending requests (migration 009), and SQLite uses a partial index only when the
    /// query repeats its condition literally, a bound value being unknown when it plans.
    static func isPending(table: String? = nil) -> any SQLExpression {
        SQLBinaryExpression(
            table.map { SQLColumn("status", table: $0) } ?? SQLColumn("status"), .equal,
            SQLLiteral.string(Status.pending.rawValue))
    }
}

/// Who decides on a request: the correspondents of the requester's organisme, or the UCANSS administrators.
public enum Deciders: String, Codable, Sendable {
    case correspondents
    case administrators
}
