import Fluent
import Foundation

/// A machine client of the REST API and SCIM: it authenticates with its id and secret (client-credentials grant)
/// and acts within its scopes, on its application's rights only, or on the whole federation when `application` is
/// nil. The secret is random (256 bits) and kept as its SHA-256, as for the OpenID Connect clients.
public final class MachineClient: Model, @unchecked Sendable {
    public static let schema = "machine_clients"

    @ID(key: .id) public var id: UUID?
    @Field(key: "client_id") public var clientID: String
    @OptionalParent(key: "application_id") public var application: BusinessApplication?
    @Field(key: "name") public var name: String
    @Field(key: "secret_hash") public var secretHash: String
    /// Space-separated, from `MachineScope`.
    @Field(key: "scopes") public var scopeList: String
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "updated_at") public var updatedAt: Date

    public init() {}

    public var scopes: [MachineScope] {
        scopeList.split(separator: " ").compactMap { MachineScope(rawValue: String($0)) }
    }
}

/// What a machine client may be given.
public enum MachineScope: String, Sendable, CaseIterable, Codable {
    case rightsRead = "rights:read"
    case rightsWrite = "rights:write"
    case directoryRead = "directory:read"
    case directoryWrite = "directory:write"
    case scim
}
