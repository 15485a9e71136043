import Fluent
import Foundation

/// A registration ("demande de création de compte") awaiting proof of address and then validation.
public final class AccountRequest: Model, @unchecked Sendable {
    public static let schema = "account_requests"

    /// The states of a registration.
    public enum Status: String, Codable, Sendable {
        case awaitingProof = "awaiting_proof"
        case pending, accepted, refused, expired
    }

    @ID(key: .id) public var id: UUID?
    @Field(key: "email") public var email: String
    @Field(key: "civility") public var civility: String
    @Field(key: "first_name") public var firstName: String
    @Field(key: "last_name") public var lastName: String
    @OptionalField(key: "birth_name") public var birthName: String?
    @Parent(key: "organisation_id") public var organisation: Organisation
    @OptionalParent(key: "second_organisation_id") public var secondOrganisation: Organisation?
    @OptionalField(key: "phone") public var phone: String?
    @OptionalField(key: "contact_email") public var contactEmail: String?
    @Field(key: "password_hash") public var passwordHash: String
    @Field(key: "status") public var status: Status
    @Field(key: "routed_to") public var routedTo: Deciders
    @Field(key: "proof_token_hash") public var proofTokenHash: String
    @Field(key: "proof_expires_at") public var proofExpiresAt: Date
    @Field(key: "outside_mail_domains") public var isOutsideMailDomains: Bool
    @Field(key: "created_at") public var createdAt: Date
    @OptionalField(key: "proven_at") public var provenAt: Date?
    @OptionalField(key: "decided_at") public var decidedAt: Date?
    @OptionalParent(key: "decided_by_id") public var decidedBy: Agent?
    @OptionalField(key: "refusal_reason") public var refusalReason: String?
    @OptionalField(key: "escalated_at") public var escalatedAt: Date?

    public init() {}
}
