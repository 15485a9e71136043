import Fluent
import Foundation

/// An "organisme" of the federation (a CPAM, a CAF, a CARSAT, UCANSS itself).
public final class Organisation: Model, @unchecked Sendable {
    public static let schema = "organisations"

    /// The branch of social security the organisme belongs to.
    public enum Branch: String, Codable, CaseIterable, Sendable {
        case maladie, famille, retraite, recouvrement, autre
    }

    @ID(key: .id) public var id: UUID?
    @Field(key: "code") public var code: String
    @Field(key: "name") public var name: String
    @Field(key: "branch") public var branch: Branch
    /// Comma-separated mail domains accepted for registration; empty means any.
    @Field(key: "mail_domains") public var mailDomainsText: String
    @Field(key: "is_active") public var isActive: Bool
    /// Alsace-Moselle keeps Good Friday and 26 December as public holidays (delays in working days).
    @OptionalField(key: "alsace_moselle") var alsaceMoselle: Bool?
    @Field(key: "created_at") public var createdAt: Date

    public init() {}

    public init(id: UUID? = nil, code: String, name: String, branch: Branch, mailDomains: [String], createdAt: Date) {
        self.id = id
        self.code = code
        self.name = name
        self.branch = branch
        self.mailDomainsText = mailDomains.joined(separator: ",")
        self.isActive = true
        self.createdAt = createdAt
    }

    public var mailDomains: [String] { Self.mailDomains(fromText: mailDomainsText) }

    public var isInAlsaceMoselle: Bool {
        get { alsaceMoselle ?? false }
        set { alsaceMoselle = newValue }
    }

    /// The domains of the stored column, comma-separated.
    static func mailDomains(fromText text: String) -> [String] {
        text.split(separator: ",").map { String($0) }
    }
}
