import Logging
import NIOConcurrencyHelpers
import NIOCore

/// HTML written straight into a buffer. Fixed markup can only be a string literal (`StaticString`); data goes in
/// only through the calls that escape it for where it lands, so that forgetting to escape does not compile.
struct HTMLWriter {
    private(set) var buffer: ByteBuffer

    init(capacity: Int = 4096) {
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
    }

    /// Fixed markup of the page itself.
    mutating func markup(_ fixed: StaticString) {
        fixed.withUTF8Buffer { _ = buffer.writeBytes($0) }
    }

    /// Data shown as text between tags.
    mutating func text(_ value: String) {
        write(escaping: value)
    }

    /// An absent value (a field the form did not send, a date not set) shows as nothing.
    mutating func text(_ value: String?) {
        if let value { write(escaping: value) }
    }

    mutating func text(_ value: Int) {
        buffer.writeString(String(value))
    }

    /// Data in a quoted attribute value (`value="…"`, `id="…"`).
    mutating func attribute(_ value: String) {
        write(escaping: value)
    }

    mutating func attribute(_ value: String?) {
        if let value { write(escaping: value) }
    }

    mutating func attribute(_ value: Int) {
        buffer.writeString(String(value))
    }

    /// Data that is a whole URL (`href`, `action`, `src`): only relative, `https:`, `http:` and `mailto:` URLs go
    /// out, and `otpauth:`, the link that opens an authenticator app on the second-factor setup; any other scheme
    /// (`javascript:`, `data:`…) becomes `#` and is logged, as it can only come from an attack or a bug.
    mutating func url(_ value: String) {
        if Self.isSafeURL(value) {
            write(escaping: value)
        } else {
            Self.logger.warning("unsafe URL replaced by #: \(value.prefix(200))")
            markup("#")
        }
    }

    mutating func url(_ value: String?) {
        if let value { url(value) }
    }

    static func isSafeURL(_ value: String) -> Bool {
        // A scheme is what comes before the first ":" when no "/", "?" or "#" comes first (RFC 3986 §4.2).
        var scheme: [UInt8] = []
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "/"), UInt8(ascii: "?"), UInt8(ascii: "#"): return true
            case UInt8(ascii: ":"): return Self.allowedSchemes.contains(scheme)
            default: scheme.append(byte | 0x20)  // ASCII lower case; other bytes never match an allowed scheme
            }
        }
        return true
    }

    private static let allowedSchemes: [[UInt8]] = ["https", "http", "mailto", "otpauth"].map { Array($0.utf8) }

    private static let logger = Logger(label: "habilis.html")

    /// The five characters that can end a text or a quoted attribute, as Leaf and the OWASP rules escape them.
    private mutating func write(escaping value: String) {
        var value = value
        value.withUTF8 { bytes in
            var start = 0
            for (index, byte) in bytes.enumerated() {
                let entity: StaticString
                switch byte {
                case UInt8(ascii: "&"): entity = "&amp;"
                case UInt8(ascii: "<"): entity = "&lt;"
                case UInt8(ascii: ">"): entity = "&gt;"
                case UInt8(ascii: "\""): entity = "&quot;"
                case UInt8(ascii: "'"): entity = "&#39;"
                default: continue
                }
                buffer.writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[start..<index])))
                entity.withUTF8Buffer { _ = buffer.writeBytes($0) }
                start = index + 1
            }
            buffer.writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[start...])))
        }
    }
}

/// A page the server writes itself: a Swift function of its view model.
protocol HTMLPage {
    func write(to html: inout HTMLWriter)
}

extension HTMLPage {
    /// The page as a response body, its buffer sized from the last page of this kind.
    func render() -> ByteBuffer {
        let key = ObjectIdentifier(Self.self)
        var html = HTMLWriter(capacity: PageSizes.last.withLockedValue { $0[key] } ?? 4096)
        write(to: &html)
        let size = html.buffer.readableBytes
        PageSizes.last.withLockedValue { $0[key] = size }
        return html.buffer
    }
}

/// The size of the last render of each kind of page, so that the next one allocates once.
private enum PageSizes {
    static let last = NIOLockedValueBox<[ObjectIdentifier: Int]>([:])
}
