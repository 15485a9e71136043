import Fluent
import Foundation
import SQLKit

/// The persistent outbox: mails are enqueued in the transaction of their event and sent later, each once.
public struct Outbox: Sendable {
    /// A message claimed longer ago than this belongs to a dispatcher that died; it is claimed again.
    static let staleClaim: TimeInterval = 5 * 60

    let clock: any Clock

    /// Enqueues a message; a second message with the same key (same event, same recipient) is ignored, also when
    /// two transactions enqueue it at the same instant.
    public func enqueue(_ message: MailMessage, key: String, on database: any Database) async throws {
        try await (database as! any SQLDatabase).insert(into: OutboxMessage.schema)
            .columns(
                "id", "dedupe_key", "recipient", "subject", "text_body", "html_body", "status", "attempts",
                "next_attempt_at", "created_at"
            )
            .values(
                SQLBind(UUID()), SQLBind(key), SQLBind(message.recipient), SQLBind(message.subject),
                SQLBind(message.textBody), SQLBind(message.htmlBody), SQLBind(OutboxMessage.Status.pending.rawValue),
                SQLBind(0), SQLBind(clock.now), SQLBind(clock.now)
            )
            .ignoringConflicts(with: ["dedupe_key"])
            .run()
    }
}

/// Sends what the outbox holds: claims each due row with a conditional update (so two instances never send the
/// same row at once), sends it, marks it sent, or schedules a retry with exponential backoff. A batch goes out over
/// the transport's parallel sessions (connections to the relay), a recipient's mails always over the same one, so
/// that they arrive in the order they were written.
public struct OutboxDispatcher: Sendable {
    let clock: any Clock
    let mailer: any Mailer
    let sender: String
    let messageIDDomain: String
    /// How long to wait before each new attempt to record a mail the relay accepted, while the database is away
    /// (about a minute in all): a restart of PostgreSQL between the relay's "250" and the row marked sent would
    /// otherwise leave the row claimed, and the mail sent again when the claim is taken back.
    var markRetryDelays: [Duration] = [
        .milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(15), .seconds(30),
    ]

    /// Sends every due message (in batches) and returns how many were sent. Once cancelled (the instance shuts
    /// down) it claims nothing more and returns when the mails in hand are sent and recorded.
    @discardableResult
    public func dispatchDue(on database: any Database, batchSize: Int = 50) async throws -> Int {
        var sent = 0
        while !Task.isCancelled {
            let now = clock.now
            let due = try await OutboxMessage.query(on: database)
                .group(.or) { group in
                    group.group(.and) { $0.filter(\.$status == .pending).filter(\.$nextAttemptAt <= now) }
                    group.group(.and) {
                        $0.filter(\.$status == .sending).filter(
                            \.$claimedAt < now.addingTimeInterval(-Outbox.staleClaim))
                    }
                }
                .sort(\.$createdAt)
                .limit(batchSize)
                .all()
            let lanes = Self.lanes(of: due, count: mailer.parallelSessions)
            // Every lane runs to its end even when another fails: a lane stopped between the relay's "250" and the
            // record of it would send that mail again.
            let outcomes = await withTaskGroup(of: Result<LaneOutcome, any Error>.self) { group in
                for lane in lanes {
                    group.addTask {
                        do { return .success(try await send(lane, claimedAt: now, on: database)) } catch {
                            return .failure(error)
                        }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            var claimedAny = false
            var relayUnavailable = false
            for outcome in outcomes {
                let lane = try outcome.get()
                sent += lane.sent
                claimedAny = claimedAny || lane.claimed
                relayUnavailable = relayUnavailable || lane.relayUnavailable
            }
            // With the relay away, the next round tries again with one mail a lane, not the whole backlog: each
            // mail tried meant a connection refused, two updates and, behind a long queue, a slow batch query.
            if relayUnavailable || due.count < batchSize || !claimedAny { return sent }
        }
        return sent
    }

    /// The due messages split into at most `count` lanes, a recipient's always in the same lane, in their order.
    static func lanes(of messages: [OutboxMessage], count: Int) -> [[OutboxMessage]] {
        var lanes: [[OutboxMessage]] = Array(repeating: [], count: max(1, count))
        var laneOf: [String: Int] = [:]
        for message in messages {
            let key = message.recipient.lowercased()
            let lane = laneOf[key] ?? (laneOf.count % lanes.count)
            laneOf[key] = lane
            lanes[lane].append(message)
        }
        return lanes.filter { !$0.isEmpty }
    }

    private struct LaneOutcome: Sendable {
        var sent = 0
        var claimed = false
        var relayUnavailable = false
    }

    /// What became of one mail handed to the relay.
    private enum Delivery {
        case sent
        case retriedLater
        /// Retried later too; the mails after it would meet the same closed door.
        case relayUnavailable
    }

    /// Sends one lane's messages over one session, each claimed just before it goes.
    private func send(
        _ messages: [OutboxMessage], claimedAt now: Date, on database: any Database
    ) async throws
        -> LaneOutcome
    {
        var outcome = LaneOutcome()
        let session = mailer.session()
        do {
            for message in messages where !Task.isCancelled {
                guard try await claim(message, now: now, on: database) else { continue }
                outcome.claimed = true
                let delivery = try await deliver(message, over: session, on: database)
                if delivery == .sent { outcome.sent += 1 }
                if delivery == .relayUnavailable {
                    outcome.relayUnavailable = true
                    break
                }
            }
        } catch {
            await session.close()
            throw error
        }
        await session.close()
        return outcome
    }

    private func claim(_ message: OutboxMessage, now: Date, on database: any Database) async throws -> Bool {
        let sql = database as! any SQLDatabase
        let rows = try await sql.update(OutboxMessage.schema)
            .set("status", to: OutboxMessage.Status.sending.rawValue)
            .set("claimed_at", to: now)
            .where("id", .equal, message.id!)
            .where("status", .equal, message.status.rawValue)
            .returning("id")
            .all()
        return !rows.isEmpty
    }

    private func deliver(
        _ message: OutboxMessage, over session: any MailSession, on database: any Database
    )
        async throws -> Delivery
    {
        let mail = MailMessage(
            recipient: message.recipient, subject: message.subject, textBody: message.textBody,
            htmlBody: message.htmlBody)
        // The row key is in the Message-ID: a resend after a crash between send and mark is recognisable.
        let messageID = "\(SecureToken.hash(message.dedupeKey).prefix(32))@\(messageIDDomain)"
        let sql = database as! any SQLDatabase
        do {
            try await session.send(mail, from: sender, messageID: messageID, date: clock.now)
        } catch {
            let attempts = message.attempts + 1
            let delay = RetrySchedule.delay(afterAttempts: attempts)
            // A refused recipient or message (5yz) goes straight to « Courriels en échec »; the rest is retried.
            let permanent = (error as? SMTPError)?.isPermanent ?? false
            let status: OutboxMessage.Status =
                permanent || RetrySchedule.givesUp(after: attempts) ? .failed : .pending
            try await sql.update(OutboxMessage.schema)
                .set("status", to: status.rawValue)
                .set("attempts", to: attempts)
                .set("next_attempt_at", to: clock.now.addingTimeInterval(delay))
                .set("last_error", to: String(String(describing: error).prefix(500)))
                .where("id", .equal, message.id!)
                .run()
            return error is MailRelayUnavailable ? .relayUnavailable : .retriedLater
        }
        // Sent: from here on, only the database may fail, and the mail must not go twice.
        var delays = markRetryDelays[...]
        while true {
            do {
                try await sql.update(OutboxMessage.schema)
                    .set("status", to: OutboxMessage.Status.sent.rawValue)
                    .set("sent_at", to: clock.now)
                    .set("attempts", to: message.attempts + 1)
                    .where("id", .equal, message.id!)
                    .run()
                return .sent
            } catch {
                guard let delay = delays.popFirst() else { throw error }
                // Not cut short by a shutdown: giving up here would send the mail again.
                try? await Task.detached { try await Task.sleep(for: delay) }.value
            }
        }
    }
}

/// When a delivery that failed is tried again: 30 s, 1 min, 2 min… at most an hour apart, 8 attempts in all (about
/// two hours), then it is marked failed and shown to administrators. Mails and back-channel logouts alike.
enum RetrySchedule {
    static let maximumAttempts = 8

    static func delay(afterAttempts attempts: Int) -> TimeInterval {
        min(30 * pow(2, Double(attempts - 1)), 3600)
    }

    static func givesUp(after attempts: Int) -> Bool { attempts >= maximumAttempts }
}
