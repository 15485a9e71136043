import NIOCore
import PostgresNIO

/// A statement that cannot be answered because its PostgreSQL connection has closed (a restart of the server ends
/// every connection). PostgresNIO 1.33 writes a statement into its connection's channel without learning whether it
/// got there: written after the channel closed, it never reaches the driver and nothing ever answers it. A request
/// caught so (its next statement, or its transaction's ROLLBACK) held its pooled connection for good, and a few
/// restarts left an instance's pool with nothing to give until the process restarted (docs/soak.md).
struct LostConnection: Error, CustomStringConvertible {
    var description: String { "the PostgreSQL connection closed before the statement was answered" }
}

extension PostgresConnection {
    /// `work`'s answer; or `LostConnection` once this connection has been seen closed at two checks in a row and
    /// `work` has still not answered, so that the pool gets its connection back (closed, it opens a new one). A
    /// statement of `work` left waiting keeps waiting, which costs its memory and no connection. The second check
    /// leaves the driver's own answers (the error of a statement cut by the close) time to arrive first.
    func answeredOrLost<T: Sendable>(
        _ work: EventLoopFuture<T>, checkingEvery interval: TimeAmount = .seconds(1)
    ) -> EventLoopFuture<T> {
        let loop = eventLoop
        let answer = loop.makePromise(of: T.self)
        let seenClosed = NIOLoopBoundBox(false, eventLoop: loop)
        let watch = loop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { watch in
            guard self.isClosed else { return }
            if seenClosed.value {
                watch.cancel()
                answer.fail(LostConnection())
            }
            seenClosed.value = true
        }
        work.hop(to: loop).whenComplete { result in
            watch.cancel()
            answer.completeWith(result)
        }
        return answer.futureResult
    }
}
