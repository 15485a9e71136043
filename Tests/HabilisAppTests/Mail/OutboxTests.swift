import Fluent
import Foundation
import NIOConcurrencyHelpers
import Testing
import Vapor

@testable import HabilisApp

/// Counts what it is asked to send; fails while `failures` is positive.
final class CountingMailer: Mailer, @unchecked Sendable {
    private let lock = NIOLock()
    private var sentIDs: [String] = []
    private var failures: Int
    /// Runs after each message is taken (a fault injected between sending and recording).
    private let afterSend: (@Sendable () async throws -> Void)?

    init(failures: Int = 0, afterSend: (@Sendable () async throws -> Void)? = nil) {
        self.failures = failures
        self.afterSend = afterSend
    }

    var sent: [String] { lock.withLock { sentIDs } }

    func send(_ message: MailMessage, from sender: String, messageID: String, date: Date) async throws {
        try lock.withLock {
            if failures > 0 {
                failures -= 1
                throw SMTPError(reply: "451 try later")
            }
            sentIDs.append(messageID)
        }
        try await afterSend?()
    }
}

@Suite("The outbox keeps every mail until it is sent, once")
struct OutboxTests {
    let message = MailMessage(recipient: "a@caf.fr", subject: "Objet", textBody: "Texte", htmlBody: "<p>Texte</p>")

    @Test("the same event and recipient are enqueued once")
    func dedupe() async throws {
        try await withTestApp(seedDemo: false) { context in
            try await context.app.portal.outbox.enqueue(message, key: "event-1:a@caf.fr", on: context.db)
            try await context.app.portal.outbox.enqueue(message, key: "event-1:a@caf.fr", on: context.db)
            #expect(try await OutboxMessage.query(on: context.db).count() == 1)

            // Two transactions enqueueing one key at the same instant: both commit, one mail.
            let outbox = context.app.portal.outbox
            let message = self.message
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        try await context.db.atomically { transaction in
                            try await outbox.enqueue(message, key: "event-3:a@caf.fr", on: transaction)
                            try await Task.sleep(for: .milliseconds(50))
                        }
                    }
                }
                try await group.waitForAll()
            }
            let enqueued = try await OutboxMessage.query(on: context.db).filter(\.$dedupeKey == "event-3:a@caf.fr")
                .count()
            #expect(enqueued == 1)
        }
    }

    @Test("a mail enqueued in a transaction that fails is never sent")
    func rollback() async throws {
        try await withTestApp(seedDemo: false) { context in
            struct Boom: Error {}
            await #expect(throws: Boom.self) {
                try await context.db.transaction { transaction in
                    try await context.app.portal.outbox.enqueue(message, key: "event-2:a@caf.fr", on: transaction)
                    throw Boom()
                }
            }
            let stored = try await OutboxMessage.query(on: context.db).count()
            #expect(stored == 0)
        }
    }

    @Test("a failed send is retried with growing delays, then sent once")
    func retries() async throws {
        try await withTestApp(seedDemo: false) { context in
            let mailer = CountingMailer(failures: 2)
            let dispatcher = OutboxDispatcher(
                clock: context.clock, mailer: mailer, sender: "Habilis <no-reply@ucanss.fr>", messageIDDomain: "test")
            try await context.app.portal.outbox.enqueue(message, key: "event-3:a@caf.fr", on: context.db)

            #expect(try await dispatcher.dispatchDue(on: context.db) == 0)
            var row = try #require(try await OutboxMessage.query(on: context.db).first())
            #expect(row.status == .pending)
            #expect(row.attempts == 1)
            #expect(row.nextAttemptAt == testEpoch.addingTimeInterval(30))
            #expect(row.lastError?.contains("451") == true)

            #expect(try await dispatcher.dispatchDue(on: context.db) == 0)
            context.clock.advance(by: 31)
            #expect(try await dispatcher.dispatchDue(on: context.db) == 0)
            row = try #require(try await OutboxMessage.query(on: context.db).first())
            #expect(row.nextAttemptAt == context.clock.now.addingTimeInterval(60))

            context.clock.advance(by: 61)
            #expect(try await dispatcher.dispatchDue(on: context.db) == 1)
            #expect(try await dispatcher.dispatchDue(on: context.db) == 0)
            row = try #require(try await OutboxMessage.query(on: context.db).first())
            #expect(row.status == .sent)
            #expect(mailer.sent.count == 1)
        }
    }

    @Test("after 8 failed attempts a mail is marked failed")
    func poison() async throws {
        try await withTestApp(seedDemo: false) { context in
            let dispatcher = OutboxDispatcher(
                clock: context.clock, mailer: CountingMailer(failures: 100), sender: "x <x@x.fr>",
                messageIDDomain: "test")
            try await context.app.portal.outbox.enqueue(message, key: "event-4:a@caf.fr", on: context.db)
            for _ in 0..<8 {
                try await dispatcher.dispatchDue(on: context.db)
                context.clock.advance(by: 3601)
            }
            let row = try #require(try await OutboxMessage.query(on: context.db).first())
            #expect(row.status == .failed)
            #expect(row.attempts == 8)
        }
    }

    @Test("two dispatchers running at once send each mail once")
    func concurrentDispatchers() async throws {
        try await withTestApp(seedDemo: false) { context in
            for index in 0..<40 {
                try await context.app.portal.outbox.enqueue(message, key: "event-\(index):a@caf.fr", on: context.db)
            }
            let mailer = CountingMailer()
            let first = OutboxDispatcher(
                clock: context.clock, mailer: mailer, sender: "x <x@x.fr>", messageIDDomain: "t")
            let second = OutboxDispatcher(
                clock: context.clock, mailer: mailer, sender: "x <x@x.fr>", messageIDDomain: "t")
            async let a = first.dispatchDue(on: context.db, batchSize: 7)
            async let b = second.dispatchDue(on: context.db, batchSize: 7)
            let total = try await a + b
            #expect(total == 40)
            #expect(mailer.sent.count == 40)
            #expect(Set(mailer.sent).count == 40)
        }
    }

    @Test("a claim left by a crashed dispatcher is taken again after 5 minutes")
    func staleClaim() async throws {
        try await withTestApp(seedDemo: false) { context in
            try await context.app.portal.outbox.enqueue(message, key: "event-5:a@caf.fr", on: context.db)
            try await OutboxMessage.query(on: context.db).set(\.$status, to: .sending)
                .set(\.$claimedAt, to: context.clock.now).update()
            let mailer = CountingMailer()
            let dispatcher = OutboxDispatcher(
                clock: context.clock, mailer: mailer, sender: "x <x@x.fr>", messageIDDomain: "t")
            #expect(try await dispatcher.dispatchDue(on: context.db) == 0)
            context.clock.advance(by: 6 * 60)
            #expect(try await dispatcher.dispatchDue(on: context.db) == 1)
        }
    }

    @Test("a mail the relay accepted is recorded once the database is back, never sent again")
    func databaseAwayAfterSend() async throws {
        try await withTestApp(seedDemo: false) { context in
            // The database goes away between the relay's acceptance and the record of it, for about a second.
            let sql = context.sql
            let mailer = CountingMailer(afterSend: {
                try await sql.raw("ALTER TABLE outbox_messages RENAME TO outbox_messages_away").run()
                Task {
                    try await Task.sleep(for: .seconds(1))
                    try await sql.raw("ALTER TABLE outbox_messages_away RENAME TO outbox_messages").run()
                }
            })
            var dispatcher = OutboxDispatcher(
                clock: context.clock, mailer: mailer, sender: "x <x@x.fr>", messageIDDomain: "test")
            dispatcher.markRetryDelays = Array(repeating: .milliseconds(200), count: 20)
            try await context.app.portal.outbox.enqueue(message, key: "event-5:a@caf.fr", on: context.db)
            #expect(try await dispatcher.dispatchDue(on: context.db) == 1)
            let row = try #require(try await OutboxMessage.query(on: context.db).first())
            #expect(row.status == .sent)
            // Even once its claim would be stale, nothing is due: the mail went once.
            context.clock.advance(by: 3600)
            #expect(try await dispatcher.dispatchDue(on: context.db) == 0)
            #expect(mailer.sent.count == 1)
        }
    }

    @Test("a dispatcher stopped by a shutdown claims nothing more and leaves no mail half sent")
    func shutdown() async throws {
        try await withTestApp(seedDemo: false) { context in
            for number in 1...10 {
                try await context.app.portal.outbox.enqueue(message, key: "event-\(number):a@caf.fr", on: context.db)
            }
            // The instance is told to stop while it sends the third mail.
            let running = NIOLockedValueBox<Task<Int, any Error>?>(nil)
            let handed = NIOLockedValueBox(0)
            let mailer = CountingMailer(afterSend: {
                let count = handed.withLockedValue { count in
                    count += 1
                    return count
                }
                if count == 3 { running.withLockedValue { $0?.cancel() } }
            })
            let dispatcher = OutboxDispatcher(
                clock: context.clock, mailer: mailer, sender: "x <x@x.fr>", messageIDDomain: "t")
            let database = context.db
            let task = Task {
                // Starts once it is known, so that the third mail can stop it.
                while running.withLockedValue({ $0 == nil }) { await Task.yield() }
                return try await dispatcher.dispatchDue(on: database)
            }
            running.withLockedValue { $0 = task }
            let sent = try await task.value
            // The mail in hand went and is recorded; nothing more was claimed.
            #expect(sent == 3)
            #expect(mailer.sent.count == sent)
            let rows = try await OutboxMessage.query(on: context.db).all()
            #expect(rows.filter { $0.status == .sent }.count == sent)
            #expect(rows.filter { $0.status == .pending }.count == 10 - sent)
        }
    }
}
