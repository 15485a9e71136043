import Fluent
import Foundation
import NIOCore
import SQLKit
import Vapor

/// Sends the due deliveries: at least once (a delivery is claimed, sent, then marked; a claim older than a minute
/// is taken again), in order per agent and endpoint (a delivery waits while an earlier one of the same agent is not
/// sent), retried on Standard Webhooks' schedule for 24 hours, then failed and shown to administrators. Safe with
/// several instances: each delivery is claimed with a conditional update.
struct WebhookDispatcher: Sendable {
    /// The wait after each failed attempt (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, then every 10 h).
    static let schedule: [TimeInterval] = [5, 300, 1_800, 7_200, 18_000, 36_000]
    static let retryWindow: TimeInterval = 24 * 60 * 60
    static let staleClaim: TimeInterval = 60
    /// What administrators see of an answer.
    static let keptResponse = 1_000

    let clock: any Clock

    /// Sends what is due, batch after batch while some are sent (the next event of an agent is due once the one
    /// before it is sent); returns how many were accepted.
    @discardableResult
    func deliverDue(
        with http: any Client, on database: any Database, batchSize: Int = 50, timeout: TimeAmount = .seconds(10)
    ) async throws -> Int {
        var delivered = 0
        for _ in 0..<20 {
            let sent = try await deliverBatch(with: http, on: database, batchSize: batchSize, timeout: timeout)
            delivered += sent
            if sent == 0 { break }
        }
        return delivered
    }

    private func deliverBatch(
        with http: any Client, on database: any Database, batchSize: Int, timeout: TimeAmount
    ) async throws -> Int {
        let sql = database as! any SQLDatabase
        let now = clock.now
        let due = try await sql.raw(
            """
            SELECT d.id, d.status, d.message_id, d.payload, d.attempts, d.created_at, e.url, e.secret
            FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
            WHERE ((d.status = 'pending' AND d.next_attempt_at <= \(bind: now))
                OR (d.status = 'sending' AND d.claimed_at < \(bind: now.addingTimeInterval(-Self.staleClaim))))
              AND NOT EXISTS (SELECT 1 FROM webhook_deliveries b WHERE b.endpoint_id = d.endpoint_id
                AND b.agent_id = d.agent_id AND b.id < d.id AND b.status IN ('pending', 'sending'))
            ORDER BY d.id LIMIT \(bind: batchSize)
            """
        ).all().map(Due.init)
        var claimed: [Due] = []
        for delivery in due where try await claim(delivery, now: now, on: sql) { claimed.append(delivery) }
        // Different agents or endpoints: sent side by side, so that one slow endpoint does not hold the others.
        return try await withThrowingTaskGroup(of: Bool.self) { group in
            for delivery in claimed {
                group.addTask { try await send(delivery, with: http, timeout: timeout, on: sql) }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
    }

    private struct Due: Sendable {
        let id: Int
        let status: String
        let messageID: String
        let payload: String
        let attempts: Int
        let createdAt: Date
        let url: String
        let secret: String

        init(row: any SQLRow) throws {
            id = try row.decode(column: "id", as: Int.self)
            status = try row.decode(column: "status", as: String.self)
            messageID = try row.decode(column: "message_id", as: String.self)
            payload = try row.decode(column: "payload", as: String.self)
            attempts = try row.decode(column: "attempts", as: Int.self)
            createdAt = try row.decode(column: "created_at", as: Date.self)
            url = try row.decode(column: "url", as: String.self)
            secret = try row.decode(column: "secret", as: String.self)
        }
    }

    private func claim(_ delivery: Due, now: Date, on sql: any SQLDatabase) async throws -> Bool {
        !(try await sql.update(WebhookDelivery.schema)
            .set("status", to: WebhookDelivery.Status.sending.rawValue).set("claimed_at", to: now)
            .where("id", .equal, delivery.id).where("status", .equal, delivery.status)
            .returning("id").all()).isEmpty
    }

    private func send(
        _ delivery: Due, with http: any Client, timeout: TimeAmount, on sql: any SQLDatabase
    )
        async throws -> Bool
    {
        let attempts = delivery.attempts + 1
        var status: Int?
        var body: String?
        var failure: String?
        let timestamp = Int(clock.now.timeIntervalSince1970)
        if let signature = WebhookSignature.sign(
            secret: delivery.secret, messageID: delivery.messageID, timestamp: timestamp, body: delivery.payload)
        {
            do {
                let response = try await http.post(URI(string: delivery.url)) { request in
                    request.timeout = timeout
                    request.headers.replaceOrAdd(name: .contentType, value: "application/json")
                    request.headers.replaceOrAdd(name: .userAgent, value: "Habilis-Webhooks/1")
                    request.headers.replaceOrAdd(name: "webhook-id", value: delivery.messageID)
                    request.headers.replaceOrAdd(name: "webhook-timestamp", value: String(timestamp))
                    request.headers.replaceOrAdd(name: "webhook-signature", value: signature)
                    request.body = ByteBuffer(string: delivery.payload)
                }
                status = Int(response.status.code)
                body = response.body.map { String(buffer: $0) }.map { String($0.prefix(Self.keptResponse)) }
            } catch {
                failure = String(String(describing: error).prefix(500))
            }
        } else {
            failure = "secret is not a whsec_ secret"
        }
        let accepted = status.map { (200..<300).contains($0) } ?? false
        var update = sql.update(WebhookDelivery.schema)
            .set("attempts", to: attempts).set("response_status", to: status).set("response_body", to: body)
            .set("last_error", to: accepted ? nil : failure ?? "the endpoint answered \(status ?? 0)")
        if accepted {
            update = update.set("status", to: WebhookDelivery.Status.sent.rawValue).set("sent_at", to: clock.now)
        } else {
            let wait = Self.schedule[min(attempts - 1, Self.schedule.count - 1)]
            let next = clock.now.addingTimeInterval(wait)
            let givesUp = next.timeIntervalSince(delivery.createdAt) > Self.retryWindow
            update = update.set(
                "status", to: (givesUp ? WebhookDelivery.Status.failed : .pending).rawValue
            ).set("next_attempt_at", to: next)
        }
        try await update.where("id", .equal, delivery.id).run()
        return accepted
    }
}
