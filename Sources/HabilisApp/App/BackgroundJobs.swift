import Vapor

/// Runs the timed work inside the server: the outbox dispatcher every 5 seconds, the sweep every minute. Safe with
/// several instances because every job claims its rows with a conditional update.
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
                        _ = try await application.sweep(asOf: lastSweep)
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

/// What one sweep did.
struct SweepOutcome {
    var accessRequests: AccessRequestService.SweepReport
    var accountRequests: AccountRequestService.SweepReport
    var auditEventsPurged: Int
}

extension Application {
    /// The sweep, the same in the server's timer and in `habilis sweep`: accepts the access requests due at
    /// `instant` and reminds their deciders, purges unproven registrations and escalates old account requests,
    /// deletes the audit events past their retention.
    func sweep(asOf instant: Date) async throws -> SweepOutcome {
        SweepOutcome(
            accessRequests: try await portal.accessRequests.sweep(
                asOf: instant, lanes: settings.sweepLanes, on: db, logger: logger),
            accountRequests: try await portal.accountRequests.sweep(asOf: instant, on: db),
            auditEventsPurged: try await portal.audit.purge(
                olderThan: settings.auditRetentionDays, at: instant, on: db))
    }
}
