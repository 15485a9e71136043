import Foundation
import Vapor

/// The parameters of a protocol request (a query or an `application/x-www-form-urlencoded` body), read by hand:
/// RFC 6749 §3.1 forbids a parameter given twice, which a decoder into a dictionary would hide, and invalid UTF-8
/// or percent-encoding must be told apart from an absent value.
struct ProtocolParameters: Sendable {
    private(set) var values: [String: String] = [:]
    /// Names given more than once.
    private(set) var repeated: Set<String> = []
    /// Whether some name or value could not be decoded.
    private(set) var isMalformed = false

    init(encoded: String?) {
        guard let encoded, !encoded.isEmpty else { return }
        for pair in encoded.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]), let value = Self.decode(parts.count > 1 ? parts[1] : "") else {
                isMalformed = true
                continue
            }
            // An empty value is the parameter's absence (RFC 6749 §3.1).
            guard !value.isEmpty else { continue }
            if values[name] != nil { repeated.insert(name) }
            values[name] = value
        }
    }

    /// The query of a GET, or the form body of a POST.
    init(_ request: Request) {
        if request.method == .POST {
            let isForm =
                request.headers.contentType.map { $0.type == "application" && $0.subType == "x-www-form-urlencoded" }
                ?? false
            let bytes = request.body.data.map { Array($0.readableBytesView) } ?? []
            let body = String(bytes: bytes, encoding: .utf8)
            self.init(encoded: isForm ? body : nil)
            if isForm, body == nil { isMalformed = true }
        } else {
            self.init(encoded: request.url.query)
        }
    }

    subscript(name: String) -> String? { values[name] }

    /// `+` is a space in forms; a value whose percent-escapes do not decode to UTF-8, or that holds a control
    /// character (which no parameter's syntax allows, RFC 6749 Appendix A, and PostgreSQL cannot store if NUL), is
    /// malformed. Foundation is called only for the escapes: its replacements were a thirtieth of a token refresh.
    static func decode(_ text: Substring) -> String? {
        var value = String(text)
        if value.utf8.contains(UInt8(ascii: "+")) {
            value = String(decoding: value.utf8.map { $0 == UInt8(ascii: "+") ? UInt8(ascii: " ") : $0 }, as: UTF8.self)
        }
        if value.utf8.contains(UInt8(ascii: "%")) {
            guard let decoded = value.removingPercentEncoding else { return nil }
            value = decoded
        }
        return value.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) ? nil : value
    }
}

extension String {
    /// The space-separated values of a parameter such as `scope` or `prompt`.
    var spaceSeparated: [String] { split(separator: " ").map(String.init) }
}
