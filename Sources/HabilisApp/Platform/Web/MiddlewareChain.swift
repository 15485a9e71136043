import Vapor

/// The portal's middlewares run one after the other in one task. Vapor 4 runs each `AsyncMiddleware` given to
/// `app.middleware` in a task of its own and hands over to the next through an `EventLoopFuture`: with nine of
/// them, every request made nine tasks and twice as many hops between the event loop and the task threads.
struct MiddlewareChain: AsyncMiddleware {
    let middlewares: [any AsyncMiddleware]

    init(_ middlewares: [any AsyncMiddleware]) {
        self.middlewares = middlewares
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        try await Link(chain: middlewares[...], last: next).respond(to: request)
    }

    /// The first middleware of what is left of the chain, called directly with the rest as its next responder.
    private struct Link: AsyncResponder {
        let chain: ArraySlice<any AsyncMiddleware>
        let last: any AsyncResponder

        func respond(to request: Request) async throws -> Response {
            guard let first = chain.first else { return try await last.respond(to: request) }
            return try await first.respond(to: request, chainingTo: Link(chain: chain.dropFirst(), last: last))
        }
    }
}
