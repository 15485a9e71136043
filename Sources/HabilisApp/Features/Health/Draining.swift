import NIOConcurrencyHelpers
import Vapor

/// The graceful stop of an instance (issue 18): after SIGTERM it keeps serving while `/readyz` answers 503, for
/// `HABILIS_DRAIN_SECONDS`, so that the load balancer takes it out; then the server stops accepting, finishes the
/// requests in flight, the background jobs finish their batch, and the process exits 0.
enum Draining {
    private struct Key: StorageKey {
        typealias Value = NIOLockedValueBox<Bool>
    }

    static func drain(_ app: Application, for seconds: Int) async {
        guard seconds > 0 else { return }
        app.storage[Key.self] = NIOLockedValueBox(true)
        app.logger.notice("stopping: /readyz answers 503 for \(seconds) s before the server stops accepting")
        try? await Task.sleep(for: .seconds(seconds))
    }

    static func isDraining(_ app: Application) -> Bool {
        app.storage[Key.self]?.withLockedValue { $0 } ?? false
    }
}

extension Application {
    var isDraining: Bool { Draining.isDraining(self) }
}
