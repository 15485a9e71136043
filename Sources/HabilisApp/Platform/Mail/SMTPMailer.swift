import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// A small SMTP client over SwiftNIO: EHLO, STARTTLS when offered, AUTH PLAIN, one recipient per message.
public struct SMTPMailer: Mailer {
    let host: String
    let port: Int
    let username: String?
    let password: String?
    /// Production refuses to send in clear when the server offers no STARTTLS.
    let requiresTLS: Bool
    /// A PEM file of extra trust roots (a test server's self-signed certificate).
    let trustRootsFile: String?
    let eventLoopGroup: any EventLoopGroup
    /// Connections the outbox keeps open to the relay at once (`HABILIS_SMTP_CONNECTIONS`).
    var connections = 4

    public var parallelSessions: Int { connections }

    /// One message on a connection of its own.
    public func send(_ message: MailMessage, from sender: String, messageID: String, date: Date) async throws {
        let connection = SMTPConnection(mailer: self)
        defer { connection.abandon() }
        try await connection.send(message, from: sender, messageID: messageID, date: date)
        await connection.close()
    }

    /// Several messages on one connection: the TLS handshake and the greeting once, not once per message.
    public func session() -> any MailSession { SMTPConnection(mailer: self) }

    /// A new connection, greeted, secured and authenticated; any failure here is the relay's, not a message's.
    func open() async throws -> SMTPSession {
        do { return try await connect() } catch { throw MailRelayUnavailable(cause: error) }
    }

    private func connect() async throws -> SMTPSession {
        let reader = SMTPReplyReader()
        let channel = try await ClientBootstrap(group: eventLoopGroup)
            .connectTimeout(.seconds(10))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(reader) }
            }
            .connect(host: host, port: port).get()
        let session = SMTPSession(channel: channel, reader: reader)
        do {
            try await session.expect(220)
            let capabilities = try await session.command("EHLO habilis", expecting: 250).lines
            if capabilities.contains(where: { $0.uppercased().hasPrefix("STARTTLS") }) {
                try await session.command("STARTTLS", expecting: 220)
                try await startTLS(on: channel)
                try await session.command("EHLO habilis", expecting: 250)
            } else if requiresTLS {
                throw SMTPError(reply: "server offers no STARTTLS; refusing to send in clear")
            }
            if let username, let password {
                let credentials = Data("\0\(username)\0\(password)".utf8).base64EncodedString()
                try await session.command("AUTH PLAIN \(credentials)", expecting: 235)
            }
            return session
        } catch {
            try? await channel.close()
            throw error
        }
    }

    private func startTLS(on channel: any Channel) async throws {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let trustRootsFile {
            configuration.trustRoots = .file(trustRootsFile)
        }
        let context = try NIOSSLContext(configuration: configuration)
        // SNI carries names only (RFC 6066 3): a relay named by its address is checked against that address.
        let host = Self.isIPAddress(self.host) ? nil : self.host
        try await channel.eventLoop.submit {
            let handler = try NIOSSLClientHandler(context: context, serverHostname: host)
            try channel.pipeline.syncOperations.addHandler(handler, position: .first)
        }.get()
    }

    static func isIPAddress(_ host: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }

    /// The bare address of `Name <address>`.
    static func address(in sender: String) -> String {
        guard let open = sender.lastIndex(of: "<"), let close = sender.lastIndex(of: ">"), open < close else {
            return sender
        }
        return String(sender[sender.index(after: open)..<close])
    }

    /// RFC 5321 4.5.2: a line starting with a dot gets a second one.
    static func dotStuffed(_ body: String) -> String {
        body.components(separatedBy: "\r\n").map { $0.hasPrefix(".") ? "." + $0 : $0 }.joined(separator: "\r\n")
    }
}

/// One connection to the relay, used for message after message by one task (RFC 5321 3.3: a transaction per
/// message, then the next MAIL). It is opened at the first message, opened again when the relay dropped it while
/// idle, and closed after any failure, so that a confused connection is never used again.
final class SMTPConnection: MailSession {
    /// Relays cap the messages of a connection (Postfix's `smtpd_client_message_rate_limit`, Exchange's 20–100).
    static let messagesPerConnection = 100

    private let mailer: SMTPMailer
    private var open: SMTPSession?
    private var messages = 0

    init(mailer: SMTPMailer) { self.mailer = mailer }

    func send(_ message: MailMessage, from sender: String, messageID: String, date: Date) async throws {
        let mailFrom = "MAIL FROM:<\(SMTPMailer.address(in: sender))>"
        var session: SMTPSession
        if let kept = open {
            session = kept
            do {
                try await session.command(mailFrom, expecting: 250)
            } catch {
                // Nothing of this message reached the relay yet: a dropped idle connection costs a new one, not a retry.
                abandon()
                session = try await opened()
                try await transaction(mailFrom, on: session)
            }
        } else {
            session = try await opened()
            try await transaction(mailFrom, on: session)
        }
        do {
            try await session.command("RCPT TO:<\(message.recipient)>", expecting: 250, 251)
            try await session.command("DATA", expecting: 354)
            let body = MIMEMessage.render(message, from: sender, messageID: messageID, date: date)
            try await session.command(SMTPMailer.dotStuffed(body) + "\r\n.", expecting: 250)
        } catch {
            abandon()
            throw error
        }
        messages += 1
        if messages >= Self.messagesPerConnection { await close() }
    }

    func close() async {
        guard let session = open else { return }
        open = nil
        try? await session.command("QUIT", expecting: 221)
        try? await session.channel.close()
    }

    /// Closes without a word to the relay (after a failure, or a task that ends early).
    func abandon() {
        guard let session = open else { return }
        open = nil
        session.channel.close(promise: nil)
    }

    private func opened() async throws -> SMTPSession {
        let session = try await mailer.open()
        open = session
        messages = 0
        return session
    }

    private func transaction(_ mailFrom: String, on session: SMTPSession) async throws {
        do {
            try await session.command(mailFrom, expecting: 250)
        } catch {
            abandon()
            throw error
        }
    }
}

/// A reply the server gave that was not the one expected.
struct SMTPError: Error, CustomStringConvertible {
    let reply: String
    var description: String { "SMTP: \(reply)" }

    /// RFC 5321 4.2.1: a 5yz reply is a permanent failure; sending the same message again cannot succeed.
    var isPermanent: Bool { reply.first == "5" }
}

/// A complete (possibly multi-line) SMTP reply.
struct SMTPReply: Sendable {
    let code: Int
    let lines: [String]
}

/// Sends commands and waits for replies on one connection.
struct SMTPSession {
    let channel: any Channel
    let reader: SMTPReplyReader

    @discardableResult
    func command(_ line: String, expecting codes: Int...) async throws -> SMTPReply {
        try await channel.writeAndFlush(ByteBuffer(string: line + "\r\n"))
        return try await expect(codes)
    }

    @discardableResult
    func expect(_ codes: Int...) async throws -> SMTPReply {
        try await expect(codes)
    }

    private func expect(_ codes: [Int]) async throws -> SMTPReply {
        let reader = self.reader
        let reply = try await channel.eventLoop.flatSubmit { reader.nextReply() }.get()
        guard codes.contains(reply.code) else {
            throw SMTPError(reply: "\(reply.code) \(reply.lines.joined(separator: " / "))")
        }
        return reply
    }
}

/// Splits the server's bytes into replies; its state is only touched on the channel's event loop.
final class SMTPReplyReader: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer

    private var pending = ""
    private var lines: [String] = []
    private var replies: [SMTPReply] = []
    private var waiters: [EventLoopPromise<SMTPReply>] = []
    private var context: ChannelHandlerContext?

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        pending += buffer.readString(length: buffer.readableBytes) ?? ""
        while let end = pending.range(of: "\r\n") {
            let line = String(pending[..<end.lowerBound])
            pending.removeSubrange(..<end.upperBound)
            receive(line)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(SMTPError(reply: "connection closed"))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failAll(error)
        context.close(promise: nil)
    }

    func nextReply() -> EventLoopFuture<SMTPReply> {
        guard let context else {
            return MultiThreadedEventLoopGroup.singleton.any().makeFailedFuture(SMTPError(reply: "no connection"))
        }
        if !replies.isEmpty { return context.eventLoop.makeSucceededFuture(replies.removeFirst()) }
        let promise = context.eventLoop.makePromise(of: SMTPReply.self)
        waiters.append(promise)
        let timeout = context.eventLoop.scheduleTask(in: .seconds(30)) { promise.fail(SMTPError(reply: "timeout")) }
        promise.futureResult.whenComplete { _ in timeout.cancel() }
        return promise.futureResult
    }

    private func receive(_ line: String) {
        lines.append(line.count > 4 ? String(line.dropFirst(4)) : "")
        let isLast = line.count < 4 || line[line.index(line.startIndex, offsetBy: 3)] != "-"
        guard isLast else { return }
        let reply = SMTPReply(code: Int(line.prefix(3)) ?? 0, lines: lines)
        lines = []
        if waiters.isEmpty {
            replies.append(reply)
        } else {
            waiters.removeFirst().succeed(reply)
        }
    }

    private func failAll(_ error: any Error) {
        let current = waiters
        waiters = []
        for waiter in current { waiter.fail(error) }
    }
}
