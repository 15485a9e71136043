import Foundation
import NIOConcurrencyHelpers

/// The source of the current instant for every rule; tests replace it to move time.
public protocol Clock: Sendable {
    var now: Date { get }
}

/// The wall clock.
public struct SystemClock: Clock {
    public init() {}
    public var now: Date { Date() }
}

/// A clock that only moves when told to; used by tests and by `sweep --as-of`.
public final class FixedClock: Clock, @unchecked Sendable {
    private let lock = NIOLock()
    private var instant: Date

    public init(_ instant: Date) { self.instant = instant }

    public var now: Date { lock.withLock { instant } }

    public func advance(by interval: TimeInterval) { lock.withLock { instant += interval } }

    public func set(_ date: Date) { lock.withLock { instant = date } }
}
