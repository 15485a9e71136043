import Fluent
import Foundation

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
}
