import Fluent
import Foundation
import NIOPosix
import Testing
import Vapor

@testable import HabilisApp

@Suite("The SMTP transport against a real SMTP server (aiosmtpd)")
struct SMTPTransportTests {
    let message = MailMessage(
        recipient: "a.charenne@lassuranceretraite.fr", subject: "Créer un nouveau mot de passe",
        textBody: "Bonjour Aristide,\n.\nUne ligne qui commence par un point.", htmlBody: "<p>Bonjour</p>")

    func mailer(
        port: Int, host: String = "127.0.0.1", requiresTLS: Bool = false, trustRoots: String? = nil,
        connections: Int = 4
    )
        -> SMTPMailer
    {
        SMTPMailer(
            host: host, port: port, username: nil, password: nil, requiresTLS: requiresTLS, trustRootsFile: trustRoots,
            eventLoopGroup: MultiThreadedEventLoopGroup.singleton, connections: connections)
    }

    @Test("a message reaches the server whole: headers, UTF-8 subject, dot-stuffed body")
    func plain() async throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        try await mailer(port: sink.port).send(
            message, from: "Espace Organismes <no-reply@ucanss.fr>", messageID: "abc@test", date: testEpoch)
        let received = sink.messages()
        #expect(received.count == 1)
        let mail = ParsedMail(
            raw: received[0].replacingOccurrences(of: "\r\n", with: "\n")
                .replacingOccurrences(of: "\n", with: "\r\n"))
        #expect(mail.subject == "Créer un nouveau mot de passe")
        #expect(mail.recipient == "a.charenne@lassuranceretraite.fr")
        #expect(mail.header("Message-ID") == "<abc@test>")
        #expect(mail.text == message.textBody)
    }

    @Test("STARTTLS is used when the server offers it")
    func startTLS() async throws {
        let (certificate, key) = try SMTPSink.makeCertificate()
        let sink = try SMTPSink(tls: (certificate, key))
        defer { sink.stop() }
        try await mailer(port: sink.port, host: "localhost", requiresTLS: true, trustRoots: certificate).send(
            message, from: "no-reply@ucanss.fr", messageID: "tls@test", date: testEpoch)
        #expect(sink.messages().count == 1)
    }

    @Test("STARTTLS works with a relay named by its IP address (no SNI, the address is checked)")
    func startTLSByAddress() async throws {
        let (certificate, key) = try SMTPSink.makeCertificate()
        let sink = try SMTPSink(tls: (certificate, key))
        defer { sink.stop() }
        try await mailer(port: sink.port, host: "127.0.0.1", requiresTLS: true, trustRoots: certificate).send(
            message, from: "no-reply@ucanss.fr", messageID: "tls-ip@test", date: testEpoch)
        #expect(sink.messages().count == 1)
    }

    @Test("a certificate that does not name the relay's address is refused")
    func startTLSWrongAddress() async throws {
        let (certificate, key) = try SMTPSink.makeCertificate(namingAddress: false)
        let sink = try SMTPSink(tls: (certificate, key))
        defer { sink.stop() }
        await #expect(throws: (any Error).self) {
            try await mailer(port: sink.port, host: "127.0.0.1", requiresTLS: true, trustRoots: certificate).send(
                message, from: "no-reply@ucanss.fr", messageID: "tls-wrong@test", date: testEpoch)
        }
        #expect(sink.messages().isEmpty)
    }

    @Test("a server without STARTTLS is refused when TLS is required (production)")
    func clearTextRefused() async throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        let error = await #expect(throws: MailRelayUnavailable.self) {
            try await mailer(port: sink.port, requiresTLS: true).send(
                message, from: "no-reply@ucanss.fr", messageID: "x@test", date: testEpoch)
        }
        #expect(error?.description.contains("no STARTTLS") == true)
        #expect(sink.messages().isEmpty)
    }

    @Test("451 twice, then the outbox delivers exactly one message")
    func retriedThroughOutbox() async throws {
        let sink = try SMTPSink(failFirst: 2)
        defer { sink.stop() }
        try await withTestApp(seedDemo: false) { context in
            let dispatcher = OutboxDispatcher(
                clock: context.clock, mailer: mailer(port: sink.port), sender: "no-reply@ucanss.fr",
                messageIDDomain: "test")
            try await context.app.portal.outbox.enqueue(message, key: "reset:1", on: context.db)
            for _ in 0..<5 {
                try await dispatcher.dispatchDue(on: context.db)
                context.clock.advance(by: 3600)
            }
            #expect(sink.messages().count == 1)
            let row = try #require(try await OutboxMessage.query(on: context.db).first())
            #expect(row.status == .sent)
            #expect(row.attempts == 3)
        }
    }

    @Test("a relay that cannot be reached costs one mail a connection each round, and all go once it is back")
    func relayUnavailable() async throws {
        try await withTestApp(seedDemo: false) { context in
            let closed = OutboxDispatcher(
                clock: context.clock, mailer: mailer(port: HabilisBinary.freePort(), connections: 2),
                sender: "no-reply@ucanss.fr", messageIDDomain: "test")
            for index in 0..<10 {
                let mail = MailMessage(
                    recipient: "agent\(index)@caf.fr", subject: "Objet", textBody: "Texte", htmlBody: "<p>T</p>")
                try await context.app.portal.outbox.enqueue(mail, key: "notice:\(index)", on: context.db)
            }
            #expect(try await closed.dispatchDue(on: context.db) == 0)
            var rows = try await OutboxMessage.query(on: context.db).all()
            #expect(rows.allSatisfy { $0.status == .pending })
            let tried = rows.filter { $0.attempts == 1 }
            #expect(tried.count == 2, "one mail a connection, then the round stops")
            #expect(rows.filter { $0.attempts == 0 }.count == 8)
            #expect(tried.allSatisfy { $0.lastError?.contains("relay unavailable") == true })

            let sink = try SMTPSink()
            defer { sink.stop() }
            let back = OutboxDispatcher(
                clock: context.clock, mailer: mailer(port: sink.port, connections: 2), sender: "no-reply@ucanss.fr",
                messageIDDomain: "test")
            context.clock.advance(by: 31)
            #expect(try await back.dispatchDue(on: context.db) == 10)
            rows = try await OutboxMessage.query(on: context.db).all()
            #expect(rows.allSatisfy { $0.status == .sent })
            #expect(Set(sink.received().map(\.recipient)).count == 10)
        }
    }

    @Test("a recipient refused for good (550) goes to the failed mails at once, and the others still go")
    func permanentRefusal() async throws {
        let sink = try SMTPSink(refusedRecipient: "parti@caf.fr")
        defer { sink.stop() }
        try await withTestApp(seedDemo: false) { context in
            let dispatcher = OutboxDispatcher(
                clock: context.clock, mailer: mailer(port: sink.port), sender: "no-reply@ucanss.fr",
                messageIDDomain: "test")
            let refused = MailMessage(
                recipient: "parti@caf.fr", subject: "Objet", textBody: "Texte", htmlBody: "<p>T</p>")
            try await context.app.portal.outbox.enqueue(refused, key: "reset:refused", on: context.db)
            try await context.app.portal.outbox.enqueue(message, key: "reset:kept", on: context.db)
            try await dispatcher.dispatchDue(on: context.db)
            context.clock.advance(by: 3600)
            try await dispatcher.dispatchDue(on: context.db)
            let rows = try await OutboxMessage.query(on: context.db).sort(\.$recipient).all()
            #expect(rows.map(\.recipient) == [message.recipient, "parti@caf.fr"])
            #expect(rows.map(\.status) == [.sent, .failed])
            #expect(rows[1].attempts == 1)
            #expect(rows[1].lastError?.contains("550") == true)
            #expect(sink.messages().count == 1)
        }
    }

    @Test("a batch goes out over a few kept connections at once, each recipient's mails in their order")
    func keptConnections() async throws {
        // Each message takes the relay 0.3 s: one connection at a time would hold the relay for 12 × 0.3 s. The
        // first waits up to 20 s for a second alongside, which one connection at a time never sends (under the
        // whole suite, the connections' tasks once started more than 0.3 s apart).
        let sink = try SMTPSink(delay: 0.3, companyWait: 20)
        defer { sink.stop() }
        try await withTestApp(seedDemo: false) { context in
            let dispatcher = OutboxDispatcher(
                clock: context.clock, mailer: mailer(port: sink.port, connections: 3), sender: "no-reply@ucanss.fr",
                messageIDDomain: "test")
            let recipients = ["a@caf.fr", "b@caf.fr", "c@caf.fr", "d@caf.fr"]
            for number in 1...3 {
                for recipient in recipients {
                    let mail = MailMessage(
                        recipient: recipient, subject: "Message \(number)", textBody: "Texte", htmlBody: "<p>T</p>")
                    try await context.app.portal.outbox.enqueue(
                        mail, key: "event-\(number):\(recipient)", on: context.db)
                    context.clock.advance(by: 1)
                }
            }
            #expect(try await dispatcher.dispatchDue(on: context.db) == 12)
            let received = sink.received()
            #expect(received.count == 12)
            // Three connections, each used for several messages, two of them or more at once.
            #expect(Set(received.map(\.clientPort)).count == 3)
            #expect(received.last?.mostAtOnce ?? 0 >= 2)
            #expect(received.last?.mostAtOnce ?? 0 <= 3)
            // A recipient's mails came over one connection, in the order they were written.
            for recipient in recipients {
                let theirs = received.filter { $0.recipient == recipient }
                #expect(Set(theirs.map(\.clientPort)).count == 1)
                let written = (1...3).map { "\(SecureToken.hash("event-\($0):\(recipient)").prefix(32))@test" }
                #expect(theirs.map(\.messageID) == written)
            }
            let rows = try await OutboxMessage.query(on: context.db).all()
            #expect(rows.allSatisfy { $0.status == .sent && $0.attempts == 1 })
        }
    }

    @Test("a connection the relay dropped between two messages is opened again, and the message goes once")
    func droppedConnection() async throws {
        let sink = try SMTPSink(closeAfter: 1)
        defer { sink.stop() }
        let session = mailer(port: sink.port).session()
        try await session.send(message, from: "no-reply@ucanss.fr", messageID: "one@test", date: testEpoch)
        // The relay has closed the connection; this side may not have noticed yet.
        try await Task.sleep(for: .milliseconds(200))
        try await session.send(message, from: "no-reply@ucanss.fr", messageID: "two@test", date: testEpoch)
        await session.close()
        let received = sink.received()
        #expect(received.count == 2)
        #expect(Set(received.map(\.clientPort)).count == 2)
        #expect(sink.messages().count == 2)
    }

    @Test("a session keeps its connection for the next message")
    func sessionKeepsConnection() async throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        let session = mailer(port: sink.port).session()
        for number in 1...5 {
            try await session.send(message, from: "no-reply@ucanss.fr", messageID: "\(number)@test", date: testEpoch)
        }
        await session.close()
        let received = sink.received()
        #expect(received.count == 5)
        #expect(Set(received.map(\.clientPort)).count == 1)
    }
}
