import NIOCore
import Vapor

/// An event loop as a task executor: a task that prefers it runs its code on the loop's thread.
final class EventLoopTaskExecutor: TaskExecutor {
    let loop: any EventLoop

    init(_ loop: any EventLoop) {
        self.loop = loop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        loop.execute { job.runSynchronously(on: executor) }
    }
}

/// A route handler run on its request's event loop, where the request's database connections answer: each
/// statement's answer is then awaited on the thread that reads it, instead of two thread hops and their wake-ups
/// (docs/performance.md). Only for short handlers that applications call at a high rate (the single sign-on
/// protocol's): a handler that computes long would hold the sockets of its loop, which is why tasks in general
/// stay on Swift's own threads.
func onEventLoop(
    _ handler: @escaping @Sendable (Request) async throws -> Response
) -> @Sendable (Request) async throws -> Response {
    { request in
        try await withTaskExecutorPreference(EventLoopTaskExecutor(request.eventLoop)) { try await handler(request) }
    }
}

extension EventLoop {
    /// `makeFutureWithTask`, with the task run on this loop's thread.
    func makeFutureWithTaskOnTheLoop<T: Sendable>(
        _ body: @escaping @Sendable () async throws -> T
    ) -> EventLoopFuture<T> {
        let promise = makePromise(of: T.self)
        Task(executorPreference: EventLoopTaskExecutor(self)) {
            do {
                promise.succeed(try await body())
            } catch {
                promise.fail(error)
            }
        }
        return promise.futureResult
    }
}
