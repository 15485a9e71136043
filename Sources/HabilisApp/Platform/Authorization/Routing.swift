import Fluent
import Foundation
import SQLKit

/// Who decides on a request, answered in one place: the correspondents of the requester's organisme for an
/// application managed locally (those limited to other applications excepted), otherwise the UCANSS administrators.
public struct Routing: Sendable {
    /// Who is away is read at this clock's now.
    let clock: any Clock

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
        let directory = try await DeciderDirectory.load(organisationID: organisationID, at: clock.now, on: database)
        let route = directory.route(organisationID: organisationID, application: application, requesterID: requesterID)
        return Decision(deciders: route.deciders, people: route.people, organisationName: organisation?.name ?? "")
    }

    /// Active correspondents of an organisme covering an application (all applications when nil).
    public func activeCorrespondents(
        of organisationID: UUID, for applicationID: UUID?, on database: any Database
    ) async throws -> [Agent] {
        try await DeciderDirectory.load(organisationID: organisationID, at: clock.now, on: database)
            .correspondents(of: organisationID, for: applicationID)
    }

    /// The people who decide a request already routed: its correspondents, or the administrators.
    public func deciders(of request: AccessRequest, on database: any Database) async throws -> [Agent] {
        try await DeciderDirectory.load(organisationID: request.$organisation.id, at: clock.now, on: database)
            .deciders(
                organisationID: request.$organisation.id, applicationID: request.$application.id,
                routedTo: request.routedTo, requesterID: request.$agent.id)
    }

    /// Routes again the pending requests of an organisme after its correspondents changed, so that none is left
    /// with nobody to see it; returns how many changed.
    public func reroutePending(of organisationID: UUID, on database: any Database) async throws -> Int {
        let directory = try await DeciderDirectory.load(organisationID: organisationID, at: clock.now, on: database)
        var changed = try await reroutePendingAccessRequests(
            where: SQLBinaryExpression(SQLColumn("organisation_id"), .equal, SQLBind(organisationID)),
            directory: directory, on: database)
        let accountDeciders = directory.route(organisationID: organisationID, application: nil, requesterID: nil)
        changed += try await (database as! any SQLDatabase).update(AccountRequest.schema)
            .set("routed_to", to: accountDeciders.deciders.rawValue)
            .where("organisation_id", .equal, organisationID)
            .where("status", .equal, AccountRequest.Status.pending.rawValue)
            .where("routed_to", .notEqual, accountDeciders.deciders.rawValue)
            .returning("id").all().count
        return changed
    }

    /// Routes again the pending requests for an application after its mode changed; returns how many changed.
    public func reroutePending(ofApplication applicationID: UUID, on database: any Database) async throws -> Int {
        try await reroutePendingAccessRequests(
            where: SQLBinaryExpression(SQLColumn("application_id"), .equal, SQLBind(applicationID)),
            directory: try await DeciderDirectory.load(at: clock.now, on: database), on: database)
    }

    /// Routes the pending access requests matching `scope` with the deciders and applications read once, and moves
    /// those whose deciders changed in one statement per destination: an organisme has thousands of pending
    /// requests at federation scale, and routing them one by one took thousands of statements.
    private func reroutePendingAccessRequests(
        where scope: any SQLExpression, directory: DeciderDirectory, on database: any Database
    ) async throws -> Int {
        let sql = database as! any SQLDatabase
        let applications = Dictionary(
            uniqueKeysWithValues: try await BusinessApplication.query(on: database).all().map { ($0.id!, $0) })
        let rows = try await sql.select()
            .columns("id", "agent_id", "application_id", "organisation_id", "routed_to")
            .from(AccessRequest.schema).where(scope).where(AccessRequest.isPending()).all()
        var moves: [Deciders: [UUID]] = [:]
        for row in rows {
            let target = directory.route(
                organisationID: try row.decode(column: "organisation_id", as: UUID.self),
                application: applications[try row.decode(column: "application_id", as: UUID.self)],
                requesterID: try row.decode(column: "agent_id", as: UUID.self)
            ).deciders
            if target != (try row.decode(column: "routed_to", as: Deciders.self)) {
                moves[target, default: []].append(try row.decode(column: "id", as: UUID.self))
            }
        }
        var changed = 0
        for (target, ids) in moves {
            for chunk in ids.chunks(of: 10_000) {
                changed += try await sql.update(AccessRequest.schema)
                    .set("routed_to", to: target.rawValue)
                    .where(AccessRequest.isPending())
                    .where(SQLIDList("id", in: Array(chunk)))
                    .returning("id").all().count
            }
        }
        return changed
    }
}
