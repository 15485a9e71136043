import Vapor

/// Runs the timed work inside the server: the outbox dispatcher every few seconds. Safe with several instances
/// because every job claims its rows with a conditional update.
final class BackgroundJobs: LifecycleHandler, @unchecked Sendable {
    private var task: Task<Void, Never>?

    func didBoot(_ application: Application) throws {
        task = Task { [application] in
            while !Task.isCancelled {
                do {
                    try await application.portal.dispatcher.dispatchDue(on: application.db)
                } catch {
                    application.logger.warning("outbox dispatch failed: \(String(describing: error))")
                }
                try? await Task.sleep(for: .seconds(5))
            }
        }
    }

    func shutdown(_ application: Application) {
        task?.cancel()
    }
}
