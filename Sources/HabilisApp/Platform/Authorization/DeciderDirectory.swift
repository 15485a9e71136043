import Fluent
import Foundation

/// Who decides what, read once: the active correspondents with the applications they are limited to, and the
/// active administrators. `Routing` reads it for one organisme; the sweep reads it whole, once per run, instead
/// of looking deciders up for each of thousands of requests.
struct DeciderDirectory: Sendable {
    private struct Designation: Sendable {
        let agent: Agent
        let applicationIDs: Set<UUID>
    }

    private let designations: [UUID: [Designation]]
    let administrators: [Agent]

    /// The directory of one organisme (`organisationID`) or of all of them (nil) at `instant`: a correspondent away
    /// then is replaced by their deputy, or left out when they named none.
    static func load(
        organisationID: UUID? = nil, at instant: Date, on database: any Database
    ) async throws -> DeciderDirectory {
        var query = Correspondent.query(on: database).with(\.$agent).with(\.$scopes)
        if let organisationID { query = query.filter(\.$organisation.$id == organisationID) }
        let correspondents = try await query.all().filter { $0.agent.status == .active }
        // The absences under way are few at any time: all of them, rather than thousands of correspondents' ids.
        let absences = try await Absence.query(on: database).filter(\.$startsAt <= instant)
            .filter(\.$endsAt > instant).with(\.$deputy).all()
        let deputies = Dictionary(absences.map { ($0.$agent.id, $0.deputy) }) { first, _ in first }
        let administrators = try await Agent.query(on: database)
            .filter(\.$isAdministrator == true)
            .filter(\.$status == .active)
            .sort(\.$lastName)
            .all()
        return DeciderDirectory(
            designations: Dictionary(grouping: correspondents, by: { $0.$organisation.id }).mapValues { list in
                list.compactMap { correspondent in
                    // Present, or away with an active deputy who stands in for them.
                    let agent: Agent? =
                        switch deputies[correspondent.$agent.id] {
                        case .none: correspondent.agent
                        case .some(let deputy): deputy?.status == .active ? deputy : nil
                        }
                    return agent.map {
                        Designation(agent: $0, applicationIDs: Set(correspondent.scopes.map(\.$application.id)))
                    }
                }
                .sorted { $0.agent.lastName < $1.agent.lastName }
            },
            administrators: administrators)
    }

    /// Active correspondents of an organisme covering an application (limited to none, or to this one); all of
    /// them when `applicationID` is nil.
    func correspondents(of organisationID: UUID, for applicationID: UUID?) -> [Agent] {
        var seen = Set<UUID>()
        // A deputy who is also a correspondent, or stands in for two, is one person.
        return (designations[organisationID] ?? [])
            .filter { designation in
                guard let applicationID, !designation.applicationIDs.isEmpty else { return true }
                return designation.applicationIDs.contains(applicationID)
            }
            .map(\.agent)
            .filter { seen.insert($0.id!).inserted }
    }

    /// Who decides a new request of an agent of `organisationID` for `application` (nil for an account request):
    /// the correspondents covering a locally managed application, the requester excepted, else the administrators.
    func route(
        organisationID: UUID, application: BusinessApplication?, requesterID: UUID?
    ) -> (deciders: Deciders, people: [Agent]) {
        guard application?.accessMode != .central else { return (.administrators, administrators) }
        return local(organisationID: organisationID, applicationID: application?.id, requesterID: requesterID)
    }

    /// The people who decide a request routed to `routedTo`: its correspondents but the requester, or the
    /// administrators when there is none left.
    func deciders(organisationID: UUID, applicationID: UUID, routedTo: Deciders, requesterID: UUID) -> [Agent] {
        guard routedTo == .correspondents else { return administrators }
        return local(organisationID: organisationID, applicationID: applicationID, requesterID: requesterID).people
    }

    /// The correspondents covering the application but the requester, or the administrators when none is left.
    private func local(
        organisationID: UUID, applicationID: UUID?, requesterID: UUID?
    ) -> (deciders: Deciders, people: [Agent]) {
        let people = correspondents(of: organisationID, for: applicationID).filter { $0.id != requesterID }
        return people.isEmpty ? (.administrators, administrators) : (.correspondents, people)
    }
}
