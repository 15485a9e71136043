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
        port: Int, host: String = "127.0.0.1", requiresTLS: Bool = false, trustRoots: String? = nil
    )
        -> SMTPMailer
    {
        SMTPMailer(
            host: host, port: port, username: nil, password: nil, requiresTLS: requiresTLS, trustRootsFile: trustRoots,
            eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
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
        await #expect(throws: SMTPError.self) {
            try await mailer(port: sink.port, requiresTLS: true).send(
                message, from: "no-reply@ucanss.fr", messageID: "x@test", date: testEpoch)
        }
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
}
