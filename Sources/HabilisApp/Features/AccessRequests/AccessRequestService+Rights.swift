import Fluent
import Foundation
import SQLKit

/// Granting a right outside a decision, and ending one: what the pages, the REST API and SCIM share — the right,
/// the agent's notification and mail, the audit event, the change event, and the back-channel logout of the
/// applications on revocation. Each runs inside the caller's transaction.
extension AccessRequestService {
    /// Who grants or withdraws, as the audit trail, the mails and the right itself name them.
    struct RightActor: Sendable {
        let context: AuditContext
        /// The account that acted (`granted_by_id`, `revoked_by_id`), nil for a machine client.
        let agentID: UUID?
        /// « Marie Durand », or « Synchro RH (interface de programmation) ».
        let name: String
        /// Added to the audit events (the machine client's id).
        var details: [String: String] = [:]
    }

    /// Grants `application` to `agent` unless it is held already (nil then); `accepting` a pending request of that
    /// right closes it as accepted and links it, so that the agent is told once.
    func grantDirectly(
        _ application: BusinessApplication, to agent: Agent, by actor: RightActor, accepting pending: AccessRequest?,
        on transaction: any Database
    ) async throws -> UUID? {
        let held = try await Grant.query(on: transaction).filter(\.$agent.$id == agent.id!)
            .filter(\.$application.$id == application.id!).filter(\.$revokedAt == nil).count()
        guard held == 0 else { return nil }
        let now = clock.now
        var requestID: UUID?
        if let pending,
            try await close(
                pending.id!, as: .accepted, at: now, by: actor.agentID, reason: nil, dueBefore: nil, on: transaction)
        {
            requestID = pending.id
        }
        let grant = Grant(
            agentID: agent.id!, applicationID: application.id!, grantedAt: now, grantedByID: actor.agentID,
            accessRequestID: requestID, expiresAt: application.rightEnd(from: now))
        try await grant.create(on: transaction)
        try await notifier.notify(
            agent, message: "Vous avez désormais accès à l’application \(application.name).",
            link: Paths.openApplication(application.code),
            mail: mails.accessRequestOutcome(
                to: agent, application: application.name, code: application.code, status: .accepted,
                decidedBy: actor.name, reason: nil),
            key: requestID.map { "access-request:\($0):decision" } ?? "grant:\(grant.id!):created", on: transaction)
        let requestData = requestID.map { ["request_id": $0.uuidString.lowercased()] } ?? [:]
        if let requestID {
            try await audit.record(
                .accessRequestAccepted, by: actor.context, target: ("access_request", requestID.uuidString),
                organisationID: pending?.$organisation.id, applicationID: application.id,
                details: actor.details.merging(["application": application.code]) { $1 }, on: transaction)
            try await events.publish(
                .init(
                    .accessRequestDecided, agent: agent.id!, application: application.id,
                    data: requestData.merging(["email": agent.email, "status": "accepted"]) { $1 }),
                on: transaction)
        }
        try await audit.record(
            .grantCreated, by: actor.context, target: ("grant", grant.id!.uuidString),
            organisationID: agent.$organisation.id, applicationID: application.id,
            details: actor.details.merging(["agent": agent.email, "application": application.code]) { $1 },
            on: transaction)
        try await events.publish(
            .init(
                .rightGranted, agent: agent.id!, application: application.id,
                data: requestData.merging([
                    "grant_id": grant.id!.uuidString.lowercased(), "email": agent.email,
                    "origin": requestID == nil ? "direct_grant" : "request",
                ]) { $1 }), on: transaction)
        return grant.id!
    }

    /// Ends the right `grantID` of `agent` on `application` with a reason; false when it had ended already (someone
    /// else was first). The right stays in the history.
    func endRight(
        _ grantID: UUID, of agent: Agent, on application: BusinessApplication, reason: String, by actor: RightActor,
        expired: Bool = false, on transaction: any Database
    ) async throws -> Bool {
        let claimed = try await (transaction as! any SQLDatabase).update(Grant.schema)
            .set("revoked_at", to: clock.now)
            .set("revoked_by_id", to: actor.agentID)
            .set("revocation_reason", to: reason)
            .where("id", .equal, grantID)
            .where("revoked_at", .is, SQLLiteral.null)
            .returning("id")
            .all()
        guard !claimed.isEmpty else { return false }
        // The applications learn it now, not at the next refresh.
        try await SingleSignOut(clock: clock).end(
            .agentOnApplication(agentID: agent.id!, applicationID: application.id!), on: transaction)
        try await notifier.notify(
            agent,
            message: expired
                ? "Votre habilitation à \(application.name) a pris fin : sa durée de validité est écoulée."
                : "Votre habilitation à \(application.name) a été retirée. Motif : \(reason)",
            link: expired ? Paths.requestAccess(application.code) : Paths.myRights,
            mail: expired
                ? mails.grantExpired(to: agent, application: application.name, code: application.code)
                : mails.grantRevoked(to: agent, application: application.name, by: actor.name, reason: reason),
            key: "grant:\(grantID):revoked", on: transaction)
        try await audit.record(
            expired ? .grantExpired : .grantRevoked, by: actor.context, target: ("grant", grantID.uuidString),
            organisationID: agent.$organisation.id, applicationID: application.id,
            details: actor.details.merging([
                "application": application.code, "agent": agent.email, "reason": reason,
            ]) { $1 }, on: transaction)
        try await events.publish(
            .init(
                expired ? .rightExpired : .rightRevoked, agent: agent.id!, application: application.id,
                data: ["grant_id": grantID.uuidString.lowercased(), "email": agent.email, "reason": reason]),
            on: transaction)
        return true
    }
}
