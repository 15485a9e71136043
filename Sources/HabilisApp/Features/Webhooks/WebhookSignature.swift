import Crypto
import Foundation

/// Standard Webhooks signatures: `v1,` and the base64 of HMAC-SHA256 over `<webhook-id>.<webhook-timestamp>.<body>`,
/// keyed with the bytes of the secret after its `whsec_` prefix.
enum WebhookSignature {
    static let secretPrefix = "whsec_"

    /// A new secret: 32 random bytes.
    static func newSecret() -> String {
        secretPrefix + Data(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }).base64EncodedString()
    }

    static func sign(secret: String, messageID: String, timestamp: Int, body: String) -> String? {
        guard secret.hasPrefix(secretPrefix),
            let key = Data(base64Encoded: String(secret.dropFirst(secretPrefix.count)))
        else { return nil }
        let content = Data("\(messageID).\(timestamp).\(body)".utf8)
        let mac = HMAC<SHA256>.authenticationCode(for: content, using: SymmetricKey(data: key))
        return "v1," + Data(mac).base64EncodedString()
    }
}
