import Crypto
import Foundation
import Vapor

/// Bcrypt hashing off the event loop, over a SHA-256 pre-hash so that every byte of a long password counts.
public struct PasswordHasher: Sendable {
    let cost: Int
    let threadPool: NIOThreadPool

    /// Bcrypt reads only 72 bytes; 128 multi-byte characters can reach 512. The base64 SHA-256 (44 bytes) keeps
    /// every character significant, so two passwords sharing their first 72 bytes never match.
    static func prehash(_ password: String) -> String {
        Data(SHA256.hash(data: Data(password.utf8))).base64EncodedString()
    }

    public func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await threadPool.runIfActive { try Bcrypt.hash(Self.prehash(password), cost: cost) }
    }

    public func verify(_ password: String, against hash: String) async throws -> Bool {
        try await threadPool.runIfActive { try Bcrypt.verify(Self.prehash(password), created: hash) }
    }

    /// A well-formed Bcrypt hash at this cost with a random salt and a random digest, built without hashing: unknown
    /// accounts are verified against it, which costs the same time as a real verification (the cost is read from
    /// the hash), and no password can match it. Hashing a decoy instead took a third of a second at every start.
    public func decoyHash() -> String {
        let alphabet = Array("./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        var generator = SystemRandomNumberGenerator()
        let saltAndDigest = String((0..<53).map { _ in alphabet.randomElement(using: &generator)! })
        return "$2b$" + (cost < 10 ? "0\(cost)" : "\(cost)") + "$" + saltAndDigest
    }
}
