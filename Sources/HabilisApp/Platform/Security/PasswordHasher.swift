import Crypto
import Foundation
import NIOConcurrencyHelpers
import Vapor

/// Bcrypt hashing off the event loop, over a SHA-256 pre-hash so that every byte of a long password counts. Hashes
/// run on a pool of their own with a bounded queue: beyond it a request is refused at once (`HashingOverloaded`)
/// instead of waiting seconds behind an attacker's (issue 20, finding 2). One source may hold only a share of the
/// queue, half of it, and a free thread goes to the waiting source that holds the fewest hashes: forty parallel
/// attempts from one address then delay someone else's sign-in by one hash at most, and an organisation behind one
/// address still signs in several people at once. The counts are this instance's, as the CPU they protect is.
public struct PasswordHasher: Sendable {
    let cost: Int
    let threadPool: NIOThreadPool
    /// Hashes computed at once: the pool's threads.
    let threads: Int
    /// Hashes running or waiting; a few per thread keeps the wait under a second or so.
    let queueLimit: Int
    /// Hashes running or waiting for one source address.
    let sourceLimit: Int
    private let state = NIOLockedValueBox(Queue())

    /// Hashes admitted (running or waiting) by source, and those waiting for a thread in the order they came.
    /// Hashes without a source (a signed-in user's new password) share the source "".
    struct Queue {
        var admitted: [String: Int] = [:]
        var running = 0
        var waiting: [(source: String, turn: CheckedContinuation<Void, Never>)] = []
        var total: Int { admitted.values.reduce(0, +) }

        /// The first waiter of the source holding the fewest hashes, so that a source with many waits its turn.
        mutating func takeNext() -> CheckedContinuation<Void, Never>? {
            let admitted = self.admitted
            let index = waiting.indices.min { first, second in
                admitted[waiting[first].source, default: 0] < admitted[waiting[second].source, default: 0]
            }
            return index.map { waiting.remove(at: $0).turn }
        }

        mutating func release(_ source: String) {
            let left = admitted[source, default: 1] - 1
            admitted[source] = left == 0 ? nil : left
        }
    }

    public init(
        cost: Int, threadPool: NIOThreadPool, threads: Int = System.coreCount, queueLimit: Int? = nil,
        sourceLimit: Int? = nil
    ) {
        self.cost = cost
        self.threadPool = threadPool
        self.threads = max(1, threads)
        self.queueLimit = queueLimit ?? 4 * max(1, threads)
        self.sourceLimit = sourceLimit ?? 2 * max(1, threads)
    }

    /// Bcrypt reads only 72 bytes; 128 multi-byte characters can reach 512. The base64 SHA-256 (44 bytes) keeps
    /// every character significant, so two passwords sharing their first 72 bytes never match.
    static func prehash(_ password: String) -> String {
        Data(SHA256.hash(data: Data(password.utf8))).base64EncodedString()
    }

    public func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await bounded { try Bcrypt.hash(Self.prehash(password), cost: cost) }
    }

    /// The cost a Bcrypt hash was made with (`$2b$12$…` → 12), or nil for anything else.
    static func cost(of hash: String) -> Int? {
        let parts = hash.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0].isEmpty, parts[2].count == 2 else { return nil }
        return Int(parts[2])
    }

    /// A new hash of a password just proven right, when the stored one is below the configured cost (never lower):
    /// raising the cost reaches every account at its next sign-in. Nil when nothing is to change, or when no
    /// hashing slot is free (the upgrade waits for another sign-in rather than failing this one).
    func upgrade(_ password: String, stored: String) async -> String? {
        guard let storedCost = Self.cost(of: stored), storedCost < cost else { return nil }
        return try? await hash(password)
    }

    /// `source` is the client's address where a person is signing in: it gets its share of the queue only.
    public func verify(_ password: String, against hash: String, source: String? = nil) async throws -> Bool {
        try await bounded(source: source) { try Bcrypt.verify(Self.prehash(password), created: hash) }
    }

    /// Hashes now being computed or waiting for a thread.
    var pending: Int { state.withLockedValue { $0.total } }

    private func bounded<T: Sendable>(
        source: String? = nil, _ work: @escaping @Sendable () throws -> T
    ) async throws -> T {
        let source = source ?? ""
        let admission = state.withLockedValue { queue -> Admission in
            guard queue.total < queueLimit, queue.admitted[source, default: 0] < sourceLimit else { return .refused }
            queue.admitted[source, default: 0] += 1
            guard queue.running < threads else { return .waits }
            queue.running += 1
            return .runs
        }
        switch admission {
        case .refused: throw HashingOverloaded()
        case .waits:
            // A thread may have been freed since the admission, with nobody waiting to hand it to.
            await withCheckedContinuation { turn in
                let runsNow = state.withLockedValue { queue in
                    guard queue.running >= threads else {
                        queue.running += 1
                        return true
                    }
                    queue.waiting.append((source, turn))
                    return false
                }
                if runsNow { turn.resume() }
            }
        case .runs: break
        }
        defer { finish(source) }
        return try await threadPool.runIfActive(work)
    }

    private enum Admission { case refused, waits, runs }

    /// Frees the source's slot and hands its thread to the next waiter, which is counted as running before it wakes.
    private func finish(_ source: String) {
        let next = state.withLockedValue { queue -> CheckedContinuation<Void, Never>? in
            queue.release(source)
            guard let next = queue.takeNext() else {
                queue.running -= 1
                return nil
            }
            return next
        }
        next?.resume()
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

/// Every hashing slot is taken: the request is answered 503 with `Retry-After` rather than queued for seconds.
public struct HashingOverloaded: AbortError {
    public static let retryAfterSeconds = 5
    public var status: HTTPResponseStatus { .serviceUnavailable }
    public var headers: HTTPHeaders { ["Retry-After": String(Self.retryAfterSeconds)] }
    public var reason: String { "hashing overloaded" }
}
