import Fluent
import Foundation
import SQLKit

extension PortalServices {
    /// Disables an active account with its usual effects, inside the caller's transaction: its sessions end, the
    /// applications sign it out, its pending requests are cancelled, the audit trail and the applications learn it.
    /// An administrator does it on the account's page; a directory feed with SCIM (`active` false, or DELETE).
    /// Returns false when the account was not active. What the caller changed in `agent` is saved with it.
    func disable(
        _ agent: Agent, decidedBy deciderID: UUID?, by context: AuditContext, details: [String: String] = [:],
        on database: any Database
    ) async throws
        -> Bool
    {
        // `agent` may have been read before another request disabled it (two administrators, a directory feed):
        // the status changes only if it is still active, so one of them does it and the others find it done.
        guard try await changeStatus(of: agent, from: .active, to: .disabled, on: database) else { return false }
        try await agent.update(on: database)
        try await sessions.closeAll(of: agent.id!, on: database)
        try await SingleSignOut(clock: clock).end(.agent(agent.id!), on: database)
        let cancelled = try await (database as! any SQLDatabase).update(AccessRequest.schema)
            .set("status", to: AccessRequest.Status.cancelled.rawValue)
            .set("decided_at", to: clock.now)
            .set("decided_by_id", to: deciderID)
            .where("agent_id", .equal, agent.id!)
            .where("status", .equal, AccessRequest.Status.pending.rawValue)
            .returning("id").all()
        try await audit.record(
            .agentDisabled, by: context, target: ("agent", agent.id!.uuidString),
            organisationID: agent.$organisation.id,
            details: details.merging(["cancelled_requests": String(cancelled.count)]) { $1 }, on: database)
        try await webhookEvents.publish(
            .init(.agentDisabled, agent: agent.id!, application: nil, data: ["email": agent.email]), on: database)
        return true
    }

    /// Sets the account's status to `new` if it is `old` in the database, whatever `agent` says; tells whether it
    /// did, and then says so in `agent` too.
    func changeStatus(
        of agent: Agent, from old: Agent.Status, to new: Agent.Status, on database: any Database
    ) async throws -> Bool {
        let changed = try await (database as! any SQLDatabase).update(Agent.schema)
            .set("status", to: new.rawValue)
            .set("updated_at", to: clock.now)
            .where("id", .equal, agent.id!)
            .where("status", .equal, old.rawValue)
            .returning("id").all()
        guard !changed.isEmpty else { return false }
        agent.status = new
        agent.updatedAt = clock.now
        return true
    }
}
