import Crypto
import Foundation

/// Random secrets (session ids, reset links, CSRF tokens) and the hash under which they are stored.
public enum SecureToken {
    /// 256 random bits from the system generator, URL-safe base64 without padding.
    public static func generate() -> String {
        // Eight bytes per draw: each draw is a system call (one per byte was a fiftieth of a token refresh).
        var generator = SystemRandomNumberGenerator()
        var bytes = Data(capacity: 32)
        for _ in 0..<4 {
            withUnsafeBytes(of: generator.next() as UInt64) { bytes.append(contentsOf: $0) }
        }
        return bytes.base64URLEncodedString()
    }

    /// The SHA-256 of a token in hex: what the database keeps, so a dump reveals no usable token.
    /// Hex digits are written by hand: `String(format:)` per byte was a twentieth of every signed-in request.
    public static func hash(_ token: String) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in SHA256.hash(data: Array(token.utf8)) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    /// Compares two secrets in time independent of where they differ.
    public static func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
        let left = Array(lhs.utf8)
        let right = Array(rhs.utf8)
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }
}
