import Foundation

/// One e-mail to one recipient, as the outbox stores it and the transports send it.
public struct MailMessage: Sendable, Equatable {
    public var recipient: String
    public var subject: String
    public var textBody: String
    public var htmlBody: String

    public init(recipient: String, subject: String, textBody: String, htmlBody: String) {
        self.recipient = recipient
        self.subject = subject
        self.textBody = textBody
        self.htmlBody = htmlBody
    }
}

/// Sends mail somewhere: a folder of `.eml` files or an SMTP server.
public protocol Mailer: Sendable {
    /// How many messages the outbox may hand over at once (parallel connections to the relay).
    var parallelSessions: Int { get }

    func send(_ message: MailMessage, from sender: String, messageID: String, date: Date) async throws

    /// A session that sends several messages in turn, over one connection where the transport has them.
    func session() -> any MailSession
}

/// The relay could not be reached or refused the session (connection, greeting, STARTTLS, authentication): no
/// message can go until it is back, whichever it is.
public struct MailRelayUnavailable: Error, CustomStringConvertible {
    let cause: any Error
    public var description: String { "relay unavailable: \(cause)" }
}

/// Messages sent one after the other by one task; `close` once done.
public protocol MailSession {
    func send(_ message: MailMessage, from sender: String, messageID: String, date: Date) async throws
    func close() async
}

extension Mailer {
    public var parallelSessions: Int { 1 }

    public func session() -> any MailSession { MessageByMessage(mailer: self) }
}

/// A session of a transport without connections to keep: each message on its own.
struct MessageByMessage: MailSession {
    let mailer: any Mailer

    func send(_ message: MailMessage, from sender: String, messageID: String, date: Date) async throws {
        try await mailer.send(message, from: sender, messageID: messageID, date: date)
    }

    func close() async {}
}

/// Renders a message as RFC 5322 text: UTF-8 headers encoded per RFC 2047, a text and an HTML part in base64.
enum MIMEMessage {
    static func render(_ message: MailMessage, from sender: String, messageID: String, date: Date) -> String {
        let boundary = "habilis-" + SecureToken.hash(messageID).prefix(24)
        let lines = [
            "From: \(encodeAddressHeader(sender))",
            "To: <\(message.recipient)>",
            "Subject: \(encodeWord(message.subject))",
            "Date: \(rfc5322Date(date))",
            "Message-ID: <\(messageID)>",
            "MIME-Version: 1.0",
            "Content-Type: multipart/alternative; boundary=\"\(boundary)\"",
            "",
            "--\(boundary)",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: base64",
            "",
            base64Lines(message.textBody),
            "--\(boundary)",
            "Content-Type: text/html; charset=utf-8",
            "Content-Transfer-Encoding: base64",
            "",
            base64Lines(message.htmlBody),
            "--\(boundary)--",
            "",
        ]
        return lines.joined(separator: "\r\n")
    }

    /// `Name <address>` with the name encoded when it is not plain ASCII.
    static func encodeAddressHeader(_ value: String) -> String {
        guard let open = value.lastIndex(of: "<") else { return "<\(value)>" }
        let name = value[..<open].trimmingCharacters(in: .whitespaces)
        let address = value[open...]
        return name.isEmpty ? String(address) : "\(encodeWord(name)) \(address)"
    }

    static func encodeWord(_ text: String) -> String {
        let clean = text.filter { $0 != "\r" && $0 != "\n" }
        if clean.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 32 }) { return clean }
        return "=?UTF-8?B?\(Data(clean.utf8).base64EncodedString())?="
    }

    static func base64Lines(_ text: String) -> String {
        Data(text.utf8).base64EncodedString(options: [
            .lineLength76Characters, .endLineWithCarriageReturn,
            .endLineWithLineFeed,
        ])
    }

    static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}

/// Writes each message as one `.eml` file in a folder: the development transport, and what tests read.
public struct FileMailer: Mailer {
    let directory: String

    public init(directory: String) { self.directory = directory }

    public func send(_ message: MailMessage, from sender: String, messageID: String, date: Date) async throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // Named by the wall clock of delivery (not the message date) so that a folder lists in sending order.
        let stamp = String(format: "%020llu", UInt64(Date().timeIntervalSince1970 * 1_000_000_000))
        let name = "\(stamp)-\(SecureToken.hash(messageID).prefix(16)).eml"
        let text = MIMEMessage.render(message, from: sender, messageID: messageID, date: date)
        try Data(text.utf8).write(to: URL(fileURLWithPath: directory).appendingPathComponent(name), options: .atomic)
    }
}
