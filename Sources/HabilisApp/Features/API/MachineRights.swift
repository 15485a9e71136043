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

    /// Grants `application` to the agent; returns the new right's id.
    func grant(_ application: BusinessApplication, to agentID: UUID) async throws -> UUID {
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
        let now = services.clock.now
        let requests = services.accessRequests
        let pending = try await requests.pendingRequest(
            of: agentID, applicationID: application.id!, on: caller.database)
        do {
            return try await caller.database.atomically { transaction in
                let active = try await Grant.query(on: transaction).filter(\.$agent.$id == agentID)
                    .filter(\.$application.$id == application.id!).filter(\.$revokedAt == nil).count()
                guard active == 0 else { throw held }
                var requestID: UUID?
                if let pending,
                    try await requests.close(
                        pending.id!, as: .accepted, at: now, by: nil, reason: nil, dueBefore: nil, on: transaction)
                {
                    requestID = pending.id
                }
                let grant = Grant(
                    agentID: agentID, applicationID: application.id!, grantedAt: now, grantedByID: nil,
                    accessRequestID: requestID)
                try await grant.create(on: transaction)
                try await services.notifier.notify(
                    agent, message: "Vous avez désormais accès à l’application \(application.name).",
                    link: Paths.openApplication(application.code),
                    mail: services.mails.accessRequestOutcome(
                        to: agent, application: application.name, code: application.code, status: .accepted,
                        decidedBy: signature, reason: nil),
                    key: requestID.map { "access-request:\($0):decision" } ?? "grant:\(grant.id!):created",
                    on: transaction)
                if let requestID {
                    try await services.audit.record(
                        .accessRequestAccepted, by: caller.audit, target: ("access_request", requestID.uuidString),
                        organisationID: pending?.$organisation.id, applicationID: application.id,
                        details: ["application": application.code, "client": caller.client.clientID],
                        on: transaction)
                }
                try await services.audit.record(
                    .grantCreated, by: caller.audit, target: ("grant", grant.id!.uuidString),
                    organisationID: agent.$organisation.id, applicationID: application.id,
                    details: ["agent": agent.email, "application": application.code, "client": caller.client.clientID],
                    on: transaction)
                let requestData = requestID.map { ["request_id": $0.uuidString.lowercased()] } ?? [:]
                if requestID != nil {
                    try await services.webhookEvents.publish(
                        .init(
                            .accessRequestDecided, agent: agentID, application: application.id,
                            data: requestData.merging(["email": agent.email, "status": "accepted"]) { $1 }),
                        on: transaction)
                }
                try await services.webhookEvents.publish(
                    .init(
                        .rightGranted, agent: agentID, application: application.id,
                        data: requestData.merging([
                            "grant_id": grant.id!.uuidString.lowercased(), "email": agent.email,
                            "origin": requestID == nil ? "direct_grant" : "request",
                        ]) { $1 }), on: transaction)
                return grant.id!
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            // Another grant of the same right committed first.
            throw held
        }
    }

    /// Revokes the agent's right on `application`; 404 when none is held.
    func revoke(_ application: BusinessApplication, from agentID: UUID) async throws {
        let reason = "Retirée par \(signature)."
        let clock = services.clock
        let revoked: Bool = try await caller.database.atomically { transaction in
            guard
                let row = try await (transaction as! any SQLDatabase).update(Grant.schema)
                    .set("revoked_at", to: clock.now)
                    .set("revocation_reason", to: reason)
                    .where("agent_id", .equal, agentID)
                    .where("application_id", .equal, application.id!)
                    .where("revoked_at", .is, SQLLiteral.null)
                    .returning("id")
                    .first(),
                let agent = try await Agent.find(agentID, on: transaction)
            else { return false }
            let grantID = try row.decode(column: "id", as: UUID.self)
            // The applications learn it now, not at the next refresh.
            try await SingleSignOut(clock: clock).end(
                .agentOnApplication(agentID: agentID, applicationID: application.id!), on: transaction)
            try await services.notifier.notify(
                agent, message: "Votre habilitation à \(application.name) a été retirée. Motif : \(reason)",
                link: Paths.myRights,
                mail: services.mails.grantRevoked(
                    to: agent, application: application.name, by: signature, reason: reason),
                key: "grant:\(grantID):revoked", on: transaction)
            try await services.audit.record(
                .grantRevoked, by: caller.audit, target: ("grant", grantID.uuidString),
                organisationID: agent.$organisation.id, applicationID: application.id,
                details: [
                    "application": application.code, "agent": agent.email, "reason": reason,
                    "client": caller.client.clientID,
                ], on: transaction)
            try await services.webhookEvents.publish(
                .init(
                    .rightRevoked, agent: agentID, application: application.id,
                    data: ["grant_id": grantID.uuidString.lowercased(), "email": agent.email, "reason": reason]),
                on: transaction)
            return true
        }
        guard revoked else { throw APIProblem(.notFound, "Cet agent ne détient pas cette habilitation.") }
    }
}
