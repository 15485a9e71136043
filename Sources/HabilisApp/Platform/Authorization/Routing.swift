import Fluent
import Foundation

/// Who decides on a request, answered in one place: the correspondents of the requester's organisme for an
/// application managed locally (those limited to other applications excepted), otherwise the UCANSS administrators.
public struct Routing: Sendable {
    /// The deciders of one request, with the people behind them.
    public struct Decision: Sendable {
        public let deciders: Deciders
        public let people: [Agent]
        public let organisationName: String

        /// "aux correspondants locaux de CARSAT Rhône-Alpes (Marie Durand)" or "aux administrateurs de l’UCANSS".
        public var description: String {
            switch deciders {
            case .administrators:
                return "aux administrateurs de l’UCANSS"
            case .correspondents:
                let names = people.map(\.fullName).joined(separator: ", ")
                let noun = people.count > 1 ? "aux correspondants locaux" : "au correspondant local"
                return "\(noun) de \(organisationName) (\(names))"
            }
        }
    }

    /// Routes a request of an agent of `organisationID` for `application` (nil for an account request). A
    /// correspondent never decides their own request: when they are the only one, the administrators do.
    public func route(
        organisationID: UUID, application: BusinessApplication?, requesterID: UUID? = nil, on database: any Database
    ) async throws -> Decision {
        let organisation = try await Organisation.find(organisationID, on: database)
        let name = organisation?.name ?? ""
        let directory = try await DeciderDirectory.load(organisationID: organisationID, on: database)
        if application?.accessMode != .central {
            let correspondents = directory.correspondents(of: organisationID, for: application?.id)
                .filter { $0.id != requesterID }
            if !correspondents.isEmpty {
                return Decision(deciders: .correspondents, people: correspondents, organisationName: name)
            }
        }
        return Decision(deciders: .administrators, people: directory.administrators, organisationName: name)
    }

    /// Active correspondents of an organisme covering an application (all applications when nil).
    public func activeCorrespondents(
        of organisationID: UUID, for applicationID: UUID?, on database: any Database
    ) async throws -> [Agent] {
        try await DeciderDirectory.load(organisationID: organisationID, on: database)
            .correspondents(of: organisationID, for: applicationID)
    }

    /// The people who decide a request already routed: its correspondents, or the administrators.
    public func deciders(of request: AccessRequest, on database: any Database) async throws -> [Agent] {
        try await DeciderDirectory.load(organisationID: request.$organisation.id, on: database)
            .deciders(
                organisationID: request.$organisation.id, applicationID: request.$application.id,
                routedTo: request.routedTo, requesterID: request.$agent.id)
    }

    /// Routes again the pending requests of an organisme after its correspondents changed, so that none is left
    /// with nobody to see it; returns how many changed.
    public func reroutePending(of organisationID: UUID, on database: any Database) async throws -> Int {
        var changed = 0
        let requests = try await AccessRequest.query(on: database)
            .filter(\.$organisation.$id == organisationID).filter(\.$status == .pending).with(\.$application).all()
        for request in requests {
            let decision = try await route(
                organisationID: organisationID, application: request.application, requesterID: request.$agent.id,
                on: database)
            if decision.deciders != request.routedTo {
                request.routedTo = decision.deciders
                try await request.update(on: database)
                changed += 1
            }
        }
        let accountDeciders = try await route(organisationID: organisationID, application: nil, on: database).deciders
        let accounts = try await AccountRequest.query(on: database)
            .filter(\.$organisation.$id == organisationID).filter(\.$status == .pending)
            .filter(\.$routedTo != accountDeciders).all()
        for account in accounts {
            account.routedTo = accountDeciders
            try await account.update(on: database)
            changed += 1
        }
        return changed
    }
}
