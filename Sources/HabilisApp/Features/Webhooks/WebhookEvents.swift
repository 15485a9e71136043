import Fluent
import Foundation
import SQLKit

/// Publishes change events to the applications' endpoints, inside the transaction of the change itself: an event
/// exists exactly when its change committed. Each becomes one delivery per endpoint of the application concerned
/// (for an agent's own events, of every application the agent holds a right on), sent by `WebhookDispatcher`.
public struct WebhookEvents: Sendable {
    /// The events an application may receive (docs/webhooks.md).
    public enum Kind: String, Sendable, CaseIterable {
        case rightGranted = "right.granted"
        case rightRevoked = "right.revoked"
        /// Sent when time-limited rights end (issue 19); nothing ends a right by time yet.
        case rightExpired = "right.expired"
        case agentUpdated = "agent.updated"
        case agentDisabled = "agent.disabled"
        case accessRequestCreated = "access_request.created"
        case accessRequestDecided = "access_request.decided"
    }

    /// One change: its kind, the agent it concerns, the application (nil: every application the agent holds),
    /// and its data (`agent_id` and `application` are added).
    public struct Event: Sendable {
        let kind: Kind
        let agentID: UUID
        let applicationID: UUID?
        let data: [String: String]

        init(_ kind: Kind, agent agentID: UUID, application applicationID: UUID?, data: [String: String] = [:]) {
            self.kind = kind
            self.agentID = agentID
            self.applicationID = applicationID
            self.data = data
        }

        /// `agent.updated`, to the applications the agent holds: the identity they may keep.
        static func agentUpdated(_ agent: Agent) -> Event {
            Event(
                .agentUpdated, agent: agent.id!, application: nil,
                data: ["email": agent.email, "given_name": agent.firstName, "family_name": agent.lastName])
        }
    }

    let clock: any Clock

    public func publish(_ event: Event, on database: any Database) async throws {
        try await publish([event], on: database)
    }

    /// Writes the deliveries of `events`, in their order, in a few statements (the sweep publishes by batch).
    public func publish(_ events: [Event], on database: any Database) async throws {
        guard !events.isEmpty else { return }
        let sql = database as! any SQLDatabase
        let endpoints = try await sql.raw(
            """
            SELECT e.id, e.application_id, a.code FROM webhook_endpoints e JOIN applications a ON a.id = e.application_id
            """
        ).all().map { row in
            (
                id: try row.decode(column: "id", as: UUID.self),
                application: try row.decode(column: "application_id", as: UUID.self),
                code: try row.decode(column: "code", as: String.self)
            )
        }
        guard !endpoints.isEmpty else { return }
        // An agent's own events go to the applications the agent holds.
        let agentsWide = Set(events.filter { $0.applicationID == nil }.map(\.agentID))
        var held: [UUID: Set<UUID>] = [:]
        if !agentsWide.isEmpty {
            for row in try await sql.select().columns("agent_id", "application_id").from(Grant.schema)
                .where(SQLIDList("agent_id", in: Array(agentsWide))).where("revoked_at", .is, SQLLiteral.null)
                .all()
            {
                held[try row.decode(column: "agent_id", as: UUID.self), default: []].insert(
                    try row.decode(column: "application_id", as: UUID.self))
            }
        }
        let now = clock.now
        let timestamp = ISO8601DateFormatter().string(from: now)
        var rows: [[any Encodable & Sendable]] = []
        for event in events {
            let applications = event.applicationID.map { [$0] } ?? Array(held[event.agentID] ?? [])
            for endpoint in endpoints where applications.contains(endpoint.application) {
                var data = event.data
                data["agent_id"] = event.agentID.uuidString.lowercased()
                data["application"] = endpoint.code
                let payload = Payload(type: event.kind.rawValue, timestamp: timestamp, data: data)
                rows.append([
                    "msg_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""), endpoint.id,
                    event.agentID, event.kind.rawValue, try payload.json(), WebhookDelivery.Status.pending.rawValue, 0,
                    now, now,
                ])
            }
        }
        guard !rows.isEmpty else { return }
        try await sql.insertRows(
            into: WebhookDelivery.schema,
            columns: [
                "message_id", "endpoint_id", "agent_id", "event_type", "payload", "status", "attempts",
                "next_attempt_at", "created_at",
            ], rows: rows)
    }

    /// The body of a delivery, as Standard Webhooks advises: `type`, `timestamp`, `data`.
    struct Payload: Encodable {
        let type: String
        let timestamp: String
        let data: [String: String]

        func json() throws -> String {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return String(decoding: try encoder.encode(self), as: UTF8.self)
        }
    }
}
