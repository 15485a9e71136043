import Fluent
import Foundation
import NIOConcurrencyHelpers
import Prometheus
import SQLKit
import Vapor

/// What operators watch (`/metrics`, Prometheus text format). Each instance counts its own HTTP requests; the
/// state of the whole portal (mail queue, sweep lateness, sessions, security events) is read from the database at
/// each scrape, so that any instance reports it and two instances agree.
final class PortalMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()

    /// Latency buckets of a page, from a fast cached answer to a stuck one.
    static let latencyBuckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2_500), .seconds(5), .seconds(10),
    ]

    /// The series of one route and status, made once: a request then costs one lock and one small hash, not the
    /// label strings the registry is asked with.
    private let series = NIOLockedValueBox<[SeriesKey: (Counter, DurationHistogram)]>([:])

    private struct SeriesKey: Hashable {
        let route: ObjectIdentifier?
        let method: String
        let status: UInt
    }

    /// One answered request: its route pattern (`/demandes/:id`, never the id itself), method and status.
    func recordRequest(_ request: Request, status: UInt, duration: Duration) {
        let key = SeriesKey(
            route: request.route.map(ObjectIdentifier.init), method: request.method.rawValue, status: status)
        let (counter, histogram) =
            series.withLockedValue { $0[key] }
            ?? {
                // Unmatched paths share one label: a scanner must not create a series per URL it tries.
                let route = request.route.map { "/" + $0.path.map(\.description).joined(separator: "/") } ?? "unmatched"
                let made = (
                    registry.makeCounter(
                        name: "habilis_http_requests_total",
                        labels: [("route", route), ("method", key.method), ("status", String(status))]),
                    registry.makeDurationHistogram(
                        name: "habilis_http_request_duration_seconds",
                        labels: [("route", route), ("method", key.method)],
                        buckets: Self.latencyBuckets)
                )
                series.withLockedValue { $0[key] = made }
                return made
            }()
        counter.increment()
        histogram.record(duration)
    }

    /// The portal's state, read now, then the whole registry as text.
    func scrape(now: Date, on database: any Database) async throws -> String {
        let sql = database as! any SQLDatabase
        // The pool does not report its queue; a probe through it does: the wait of any request at this moment.
        let probeStarted = ContinuousClock.now
        _ = try await sql.raw("SELECT 1 AS n").first()
        let probe = ContinuousClock.now - probeStarted
        registry.makeGauge(
            name: "habilis_database_wait_seconds",
            help: "Time to get a pooled database connection and run SELECT 1, measured at this scrape."
        ).set(Double(probe.components.seconds) + Double(probe.components.attoseconds) / 1e18)
        func scalar(_ query: SQLQueryString) async throws -> Int {
            try await sql.raw(query).first()?.decode(column: "n", as: Int.self) ?? 0
        }
        func oldest(_ query: SQLQueryString) async throws -> Double {
            guard let date = try await sql.raw(query).first()?.decode(column: "oldest", as: Date?.self) else {
                return 0
            }
            return max(0, now.timeIntervalSince(date))
        }
        let gauges: [(String, String, Double)] = [
            (
                "habilis_outbox_pending", "Mails waiting to be sent.",
                Double(
                    try await scalar("SELECT COUNT(*) AS n FROM outbox_messages WHERE status IN ('pending', 'sending')")
                )
            ),
            (
                "habilis_outbox_oldest_unsent_seconds", "Age of the oldest mail not sent yet.",
                try await oldest(
                    "SELECT MIN(created_at) AS oldest FROM outbox_messages WHERE status IN ('pending', 'sending')")
            ),
            (
                "habilis_outbox_failed", "Mails given up on (« Courriels en échec »).",
                Double(try await scalar("SELECT COUNT(*) AS n FROM outbox_messages WHERE status = 'failed'"))
            ),
            (
                "habilis_backchannel_logouts_pending", "Back-channel logout tokens not delivered yet.",
                Double(
                    try await scalar(
                        "SELECT COUNT(*) AS n FROM backchannel_logouts WHERE status IN ('pending', 'sending')"))
            ),
            (
                "habilis_access_requests_pending", "Access requests awaiting a decision.",
                Double(try await scalar("SELECT COUNT(*) AS n FROM access_requests WHERE status = 'pending'"))
            ),
            (
                "habilis_sweep_lateness_seconds",
                "Age of the oldest pending request past its automatic-acceptance date (the guide's promise).",
                try await oldest(
                    "SELECT MIN(due_at) AS oldest FROM access_requests WHERE status = 'pending' AND due_at <= \(bind: now)"
                )
            ),
            (
                "habilis_reminders_sent_24h", "Reminders of requests soon accepted automatically, last 24 hours.",
                Double(
                    try await scalar(
                        """
                        SELECT COUNT(*) AS n FROM audit_events WHERE action = 'access_request.reminded'
                            AND occurred_at > \(bind: now.addingTimeInterval(-86_400))
                        """))
            ),
            (
                "habilis_webhook_deliveries_pending", "Change events not received by their application yet.",
                Double(
                    try await scalar(
                        "SELECT COUNT(*) AS n FROM webhook_deliveries WHERE status IN ('pending', 'sending')"))
            ),
            (
                "habilis_webhook_oldest_pending_seconds", "Age of the oldest change event not received yet.",
                try await oldest(
                    "SELECT MIN(created_at) AS oldest FROM webhook_deliveries WHERE status IN ('pending', 'sending')")
            ),
            (
                "habilis_webhook_deliveries_failed", "Change events given up on after 24 hours of retries.",
                Double(try await scalar("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE status = 'failed'"))
            ),
            (
                "habilis_sessions_active", "Sessions used in the last 30 minutes.",
                Double(
                    try await scalar(
                        "SELECT COUNT(*) AS n FROM user_sessions WHERE last_seen_at > \(bind: now.addingTimeInterval(-SessionStore.idleTimeout))"
                    ))
            ),
        ]
        for (name, help, value) in gauges { registry.makeGauge(name: name, help: help).set(value) }
        // Security events of the last 15 minutes, from the audit trail: all instances' together.
        let since = now.addingTimeInterval(-15 * 60)
        let events = try await sql.raw(
            """
            SELECT action, COUNT(*) AS n FROM audit_events
            WHERE occurred_at > \(bind: since) AND action IN (\(binds: Self.securityActions.map(\.rawValue)))
            GROUP BY action
            """
        ).all()
        var counts = Dictionary(uniqueKeysWithValues: Self.securityActions.map { ($0.rawValue, 0) })
        for row in events {
            counts[try row.decode(column: "action", as: String.self)] = try row.decode(column: "n", as: Int.self)
        }
        for (action, count) in counts {
            registry.makeGauge(name: "habilis_security_events_15m", labels: [("action", action)]).set(Double(count))
        }
        return registry.emitToString()
    }

    /// The events an operator alerts on when they surge.
    static let securityActions: [AuditAction] = [
        .signInFailed, .signInThrottled, .signInSecondFactorFailed, .passwordResetThrottled, .csrfRejected,
        .accessDenied, .oidcClientAuthenticationFailed, .apiThrottled,
    ]
}

/// Counts and times every answer by its route pattern.
/// Future-based, as the other middlewares that never wait for anything: Vapor runs each `AsyncMiddleware` in a
/// task of its own, a thread hop for every request (docs/performance.md).
struct MetricsMiddleware: Middleware {
    let metrics: PortalMetrics

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        let started = ContinuousClock.now
        return next.respond(to: request).always { result in
            let status =
                switch result {
                case .success(let response): response.status.code
                case .failure(let error): (error as? any AbortError)?.status.code ?? 500
                }
            metrics.recordRequest(request, status: status, duration: ContinuousClock.now - started)
        }
    }
}

/// `/metrics`: never public. Not found unless `HABILIS_METRICS_TOKEN` is set, then only for that bearer token.
struct MetricsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(Paths.metrics.pathComponents, use: scrape)
    }

    func scrape(req: Request) async throws -> Response {
        guard let token = req.application.settings.metricsToken else { throw Abort(.notFound) }
        let given = req.headers.bearerAuthorization?.token ?? ""
        guard SecureToken.constantTimeEquals(SecureToken.hash(given), SecureToken.hash(token)) else {
            let refused = Response(status: .unauthorized)
            refused.headers.replaceOrAdd(name: .wwwAuthenticate, value: "Bearer realm=\"habilis-metrics\"")
            return refused
        }
        let text = try await req.application.metrics.scrape(now: req.portal.clock.now, on: req.db)
        let response = Response(status: .ok, body: .init(string: text))
        response.headers.replaceOrAdd(name: .contentType, value: "text/plain; version=0.0.4; charset=utf-8")
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}

private struct PortalMetricsKey: StorageKey {
    typealias Value = PortalMetrics
}

extension Application {
    /// This instance's metrics, made once.
    var metrics: PortalMetrics {
        if let metrics = storage[PortalMetricsKey.self] { return metrics }
        let metrics = PortalMetrics()
        storage[PortalMetricsKey.self] = metrics
        return metrics
    }
}
