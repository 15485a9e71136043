import Fluent
import Foundation
import SQLKit

/// Tells a person something in the portal and by e-mail, inside the transaction of the event.
public struct Notifier: Sendable {
    let clock: any Clock
    let outbox: Outbox

    /// Writes the in-portal notification and enqueues the mail; `key` names the event (one mail per recipient).
    public func notify(
        _ agent: Agent, message: String, link: String?, mail: MailMessage, key: String, on database: any Database
    ) async throws {
        try await Notification(agentID: agent.id!, message: message, link: link, createdAt: clock.now)
            .create(on: database)
        try await outbox.enqueue(mail, key: "\(key):\(agent.id!.uuidString)", on: database)
    }

    /// One notification and its mail, to be written with many others.
    public struct Notice: Sendable {
        let agentID: UUID
        let message: String
        let link: String?
        let mail: MailMessage
        let key: String
    }

    /// Writes many notifications and their mails in a few statements (the sweep accepts thousands at once); a mail
    /// whose key (event, recipient) is already in the outbox is skipped, as with `notify`.
    public func notifyAll(_ notices: [Notice], on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        let now = clock.now
        try await sql.insertRows(
            into: Notification.schema, columns: ["id", "agent_id", "message", "link", "created_at"],
            rows: notices.map { [UUID.timeOrdered(), $0.agentID, $0.message, $0.link, now] })
        try await sql.insertRows(
            into: OutboxMessage.schema,
            columns: [
                "id", "dedupe_key", "recipient", "subject", "text_body", "html_body", "status", "attempts",
                "next_attempt_at", "created_at",
            ],
            rows: notices.map { notice in
                [
                    UUID.timeOrdered(), "\(notice.key):\(notice.agentID.uuidString)", notice.mail.recipient,
                    notice.mail.subject,
                    notice.mail.textBody, notice.mail.htmlBody, OutboxMessage.Status.pending.rawValue, 0, now, now,
                ]
            },
            ignoringConflicts: true)
    }
}
