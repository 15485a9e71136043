import Fluent
import Foundation

/// The profiles of the applications, in their order, as the pages, the requests and the tokens read them.
enum ProfileDirectory {
    /// The profiles of one application, in order (none: the application has no profiles).
    static func profiles(of applicationID: UUID, on database: any Database) async throws -> [ApplicationProfile] {
        try await ApplicationProfile.query(on: database).filter(\.$application.$id == applicationID)
            .sort(\.$position).sort(\.$label).all()
    }

    /// The profiles of every application that has some, by application, each list in order.
    static func byApplication(on database: any Database) async throws -> [UUID: [ApplicationProfile]] {
        let all = try await ApplicationProfile.query(on: database).sort(\.$position).sort(\.$label).all()
        return Dictionary(grouping: all, by: { $0.$application.id })
    }

    /// The labels of profiles by id, for pages that list rights or requests of many applications.
    static func labels(on database: any Database) async throws -> [UUID: String] {
        let all = try await ApplicationProfile.query(on: database).all()
        return Dictionary(uniqueKeysWithValues: all.map { ($0.id!, $0.label) })
    }
}

/// The profiles of one application as one agent sees them: which are held, which may be asked for.
struct AgentProfiles: Sendable {
    let all: [ApplicationProfile]
    let heldIDs: Set<UUID>

    var held: [ApplicationProfile] { all.filter { heldIDs.contains($0.id!) } }
    var offered: [ApplicationProfile] { all.filter { !heldIDs.contains($0.id!) } }

    /// What the confirmation step selects first: the default profile unless held, else the first one offered.
    var suggested: ApplicationProfile? {
        offered.first(where: \.isDefault) ?? offered.first
    }

    func offered(code: String) -> ApplicationProfile? {
        offered.first { $0.code == code }
    }
}
