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

    /// A valid hash of a random secret: unknown accounts are verified against it so that timing reveals nothing.
    public func decoyHash() async throws -> String {
        try await hash(SecureToken.generate())
    }
}
