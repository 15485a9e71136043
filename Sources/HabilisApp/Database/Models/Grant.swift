import Fluent
import Foundation

/// A right ("habilitation") of an agent on an application; revoked rights are kept as history.
public final class Grant: Model, @unchecked Sendable {
    public static let schema = "grants"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "agent_id") public var agent: Agent
    @Parent(key: "application_id") public var application: BusinessApplication
    /// The profile held, nil on an application without profiles.
    @OptionalParent(key: "profile_id") public var profile: ApplicationProfile?
    @Field(key: "granted_at") public var grantedAt: Date
    @OptionalParent(key: "granted_by_id") public var grantedBy: Agent?
    @OptionalParent(key: "access_request_id") public var accessRequest: AccessRequest?
    @OptionalField(key: "revoked_at") public var revokedAt: Date?
    @OptionalParent(key: "revoked_by_id") public var revokedBy: Agent?
    @OptionalField(key: "revocation_reason") public var revocationReason: String?
    /// When the right ends by itself (the application's maximum validity, or shorter as its decider chose).
    @OptionalField(key: "expires_at") public var expiresAt: Date?
    /// The notices of its end sent so far: 1 after the one 30 days before, 2 after the one 7 days before.
    @OptionalField(key: "expiry_notices") public var expiryNotices: Int?

    public init() {}

    public init(
        id: UUID? = nil, agentID: UUID, applicationID: UUID, grantedAt: Date, grantedByID: UUID?,
        accessRequestID: UUID?, expiresAt: Date? = nil, profileID: UUID? = nil
    ) {
        self.id = id
        self.$agent.id = agentID
        self.$application.id = applicationID
        self.grantedAt = grantedAt
        self.$grantedBy.id = grantedByID
        self.$accessRequest.id = accessRequestID
        self.expiresAt = expiresAt
        self.$profile.id = profileID
        self.expiryNotices = 0
    }
}
