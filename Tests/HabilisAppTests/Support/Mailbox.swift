import Foundation

/// Reads the `.eml` files the file transport wrote, as a mail client would.
struct Mailbox: Sendable {
    let directory: String

    func all() throws -> [ParsedMail] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return try names.filter { $0.hasSuffix(".eml") }.sorted().map { name in
            let text = try String(contentsOfFile: directory + "/" + name, encoding: .utf8)
            return ParsedMail(raw: text)
        }
    }

    /// The mails sent to one address.
    func to(_ recipient: String) throws -> [ParsedMail] {
        try all().filter { $0.recipient == recipient }
    }
}

/// One RFC 5322 message with its headers and decoded parts.
struct ParsedMail: Sendable {
    let raw: String

    func header(_ name: String) -> String? {
        let head = raw.components(separatedBy: "\r\n\r\n").first ?? ""
        for line in head.components(separatedBy: "\r\n") where line.lowercased().hasPrefix(name.lowercased() + ":") {
            return String(line.dropFirst(name.count + 1)).trimmingCharacters(in: .whitespaces)
        }
        return nil
    }

    var recipient: String {
        (header("To") ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "<> "))
    }

    /// The subject with RFC 2047 encoded words decoded.
    var subject: String {
        let value = header("Subject") ?? ""
        guard value.hasPrefix("=?UTF-8?B?"), value.hasSuffix("?=") else { return value }
        let encoded = value.dropFirst("=?UTF-8?B?".count).dropLast(2)
        return Data(base64Encoded: String(encoded)).map { String(decoding: $0, as: UTF8.self) } ?? value
    }

    /// The decoded text/plain part.
    var text: String { part("text/plain") }
    /// The decoded text/html part.
    var html: String { part("text/html") }

    private func part(_ type: String) -> String {
        guard
            let start = raw.range(
                of: "Content-Type: \(type); charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n")
        else { return "" }
        let rest = raw[start.upperBound...]
        let body = rest.components(separatedBy: "\r\n--").first ?? ""
        let joined = body.replacingOccurrences(of: "\r\n", with: "")
        return Data(base64Encoded: joined).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    /// The first link of the text part that starts with `prefix`.
    func link(startingWith prefix: String) -> String? {
        text.components(separatedBy: .whitespacesAndNewlines).first { $0.hasPrefix(prefix) }
    }
}
