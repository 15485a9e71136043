import NIOPosix
import Testing

@testable import HabilisApp

/// The timed work's executor: its tasks, and what they await, run on its one thread.
@Suite("A thread of its own")
struct ThreadOfItsOwnTests {
    @Test("a task that prefers it runs there, before and after awaiting, and its child tasks too")
    func runsOnItsThread() async throws {
        let thread = ThreadOfItsOwn()
        let loops = try await Task(executorPreference: thread) { () async throws -> [String] in
            func name() -> String { MultiThreadedEventLoopGroup.currentEventLoop.map { "\($0)" } ?? "none" }
            let before = name()
            try await Task.sleep(for: .milliseconds(10))
            let after = name()
            async let child = name()
            return [before, after, await child]
        }.value
        await thread.shutdown()
        #expect(loops[0] != "none")
        #expect(Set(loops).count == 1, "\(loops)")
        // Outside it, the test's own task is on no event loop.
        #expect(MultiThreadedEventLoopGroup.currentEventLoop == nil)
    }
}
