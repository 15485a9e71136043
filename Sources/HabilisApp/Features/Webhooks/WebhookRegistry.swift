import Fluent
import Foundation
import SQLKit

/// The endpoints of each application, registered by administrators (on the application's page or with
/// `habilis webhook`), each change audited; their delivery log (30 days) and « Renvoyer ».
public struct WebhookRegistry: Sendable {
    /// Deliveries are kept 30 days, then purged by the sweep.
    static let logDays = 30

    let clock: any Clock
    let audit: AuditLog
    /// The URL rules of the OpenID Connect clients: https, or loopback http outside production.
    let clients: ClientRegistry

    /// Registers an endpoint; returns it with its secret, shown once.
    public func add(
        application code: String, url: String, by context: AuditContext, on database: any Database
    ) async throws
        -> (endpoint: WebhookEndpoint, secret: String)
    {
        var errors = FormErrors()
        let application = try await BusinessApplication.query(on: database).filter(\.$code == code).first()
        if application == nil { errors.add("application", "Aucune application n’a le code « \(code.prefix(40)) ».") }
        if let problem = clients.problem(with: url) { errors.add("url", problem) }
        guard errors.isEmpty, let application else { throw ClientRegistry.Refusal(errors: errors) }
        let endpoint = WebhookEndpoint()
        endpoint.$application.id = application.id!
        endpoint.url = url
        endpoint.secret = WebhookSignature.newSecret()
        endpoint.createdAt = clock.now
        try await database.atomically { transaction in
            try await endpoint.create(on: transaction)
            try await audit.record(
                .webhookEndpointAdded, by: context, target: ("webhook_endpoint", endpoint.id!.uuidString),
                applicationID: application.id, details: ["application": application.code, "url": url],
                on: transaction)
        }
        return (endpoint, endpoint.secret)
    }

    /// Every endpoint, with its application.
    public func endpoints(on database: any Database) async throws -> [WebhookEndpoint] {
        try await WebhookEndpoint.query(on: database).with(\.$application).sort(\.$createdAt).all()
    }

    /// Removes an endpoint and its log; tells whether this call removed it (false: it was gone).
    public func remove(_ id: UUID, by context: AuditContext, on database: any Database) async throws -> Bool {
        guard
            let endpoint = try await WebhookEndpoint.query(on: database).filter(\.$id == id).with(\.$application)
                .first()
        else { return false }
        return try await database.atomically { transaction in
            guard try await transaction.deleteRow(WebhookEndpoint.schema, id: id) else { return false }
            try await audit.record(
                .webhookEndpointRemoved, by: context, target: ("webhook_endpoint", id.uuidString),
                applicationID: endpoint.$application.id,
                details: ["application": endpoint.application.code, "url": endpoint.url], on: transaction)
            return true
        }
    }

    /// The endpoint's deliveries of the last 30 days, newest first.
    public func deliveries(of endpointID: UUID, on database: any Database) async throws -> [WebhookDelivery] {
        try await WebhookDelivery.query(on: database).filter(\.$endpoint.$id == endpointID)
            .filter(\.$createdAt >= clock.now.addingTimeInterval(-Double(Self.logDays) * 86_400))
            .sort(\.$id, .descending).limit(500).all()
    }

    /// « Renvoyer »: a failed delivery goes again, now, with the same `webhook-id`.
    public func resend(_ id: Int, by context: AuditContext, on database: any Database) async throws -> Bool {
        try await database.atomically { transaction in
            let resent = try await (transaction as! any SQLDatabase).update(WebhookDelivery.schema)
                .set("status", to: WebhookDelivery.Status.pending.rawValue).set("attempts", to: 0)
                .set("next_attempt_at", to: clock.now).set("created_at", to: clock.now)
                .where("id", .equal, id).where("status", .equal, WebhookDelivery.Status.failed.rawValue)
                .returning("message_id").all()
            guard let messageID = try resent.first?.decode(column: "message_id", as: String.self) else { return false }
            try await audit.record(
                .webhookResent, by: context, target: ("webhook_delivery", messageID), on: transaction)
            return true
        }
    }

    /// Deletes the deliveries older than 30 days; returns how many.
    func purge(at instant: Date, on database: any Database) async throws -> Int {
        try await (database as! any SQLDatabase).delete(from: WebhookDelivery.schema)
            .where("created_at", .lessThan, instant.addingTimeInterval(-Double(Self.logDays) * 86_400))
            .returning("id").all().count
    }
}
