import Crypto
import Foundation

/// Time-based one-time passwords (RFC 6238) as every authenticator application computes them by default: HMAC-SHA1,
/// 30-second steps, 6 digits. A code is accepted one step either side, for clocks a little apart, and only once.
struct TOTP: Sendable {
    static let period: TimeInterval = 30
    static let digits = 6
    /// 160 bits, the size RFC 4226 recommends.
    static let secretLength = 20

    let secret: [UInt8]

    /// A new random secret.
    static func generateSecret() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<secretLength).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    static func step(at instant: Date) -> Int64 {
        Int64((instant.timeIntervalSince1970 / period).rounded(.down))
    }

    /// The code of one time step (RFC 4226 §5.3 dynamic truncation).
    func code(atStep step: Int64) -> String {
        let counter = withUnsafeBytes(of: UInt64(step).bigEndian) { Data($0) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: counter, using: SymmetricKey(data: secret)))
        let offset = Int(mac[mac.count - 1] & 0x0f)
        let number =
            (UInt32(mac[offset] & 0x7f) << 24) | (UInt32(mac[offset + 1]) << 16) | (UInt32(mac[offset + 2]) << 8)
            | UInt32(mac[offset + 3])
        let text = String(number % 1_000_000)
        return String(repeating: "0", count: Self.digits - text.count) + text
    }

    /// The step whose code `typed` is, at `instant` give or take one step, and later than `lastUsedStep` so that a
    /// code seen over someone's shoulder cannot be used again; nil otherwise. Spaces in what was typed are ignored.
    func matchingStep(for typed: String, at instant: Date, after lastUsedStep: Int64?) -> Int64? {
        let digits = typed.filter { !$0.isWhitespace }
        guard digits.count == Self.digits, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else {
            return nil
        }
        let now = Self.step(at: instant)
        return [now - 1, now, now + 1].first { step in
            step > (lastUsedStep ?? .min) && constantTimeEquals(code(atStep: step), digits)
        }
    }

    private func constantTimeEquals(_ left: String, _ right: String) -> Bool {
        let (a, b) = (Array(left.utf8), Array(right.utf8))
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// RFC 4648 base 32 without padding: how authenticator applications take a secret typed by hand.
enum Base32 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")

    static func encode(_ bytes: [UInt8]) -> String {
        var output = ""
        var buffer = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | Int(byte)
            bits += 8
            while bits >= 5 {
                output.append(alphabet[(buffer >> (bits - 5)) & 31])
                bits -= 5
            }
            buffer &= (1 << bits) - 1
        }
        if bits > 0 { output.append(alphabet[(buffer << (5 - bits)) & 31]) }
        return output
    }

    /// Nil when `text` holds a character outside the alphabet (spaces, hyphens and padding are ignored).
    static func decode(_ text: String) -> [UInt8]? {
        var output: [UInt8] = []
        var buffer = 0
        var bits = 0
        for character in text.uppercased() where !" -=".contains(character) {
            guard let value = alphabet.firstIndex(of: character) else { return nil }
            buffer = (buffer << 5) | value
            bits += 5
            if bits >= 8 {
                output.append(UInt8((buffer >> (bits - 8)) & 0xff))
                bits -= 8
            }
            buffer &= (1 << bits) - 1
        }
        return output
    }
}
