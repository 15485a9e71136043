import Fluent
import Foundation
import SQLKit

/// Counts attempts per key in fixed windows stored in the database, so that every instance sees the same counts.
/// An attempt is reserved before it is checked, in one statement: requests in flight at the same instant, on any
/// instance, each get their own count, and none can slip past the limit (issue 20, finding 1).
public struct Throttle: Sendable {
    /// How many attempts a key may make in a window, and what happens beyond.
    public struct Limit: Sendable {
        public var attempts: Int
        public var window: TimeInterval
        /// Beyond the budget: nil refuses until the window ends; otherwise one attempt at a time is let through,
        /// each after a delay that doubles with every attempt past the budget, up to a ceiling.
        public var slowdown: Slowdown?

        public init(attempts: Int, window: TimeInterval, slowdown: Slowdown? = nil) {
            self.attempts = attempts
            self.window = window
            self.slowdown = slowdown
        }
    }

    /// The growing delay of a budget that slows down instead of shutting the door.
    public struct Slowdown: Sendable {
        public var firstDelay: TimeInterval
        public var longestDelay: TimeInterval

        /// The delay after the `excess`-th attempt past the budget (1 for the first).
        func delay(afterExcess excess: Int) -> TimeInterval {
            min(longestDelay, firstDelay * pow(2, Double(min(max(excess - 1, 0), 30))))
        }
    }

    /// Reset or proof mails to one address: 3 per hour.
    public static let mailsPerAddress = Limit(attempts: 3, window: 60 * 60)
    /// Reset or registration forms from one source address.
    public static let formsPerSource = Limit(attempts: 30, window: 60 * 60)

    /// What a reservation gives.
    public enum Verdict: Sendable, Equatable {
        case allowed
        /// `retryAfter` seconds until an attempt may succeed; `isFirst` for the first refusal of the window, the one
        /// that is audited (an attack must not flood the audit trail).
        case refused(retryAfter: TimeInterval, isFirst: Bool)

        public var isAllowed: Bool { self == .allowed }
    }

    let clock: any Clock

    /// Reserves one attempt of `key` and tells whether it may go on. The attempt counts whatever its outcome; a
    /// success gives it back with `release`.
    public func reserve(_ key: String, _ limit: Limit, on database: any Database) async throws -> Verdict {
        let now = clock.now
        let windowStart = now.addingTimeInterval(-limit.window)
        let sql = database as! any SQLDatabase
        // A bucket whose window has ended starts a new one with this attempt.
        let row = try await sql.raw(
            """
            INSERT INTO throttle_buckets (id, bucket_key, window_started_at, attempts)
            VALUES (\(bind: UUID()), \(bind: key), \(bind: now), 1)
            ON CONFLICT (bucket_key) DO UPDATE SET
              attempts = CASE WHEN throttle_buckets.window_started_at > \(bind: windowStart)
                THEN throttle_buckets.attempts + 1 ELSE 1 END,
              next_allowed_at = CASE WHEN throttle_buckets.window_started_at > \(bind: windowStart)
                THEN throttle_buckets.next_allowed_at ELSE NULL END,
              window_started_at = CASE WHEN throttle_buckets.window_started_at > \(bind: windowStart)
                THEN throttle_buckets.window_started_at ELSE \(bind: now) END
            RETURNING attempts, window_started_at
            """
        ).first()
        guard let row else { return .allowed }
        let attempts = try row.decode(column: "attempts", as: Int.self)
        guard attempts > limit.attempts else { return .allowed }
        let excess = attempts - limit.attempts
        let windowEnd = try row.decode(column: "window_started_at", as: Date.self).addingTimeInterval(limit.window)
        guard let slowdown = limit.slowdown else {
            return .refused(retryAfter: windowEnd.timeIntervalSince(now), isFirst: excess == 1)
        }
        // Past the budget, the one attempt that finds the door open closes it for the next delay.
        let delay = slowdown.delay(afterExcess: excess)
        let passed = try await sql.raw(
            """
            UPDATE throttle_buckets SET next_allowed_at = \(bind: now.addingTimeInterval(delay))
            WHERE bucket_key = \(bind: key)
              AND (next_allowed_at IS NULL OR next_allowed_at <= \(bind: now))
            RETURNING attempts
            """
        ).first()
        if passed != nil { return .allowed }
        let next = try await sql.raw(
            "SELECT next_allowed_at FROM throttle_buckets WHERE bucket_key = \(bind: key)"
        ).first()?.decode(column: "next_allowed_at", as: Date?.self)
        let retryAfter = next.map { $0.timeIntervalSince(now) } ?? delay
        return .refused(retryAfter: max(1, retryAfter), isFirst: excess == 1)
    }

    /// Whether `key` has spent `limit` in its current window, read without counting anything (for checks that cost
    /// nothing, where only failures are counted).
    public func isSpent(_ key: String, _ limit: Limit, on database: any Database) async throws -> Bool {
        let row = try await (database as! any SQLDatabase).prepared("SELECT \(attempts(of: key, limit)) AS attempts")
            .first()
        return isSpent(try row?.decode(column: "attempts", as: Int?.self) ?? nil, limit)
    }

    /// The attempts `key` made in its current window as a scalar subquery (NULL for none), for a statement that
    /// reads something else with it: `isSpent(_:_:)` then judges the value.
    func attempts(of key: String, _ limit: Limit) -> SQLQueryString {
        let windowStart = clock.now.addingTimeInterval(-limit.window)
        return """
            (SELECT attempts FROM throttle_buckets
            WHERE bucket_key = \(bind: key) AND window_started_at > \(bind: windowStart))
            """
    }

    /// Whether attempts read with `attempts(of:_:)` spent `limit`.
    func isSpent(_ attempts: Int?, _ limit: Limit) -> Bool {
        (attempts ?? 0) >= limit.attempts
    }

    /// Reserves one attempt of each key in order; the first refusal gives back the reservations made before it,
    /// so that a refused attempt counts only against the budget that refused it.
    public func reserve(
        _ budgets: [(key: String, limit: Limit)], on database: any Database
    ) async throws -> (verdict: Verdict, refusedKey: String?) {
        for (index, budget) in budgets.enumerated() {
            let verdict = try await reserve(budget.key, budget.limit, on: database)
            guard verdict.isAllowed else {
                for earlier in budgets[..<index] { try await release(earlier.key, on: database) }
                return (verdict, budget.key)
            }
        }
        return (.allowed, nil)
    }

    /// Gives back one reserved attempt: the attempt succeeded, or could not be checked.
    public func release(_ key: String, on database: any Database) async throws {
        try await (database as! any SQLDatabase).raw(
            "UPDATE throttle_buckets SET attempts = attempts - 1 WHERE bucket_key = \(bind: key) AND attempts > 0"
        ).run()
    }

    /// Forgets a key, e.g. the failures of a sign-in that then succeeded.
    public func clear(_ key: String, on database: any Database) async throws {
        try await (database as! any SQLDatabase).raw(
            "DELETE FROM throttle_buckets WHERE bucket_key = \(bind: key)"
        ).run()
    }

    /// Forgets every key that starts with `prefix` (an account's counters from every source). `substr` rather than
    /// LIKE: an address may hold `_`, which LIKE reads as a wildcard. The length is the database's (a bound Int is a
    /// bigint, which PostgreSQL's substr does not take).
    public func clear(prefix: String, on database: any Database) async throws {
        try await (database as! any SQLDatabase).raw(
            """
            DELETE FROM throttle_buckets
            WHERE substr(bucket_key, 1, length(\(bind: prefix))) = \(bind: prefix)
            """
        ).run()
    }

    /// Deletes the buckets whose window ended a day ago or more: a spray over many addresses leaves one row each.
    /// Returns how many went.
    @discardableResult
    public func purge(at instant: Date, on database: any Database) async throws -> Int {
        try await (database as! any SQLDatabase).raw(
            """
            DELETE FROM throttle_buckets WHERE window_started_at < \(bind: instant.addingTimeInterval(-Self.keptFor))
            RETURNING id
            """
        ).all().count
    }

    /// Longer than every window, so that no live count is purged.
    static let keptFor: TimeInterval = 26 * 60 * 60
}
