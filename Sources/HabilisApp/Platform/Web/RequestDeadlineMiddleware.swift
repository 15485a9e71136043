import NIOConcurrencyHelpers
import Vapor

/// Answers 503 « Service indisponible » to a request still unanswered after `seconds`, before the load balancer
/// gives up on the instance. The soak saw requests in flight during a PostgreSQL restart never answered (a race of
/// the connection pool): nginx then timed out after 60 s, counted both instances as failed and refused everyone
/// for seconds. The late work is not stopped (Vapor starts each handler in a task of its own, which a cancellation
/// from here would not reach); whatever it writes is in its transaction, which commits whole or not at all.
///
/// Future-based, so that it costs no task: the deadline is an event loop's timer, removed when the answer comes. A
/// sleeping task would stay queued for the whole delay even once cancelled, one per request (with tasks on NIO's
/// event loops the server grew by 90 MB in 12 s of 12,000 requests a second; docs/performance.md).
struct RequestDeadlineMiddleware: Middleware {
    let seconds: Int
    /// Counts the work this middleware answered for and that still runs, which shutdown waits for.
    let lateWork: LateWork

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        let loop = request.eventLoop
        let answer = loop.makePromise(of: Response.self)
        let seconds = self.seconds
        // The timer and the answer both run on the request's loop, so that exactly one of them answers: the timer
        // removed before it fires, or the answer coming after it (a promise keeps its first outcome).
        let lateWork = self.lateWork
        let work = next.respond(to: request).hop(to: loop)
        let deadline = loop.scheduleTask(in: .seconds(Int64(seconds))) {
            request.logger.error("no answer after \(seconds) s: \(request.method) \(request.url.path)")
            lateWork.began()
            work.whenComplete { _ in lateWork.ended() }
            answer.fail(Abort(.serviceUnavailable, headers: ["Retry-After": "30"], reason: "deadline"))
        }
        work.whenComplete { result in
            deadline.cancel()
            answer.completeWith(result)
        }
        return answer.futureResult
    }
}

/// The work of requests that the deadline answered and that still runs. The application waits for it when it shuts
/// down (`Drain`, the last lifecycle handler registered, so the first to run): shut down under it, the portal's
/// services are gone from the application's storage, and the process stopped on `configure(_:) has not run` (seen
/// in the test suite, where each test shuts its application down; in production, at a stop during a stall).
final class LateWork: Sendable {
    private let running = NIOLockedValueBox(0)

    var count: Int { running.withLockedValue { $0 } }
    func began() { running.withLockedValue { $0 += 1 } }
    func ended() { running.withLockedValue { $0 -= 1 } }

    /// Waits until no late work runs, at most `limit`; tells whether it all ended.
    func drained(within limit: Duration) async -> Bool {
        let end = ContinuousClock.now + limit
        while count > 0 {
            guard ContinuousClock.now < end else { return false }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return true
    }

    /// Waits for the late work at shutdown, at most `limit`: a request stuck for good (a wedged connection) must not
    /// keep the process from stopping.
    struct Drain: LifecycleHandler {
        let work: LateWork
        let limit: Duration

        func shutdownAsync(_ application: Application) async {
            guard await !work.drained(within: limit) else { return }
            application.logger.warning("stopping with \(work.count) request(s) still at work past their deadline")
        }
    }
}
