import SQLKit
import Testing
import Vapor

@testable import HabilisApp

/// The single sign-on protocol's handlers run on their request's event loop (`onEventLoop`).
@Suite("Handlers on their event loop")
struct OnTheEventLoopTests {
    @Test("a handler runs on its request's loop, before and after awaiting the database; others do not")
    func runsOnTheRequestsLoop() async throws {
        try await withTestApp(seedDemo: false) { context in
            let request = Request(application: context.app, on: context.app.eventLoopGroup.next())
            @Sendable func handler(_ req: Request) async throws -> Response {
                let before = req.eventLoop.inEventLoop
                _ = try await (req.db as! any SQLDatabase).raw("SELECT 1 AS one").all()
                let after = req.eventLoop.inEventLoop
                return Response(status: before && after ? .ok : .accepted)
            }
            let onTheLoop = try await onEventLoop(handler)(request)
            #expect(onTheLoop.status == .ok)
            let elsewhere = try await handler(request)
            #expect(elsewhere.status == .accepted)
        }
    }
}
