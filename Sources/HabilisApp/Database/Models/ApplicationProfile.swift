import Fluent
import Foundation

/// A profile within an application (« Consultation », « Rédaction »): what a right on it lets the agent do there.
/// Its code is what the application reads (the `roles` claim, the API, the events); it never changes.
public final class ApplicationProfile: Model, @unchecked Sendable {
    public static let schema = "application_profiles"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "application_id") public var application: BusinessApplication
    @Field(key: "code") public var code: String
    @Field(key: "label") public var label: String
    @Field(key: "description") public var summary: String
    @Field(key: "position") public var position: Int
    /// The profile offered first, and the one a right granted without naming a profile gets.
    @Field(key: "is_default") public var isDefault: Bool
    @Field(key: "created_at") public var createdAt: Date

    public init() {}

    public init(
        applicationID: UUID, code: String, label: String, summary: String, position: Int, isDefault: Bool,
        createdAt: Date
    ) {
        self.$application.id = applicationID
        self.code = code
        self.label = label
        self.summary = summary
        self.position = position
        self.isDefault = isDefault
        self.createdAt = createdAt
    }
}
