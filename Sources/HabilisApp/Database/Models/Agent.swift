import Fluent
import Foundation

/// A person's account on the portal ("compte d'accès"): agents, ADD, correspondents and administrators alike.
public final class Agent: Model, @unchecked Sendable {
    public static let schema = "agents"

    /// Where an account stands in its life.
    public enum Status: String, Codable, Sendable {
        case pendingVerification = "pending_verification"
        case pendingValidation = "pending_validation"
        case active
        case refused
        case disabled
    }

    @ID(key: .id) public var id: UUID?
    /// The login ("identifiant de connexion"), stored normalised (see `EmailAddress`).
    @Field(key: "email") public var email: String
    @Field(key: "password_hash") public var passwordHash: String
    @Field(key: "civility") public var civility: String
    @Field(key: "first_name") public var firstName: String
    @Field(key: "last_name") public var lastName: String
    @OptionalField(key: "birth_name") public var birthName: String?
    @Parent(key: "organisation_id") public var organisation: Organisation
    @OptionalParent(key: "second_organisation_id") public var secondOrganisation: Organisation?
    @OptionalField(key: "contact_email") public var contactEmail: String?
    @OptionalField(key: "phone") public var phone: String?
    /// Agent de Direction: identity data is mastered by the Référentiel des Agents de Direction.
    @Field(key: "is_director") public var isDirector: Bool
    @Field(key: "is_administrator") public var isAdministrator: Bool
    /// Allowed by the administration to stand in for an absent correspondent of their organisme (nil: no).
    @OptionalField(key: "may_deputise") public var mayDeputise: Bool?
    @Field(key: "status") public var status: Status
    @Field(key: "created_at") public var createdAt: Date
    @OptionalField(key: "last_sign_in_at") public var lastSignInAt: Date?
    /// The identifier of the account in the directory that feeds it (SCIM `externalId`).
    @OptionalField(key: "external_id") public var externalID: String?
    /// The directory feed that masters the account's identity (its name, e-mail, telephone): those fields are then
    /// read-only in « Mes coordonnées », whose notice names it.
    @OptionalField(key: "identity_source") public var identitySource: String?
    /// The last change of the account's details or status (SCIM `meta.lastModified`); nil: never since created.
    @OptionalField(key: "updated_at") public var updatedAt: Date?

    public init() {}

    public init(
        id: UUID? = nil, email: String, passwordHash: String, civility: String, firstName: String, lastName: String,
        organisationID: UUID, status: Status, createdAt: Date
    ) {
        self.id = id
        self.email = email
        self.passwordHash = passwordHash
        self.civility = civility
        self.firstName = firstName
        self.lastName = lastName
        self.$organisation.id = organisationID
        self.isDirector = false
        self.isAdministrator = false
        self.status = status
        self.createdAt = createdAt
    }

    public var fullName: String { "\(firstName) \(lastName)" }
}
