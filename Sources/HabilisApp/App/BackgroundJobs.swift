import Fluent
import Vapor

/// Runs the timed work inside the server: the outbox dispatcher, the back-channel logouts and the webhooks every 5 seconds, the
/// sweep every minute. Safe with several instances because every job claims its rows with a conditional update.
final class BackgroundJobs: LifecycleHandler, @unchecked Sendable {
    private var task: Task<Void, Never>?

    func didBoot(_ application: Application) throws {
        task = Task { [application] in
            var lastSweep = Date.distantPast
            var outage = OutageLog(logger: application.logger)
            while !Task.isCancelled {
                let portal = application.portal
                if portal.clock.now.timeIntervalSince(lastSweep) >= 60 {
                    lastSweep = portal.clock.now
                    do {
                        _ = try await application.sweep(asOf: lastSweep)
                        outage.succeeded()
                    } catch {
                        outage.failed("sweep", error)
                    }
                }
                do {
                    let database = application.backgroundDB
                    try await portal.dispatcher.dispatchDue(on: database)
                    try await portal.provider.signOut.deliverDue(
                        with: application.client, keys: portal.signingKeys, issuer: portal.provider.issuer,
                        on: database)
                    try await portal.webhookDispatcher.deliverDue(with: application.client, on: database)
                    outage.succeeded()
                } catch {
                    outage.failed("outbox dispatch", error)
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

/// Logs a database outage when it starts and when it ends, instead of a warning from each job every 5 seconds
/// for as long as it lasts; other failures are logged each time.
private struct OutageLog {
    let logger: Logger
    var isDatabaseDown = false

    mutating func failed(_ job: String, _ error: any Error) {
        guard DatabaseOutage.isOutage(error) else {
            logger.warning("\(job) failed: \(String(describing: error))")
            return
        }
        if !isDatabaseDown {
            logger.error("database unavailable, background jobs wait for it: \(String(describing: error))")
        }
        isDatabaseDown = true
    }

    mutating func succeeded() {
        if isDatabaseDown { logger.notice("database available again, background jobs resume") }
        isDatabaseDown = false
    }
}

extension DatabaseID {
    /// The connections of the timed work (the sweep, the outbox, the deliveries) on PostgreSQL, apart from the pages':
    /// a sweep's batches hold their connections for seconds, and on the pages' pool of one event loop they left its
    /// requests a single connection to wait for, and a request that waited 10 s its 503 (the likely cause of the
    /// one 503 outside any fault in the soak of 4 December).
    static let background = DatabaseID(string: "background")
}

extension Application {
    /// Where the timed work runs: its own pool on PostgreSQL; SQLite's one connection per event loop otherwise.
    var backgroundDB: any Database {
        databases.ids().contains(.background) ? db(.background) : db
    }
}

/// What one sweep did.
struct SweepOutcome {
    var accessRequests: AccessRequestService.SweepReport
    var rightEnds: AccessRequestService.RightEndsReport
    var accessReviews: AccessReviewService.SweepReport
    /// Pending requests routed again because an absence began.
    var reroutedForAbsences: Int
    var accountRequests: AccountRequestService.SweepReport
    var auditEventsPurged: Int
    var throttleBucketsPurged: Int
    var webhookDeliveriesPurged: Int
    /// Codes, refresh tokens and sign-ins single sign-on no longer needs.
    var singleSignOnPurged: Int
    /// Portal sessions past their limits.
    var sessionsPurged: Int
}

extension Application {
    /// The sweep, the same in the server's timer and in `habilis sweep`: accepts the access requests due at
    /// `instant` and reminds their deciders, tells the holders of rights that end soon and ends those whose date has
    /// come, reminds the reviewers of access reviews and applies the rule of those whose deadline has come, purges unproven registrations and escalates old account requests,
    /// deletes the audit events past their retention, the throttle counters of windows long over, the expired
    /// sessions, and what single sign-on no longer needs.
    func sweep(asOf instant: Date) async throws -> SweepOutcome {
        let db = backgroundDB
        // Who is away first: the requests of an organisme whose correspondents all left go to the administrators
        // before the reminders are sent.
        let rerouted = try await portal.absences.rerouteStarted(asOf: instant, on: db)
        return SweepOutcome(
            accessRequests: try await portal.accessRequests.sweep(
                asOf: instant, lanes: settings.sweepLanes, on: db, logger: logger),
            rightEnds: try await portal.accessRequests.sweepRightEnds(asOf: instant, on: db),
            accessReviews: try await portal.accessReviews.sweep(asOf: instant, on: db),
            reroutedForAbsences: rerouted,
            accountRequests: try await portal.accountRequests.sweep(asOf: instant, on: db),
            auditEventsPurged: try await portal.audit.purge(
                olderThan: settings.auditRetentionDays, at: instant, on: db),
            throttleBucketsPurged: try await portal.throttle.purge(at: instant, on: db),
            webhookDeliveriesPurged: try await portal.webhooks.purge(at: instant, on: db),
            // What has expired is judged by the clock, not by `--as-of`: a sweep run ahead of time (a test, the
            // bench) must not end sessions and tokens that are live now.
            singleSignOnPurged: try await portal.provider.purge(at: portal.clock.now, on: db),
            sessionsPurged: try await portal.sessions.purgeExpired(at: portal.clock.now, audit: portal.audit, on: db))
    }
}
