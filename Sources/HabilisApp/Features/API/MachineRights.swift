import Fluent
import Foundation
import SQLKit

/// Granting and revoking through the API: the rules, notification, mail, audit and back-channel logout of the
/// pages, with the machine client as actor. A pending request for the right is accepted by the grant (the agent is
/// told once), and the one-active-right index makes a race between two grants a 409, never two rights.
struct MachineRights {
    let caller: APICaller

    private var services: PortalServices { caller.services }
    private var signature: String { "\(caller.client.name) (interface de programmation)" }
    private var actor: AccessRequestService.RightActor {
        .init(context: caller.audit, agentID: nil, name: signature, details: ["client": caller.client.clientID])
    }

    /// Grants `application` (with `profile`, or its default one) to the agent; returns the new right's id.
    func grant(
        _ application: BusinessApplication, profile: ApplicationProfile?, to agentID: UUID
    ) async throws -> UUID {
        guard let agent = try await Agent.find(agentID, on: caller.database),
            [.active, .disabled].contains(agent.status)
        else { throw APIProblem(.notFound, "Agent inconnu.") }
        guard agent.status == .active else {
            throw APIProblem(
                .unprocessableEntity, "Compte désactivé.", detail: "Un compte désactivé ne reçoit pas d’habilitation.")
        }
        guard application.isActive else {
            throw APIProblem(
                .unprocessableEntity, "Application fermée.", detail: "Cette application n’est plus proposée.")
        }
        let held = APIProblem(
            .conflict, "Habilitation déjà détenue.", detail: "L’agent détient déjà cette habilitation.")
        let requests = services.accessRequests
        let pending = try await requests.pendingRequest(
            of: agentID, applicationID: application.id!, on: caller.database)
        let actor = self.actor
        do {
            let granted = try await caller.database.atomically { transaction in
                try await requests.grantDirectly(
                    application, profile: profile, to: agent, by: actor, accepting: pending, on: transaction)
            }
            guard let granted else { throw held }
            return granted
        } catch let error as any DatabaseError where error.isConstraintFailure {
            // Another grant of the same right committed first.
            throw held
        }
    }

    /// Revokes the agent's rights on `application` (only `profile`, when named); 404 when none is held.
    func revoke(_ application: BusinessApplication, profile: ApplicationProfile?, from agentID: UUID) async throws {
        let reason = "Retirée par \(signature)."
        let requests = services.accessRequests
        let actor = self.actor
        let revoked: Bool = try await caller.database.atomically { transaction in
            var held = Grant.query(on: transaction).filter(\.$agent.$id == agentID)
                .filter(\.$application.$id == application.id!).filter(\.$revokedAt == nil)
            if let profile { held = held.filter(\.$profile.$id == profile.id!) }
            var ended = false
            for grant in try await held.with(\.$agent).all() {
                ended =
                    try await requests.endRight(
                        grant.id!, of: grant.agent, on: application, reason: reason, by: actor, on: transaction)
                    || ended
            }
            return ended
        }
        guard revoked else { throw APIProblem(.notFound, "Cet agent ne détient pas cette habilitation.") }
    }
}
