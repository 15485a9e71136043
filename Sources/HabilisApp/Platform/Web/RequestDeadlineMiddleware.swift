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

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        let loop = request.eventLoop
        let answer = loop.makePromise(of: Response.self)
        let seconds = self.seconds
        // The timer and the answer both run on the request's loop, so that exactly one of them answers: the timer
        // removed before it fires, or the answer coming after it (a promise keeps its first outcome).
        let deadline = loop.scheduleTask(in: .seconds(Int64(seconds))) {
            request.logger.error("no answer after \(seconds) s: \(request.method) \(request.url.path)")
            answer.fail(Abort(.serviceUnavailable, headers: ["Retry-After": "30"], reason: "deadline"))
        }
        next.respond(to: request).hop(to: loop).whenComplete { result in
            deadline.cancel()
            answer.completeWith(result)
        }
        return answer.futureResult
    }
}
