import NIOConcurrencyHelpers
import Vapor

/// Answers 503 « Service indisponible » to a request still unanswered after `seconds`, before the load balancer
/// gives up on the instance. The soak saw requests in flight during a PostgreSQL restart never answered (a race of
/// the connection pool): nginx then timed out after 60 s, counted both instances as failed and refused everyone
/// for seconds. The late work is cancelled; whatever it wrote is in its transaction, which then commits whole or
/// not at all.
struct RequestDeadlineMiddleware: AsyncMiddleware {
    let seconds: Int

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let answered = NIOLockedValueBox(false)
        /// True for the first outcome only: the one that answers.
        @Sendable func first() -> Bool {
            answered.withLockedValue { done in
                defer { done = true }
                return !done
            }
        }
        let seconds = self.seconds
        let work = NIOLockedValueBox<Task<Void, Never>?>(nil)
        return try await withCheckedThrowingContinuation { continuation in
            // An event loop's timer, removed when the answer comes. A sleeping task would stay queued for the whole
            // delay even once cancelled, one per request (with tasks on NIO's event loops the server grew by 90 MB
            // in 12 s of 12,000 requests a second; docs/performance.md).
            let deadline = request.eventLoop.scheduleTask(in: .seconds(Int64(seconds))) {
                guard first() else { return }
                request.logger.error("no answer after \(seconds) s: \(request.method) \(request.url.path)")
                work.withLockedValue { $0?.cancel() }
                continuation.resume(
                    throwing: Abort(.serviceUnavailable, headers: ["Retry-After": "30"], reason: "deadline"))
            }
            work.withLockedValue { task in
                task = Task {
                    // Answered already: the deadline came before this task began (a starved thread pool), and the
                    // work would run for nobody, after the server stopped, perhaps.
                    guard !Task.isCancelled else { return }
                    let result: Result<Response, any Error>
                    do { result = .success(try await next.respond(to: request)) } catch { result = .failure(error) }
                    guard first() else { return }
                    deadline.cancel()
                    continuation.resume(with: result)
                }
            }
        }
    }
}
