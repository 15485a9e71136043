import Fluent
import Foundation

/// A business application of the service offer, to which agents ask for access.
public final class BusinessApplication: Model, @unchecked Sendable {
    public static let schema = "applications"

    /// Who decides on access requests for the application.
    public enum AccessMode: String, Codable, Sendable {
        /// The correspondents of the requester's organisme.
        case local
        /// The UCANSS administrators.
        case central
    }

    /// What a granted request for another profile of the application does to the profile held.
    public enum ProfileChange: String, Codable, Sendable {
        /// The agent holds one profile: the new one replaces the old.
        case replace
        /// The agent may hold several profiles: the new one is added.
        case add
    }

    @ID(key: .id) public var id: UUID?
    @Field(key: "code") public var code: String
    @Field(key: "name") public var name: String
    @Field(key: "description") public var summary: String
    @Field(key: "launch_url") public var launchURL: String
    @Field(key: "access_mode") public var accessMode: AccessMode
    @Field(key: "is_active") public var isActive: Bool
    @Field(key: "position") public var position: Int
    @Field(key: "created_at") public var createdAt: Date
    /// Rights to it end this many months after they are granted or renewed (nil: they do not end by themselves).
    @OptionalField(key: "max_validity_months") public var maxValidityMonths: Int?
    @Field(key: "profile_change") public var profileChange: ProfileChange

    public init() {}

    public init(
        id: UUID? = nil, code: String, name: String, summary: String, launchURL: String, accessMode: AccessMode,
        position: Int, createdAt: Date
    ) {
        self.id = id
        self.code = code
        self.name = name
        self.summary = summary
        self.launchURL = launchURL
        self.accessMode = accessMode
        self.isActive = true
        self.position = position
        self.createdAt = createdAt
        self.profileChange = .replace
    }
}

extension BusinessApplication {
    /// The end of a right to this application granted or renewed at `instant`: the same day `maxValidityMonths`
    /// later in Paris (the last day of a shorter month), nil when its rights do not end by themselves.
    func rightEnd(from instant: Date) -> Date? {
        guard let months = maxValidityMonths else { return nil }
        return ParisCalendar.calendar.date(byAdding: .month, value: months, to: instant)
    }
}
