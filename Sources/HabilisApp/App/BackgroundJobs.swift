import Vapor

/// Runs the timed work inside the server: the outbox dispatcher every 5 seconds, the sweep of due access requests
/// (and the purge of audit events past their retention) every minute. Safe with several instances because every job claims its rows with a conditional update.
final class BackgroundJobs: LifecycleHandler, @unchecked Sendable {
    private var task: Task<Void, Never>?

    func didBoot(_ application: Application) throws {
        task = Task { [application] in
            var lastSweep = Date.distantPast
            while !Task.isCancelled {
                let portal = application.portal
                if portal.clock.now.timeIntervalSince(lastSweep) >= 60 {
                    lastSweep = portal.clock.now
                    do {
                        _ = try await portal.accessRequests.sweep(
                            asOf: lastSweep, lanes: application.settings.sweepLanes, on: application.db,
                            logger: application.logger)
                        _ = try await portal.accountRequests.sweep(asOf: lastSweep, on: application.db)
                        _ = try await portal.audit.purge(
                            olderThan: application.settings.auditRetentionDays, at: lastSweep, on: application.db)
                    } catch {
                        application.logger.warning("sweep failed: \(String(describing: error))")
                    }
                }
                do {
                    try await portal.dispatcher.dispatchDue(on: application.db)
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

    /// Waits for the batch in progress: the databases shut down right after, and a job still using them would
    /// make the process exit with an error.
    func shutdownAsync(_ application: Application) async {
        task?.cancel()
        await task?.value
    }
}
