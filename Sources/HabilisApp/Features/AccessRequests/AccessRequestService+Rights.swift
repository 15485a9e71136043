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

    /// Grants `application` (with `profile`, or its default profile when it has profiles) to `agent` unless it is
    /// held already (nil then); `accepting` a pending request of that right closes it as accepted and links it, so
    /// that the agent is told once.
    func grantDirectly(
        _ application: BusinessApplication, profile named: ApplicationProfile? = nil, to agent: Agent,
        by actor: RightActor, accepting pending: AccessRequest?, on transaction: any Database
    ) async throws -> UUID? {
        // Granted twice at once (a form sent twice, the API and SCIM together): the second waits, then finds the
        // right held and grants nothing.
        try await transaction.lockRow(Agent.schema, id: agent.id!)
        let profiles = try await ProfileDirectory.profiles(of: application.id!, on: transaction)
        let profile = named ?? profiles.first(where: \.isDefault) ?? profiles.first
        let held = try await Grant.query(on: transaction).filter(\.$agent.$id == agent.id!)
            .filter(\.$application.$id == application.id!).filter(\.$profile.$id == profile?.id)
            .filter(\.$revokedAt == nil).count()
        guard held == 0 else { return nil }
        let granted = application.name + (profile.map { " (profil « \($0.label) »)" } ?? "")
        // A pending request for another profile stays pending: this grant does not answer it.
        let answered = pending.flatMap { $0.$profile.id == profile?.id ? $0 : nil }
        let now = clock.now
        var requestID: UUID?
        if let pending = answered,
            try await close(
                pending.id!, as: .accepted, at: now, by: actor.agentID, reason: nil, dueBefore: nil, on: transaction)
        {
            requestID = pending.id
        }
        let grant = Grant(
            agentID: agent.id!, applicationID: application.id!, grantedAt: now, grantedByID: actor.agentID,
            accessRequestID: requestID, expiresAt: application.rightEnd(from: now), profileID: profile?.id)
        try await grant.create(on: transaction)
        try await notifier.notify(
            agent, message: "Vous avez désormais accès à l’application \(granted).",
            link: Paths.openApplication(application.code),
            mail: mails.accessRequestOutcome(
                to: agent, application: granted, code: application.code, status: .accepted,
                decidedBy: actor.name, reason: nil),
            key: requestID.map { "access-request:\($0):decision" } ?? "grant:\(grant.id!):created", on: transaction)
        let requestData = requestID.map { ["request_id": $0.uuidString.lowercased()] } ?? [:]
        if let requestID {
            try await audit.record(
                .accessRequestAccepted, by: actor.context, target: ("access_request", requestID.uuidString),
                organisationID: answered?.$organisation.id, applicationID: application.id,
                details: actor.details.merging(["application": application.code]) { $1 }, on: transaction)
            try await events.publish(
                .init(
                    .accessRequestDecided, agent: agent.id!, application: application.id,
                    data: requestData.merging(["email": agent.email, "status": "accepted"]) { $1 }),
                on: transaction)
        }
        let profileData = profile.map { ["profile": $0.code] } ?? [:]
        try await audit.record(
            .grantCreated, by: actor.context, target: ("grant", grant.id!.uuidString),
            organisationID: agent.$organisation.id, applicationID: application.id,
            details: actor.details.merging(["agent": agent.email, "application": application.code]) { $1 }
                .merging(profileData) { $1 },
            on: transaction)
        try await events.publish(
            .init(
                .rightGranted, agent: agent.id!, application: application.id,
                data: requestData.merging([
                    "grant_id": grant.id!.uuidString.lowercased(), "email": agent.email,
                    "origin": requestID == nil ? "direct_grant" : "request",
                ]) { $1 }.merging(profileData) { $1 }), on: transaction)
        if let profile {
            try await replaceOtherProfiles(
                of: agent.id!, on: application, by: profile, actorID: actor.agentID, email: agent.email,
                on: transaction)
        }
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
            .returning("id", "profile_id")
            .all()
        guard let ended = claimed.first else { return false }
        var profile: ApplicationProfile?
        if let profileID = try ended.decode(column: "profile_id", as: UUID?.self) {
            profile = try await ApplicationProfile.find(profileID, on: transaction)
        }
        let right = application.name + (profile.map { " (profil « \($0.label) »)" } ?? "")
        // The applications learn it now, not at the next refresh.
        try await SingleSignOut(clock: clock).end(
            .agentOnApplication(agentID: agent.id!, applicationID: application.id!), on: transaction)
        try await notifier.notify(
            agent,
            message: expired
                ? "Votre habilitation à \(right) a pris fin : sa durée de validité est écoulée."
                : "Votre habilitation à \(right) a été retirée. Motif : \(reason)",
            link: expired ? Paths.requestAccess(application.code) : Paths.myRights,
            mail: expired
                ? mails.grantExpired(to: agent, application: right, code: application.code)
                : mails.grantRevoked(to: agent, application: right, by: actor.name, reason: reason),
            key: "grant:\(grantID):revoked", on: transaction)
        try await audit.record(
            expired ? .grantExpired : .grantRevoked, by: actor.context, target: ("grant", grantID.uuidString),
            organisationID: agent.$organisation.id, applicationID: application.id,
            details: actor.details.merging([
                "application": application.code, "agent": agent.email, "reason": reason,
            ]) { $1 }.merging(profile.map { ["profile": $0.code] } ?? [:]) { $1 }, on: transaction)
        try await events.publish(
            .init(
                expired ? .rightExpired : .rightRevoked, agent: agent.id!, application: application.id,
                data: ["grant_id": grantID.uuidString.lowercased(), "email": agent.email, "reason": reason]
                    .merging(profile.map { ["profile": $0.code] } ?? [:]) { $1 }),
            on: transaction)
        return true
    }
}
