import Fluent
import Foundation

/// Counts attempts per key in fixed windows stored in the database, so that every instance sees the same counts.
public struct Throttle: Sendable {
    /// How many attempts a key may make in a window.
    public struct Limit: Sendable {
        public var attempts: Int
        public var window: TimeInterval
    }

    /// Failed sign-ins of one account: 10 per 15 minutes (ASVS 4.0.3 2.2.1 allows up to 100 per hour).
    public static let signInPerAccount = Limit(attempts: 10, window: 15 * 60)
    /// Failed sign-ins from one source address, whatever the account.
    public static let signInPerAddress = Limit(attempts: 50, window: 15 * 60)
    /// Reset or proof mails to one address: 3 per hour.
    public static let mailsPerAddress = Limit(attempts: 3, window: 60 * 60)
    /// Reset or registration forms from one source address.
    public static let formsPerSource = Limit(attempts: 30, window: 60 * 60)

    let clock: any Clock

    /// Whether the key has used up its attempts in the current window.
    public func isExhausted(_ key: String, _ limit: Limit, on database: any Database) async throws -> Bool {
        guard let bucket = try await bucket(key, on: database) else { return false }
        return isCurrent(bucket, limit) && bucket.attempts >= limit.attempts
    }

    /// Counts one attempt.
    public func hit(_ key: String, _ limit: Limit, on database: any Database) async throws {
        let now = clock.now
        if let bucket = try await bucket(key, on: database) {
            if isCurrent(bucket, limit) {
                bucket.attempts += 1
            } else {
                bucket.windowStartedAt = now
                bucket.attempts = 1
            }
            try await bucket.update(on: database)
        } else {
            try await ThrottleBucket(key: key, windowStartedAt: now, attempts: 1).create(on: database)
        }
    }

    /// Counts one attempt and tells whether it was still allowed.
    public func consume(_ key: String, _ limit: Limit, on database: any Database) async throws -> Bool {
        if try await isExhausted(key, limit, on: database) { return false }
        try await hit(key, limit, on: database)
        return true
    }

    /// Forgets a key, e.g. an account's failures after a successful sign-in.
    public func clear(_ key: String, on database: any Database) async throws {
        try await ThrottleBucket.query(on: database).filter(\.$key == key).delete()
    }

    private func bucket(_ key: String, on database: any Database) async throws -> ThrottleBucket? {
        try await ThrottleBucket.query(on: database).filter(\.$key == key).first()
    }

    private func isCurrent(_ bucket: ThrottleBucket, _ limit: Limit) -> Bool {
        clock.now.timeIntervalSince(bucket.windowStartedAt) < limit.window
    }
}
