import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@testable import HabilisApp

/// `/metrics`: never public; with its token, the requests by route pattern and the portal's state in Prometheus text.
@Suite("Metrics: Prometheus text behind a bearer token, routes by pattern, the sweep's lateness")
struct MetricsTests {
    static let token = "un-jeton-de-supervision-assez-long-0123456789"

    func withToken(_ settings: inout Settings) { settings.metricsToken = Self.token }

    @Test("/metrics is not found without HABILIS_METRICS_TOKEN, refused without its bearer token")
    func neverPublic() async throws {
        try await withTestApp { context in
            let page = try await context.browser().get(Paths.metrics)
            #expect(page.status == .notFound)
        }
        try await withTestApp(settings: withToken) { context in
            let visitor = context.browser()
            let none = try await visitor.get(Paths.metrics)
            #expect(none.status == .unauthorized)
            #expect(none.headers.first(name: .wwwAuthenticate)?.hasPrefix("Bearer") == true)
            #expect(!none.html.contains("habilis_"))
            let wrong = try await visitor.get(Paths.metrics, headers: [("Authorization", "Bearer mauvais")])
            #expect(wrong.status == .unauthorized)
        }
        #expect(throws: SettingsError.self) {
            try Settings.fromEnvironment(["HABILIS_METRICS_TOKEN": "court"], isProduction: false)
        }
    }

    @Test("requests are counted by route pattern and status, never by the ids in their path")
    func requestsByRoute() async throws {
        try await withTestApp(settings: withToken) { context in
            let agent = context.browser()
            try await agent.signIn(DemoWorld.agentEmail)
            try await agent.get(Paths.home)
            try await agent.get(Paths.accessRequest(UUID()))
            try await agent.get("/chemin/inconnu/\(UUID())")
            let page = try await context.browser().get(
                Paths.metrics, headers: [("Authorization", "Bearer \(Self.token)")])
            #expect(page.status == .ok)
            #expect(page.headers.first(name: .contentType)?.hasPrefix("text/plain; version=0.0.4") == true)
            let text = page.html
            // The sign-in lands on the catalogue, then the test opens it again.
            #expect(text.contains(#"habilis_http_requests_total{route="/",method="GET",status="200"} 2"#), "\(text)")
            #expect(text.contains(#"route="/demandes/:id",method="GET",status="404""#))
            #expect(text.contains(#"route="unmatched""#))
            #expect(!text.contains("/chemin/inconnu"))
            #expect(text.contains("habilis_http_request_duration_seconds_bucket"))
        }
    }

    @Test("the sweep's lateness is the age of the oldest request past its date; the mail queue and sessions show")
    func portalState() async throws {
        try await withTestApp(settings: withToken) { context in
            func scrape() async throws -> String {
                try await context.browser().get(Paths.metrics, headers: [("Authorization", "Bearer \(Self.token)")])
                    .html
            }
            func value(_ name: String, in text: String) -> Double? {
                text.split(separator: "\n").first { $0.hasPrefix(name + " ") }
                    .flatMap { Double($0.split(separator: " ").last ?? "") }
            }
            #expect(value("habilis_sweep_lateness_seconds", in: try await scrape()) == 0)
            try await requestAccess("GREVE", as: DemoWorld.agentEmail, context: context)
            let agent = context.browser()
            try await agent.signIn(DemoWorld.agentEmail)
            var text = try await scrape()
            #expect(value("habilis_access_requests_pending", in: text) == 1)
            #expect((value("habilis_outbox_pending", in: text) ?? 0) >= 1)
            #expect((value("habilis_sessions_active", in: text) ?? 0) >= 1)
            // The pool's wait, probed through it: a real round trip, not a constant.
            let wait = try #require(value("habilis_database_wait_seconds", in: text))
            #expect(wait > 0 && wait < 5)
            // Ten days and an hour later, nobody has swept: the request is an hour late.
            context.clock.advance(by: 10 * 86_400 + 3_600)
            text = try await scrape()
            #expect(value("habilis_sweep_lateness_seconds", in: text) == 3_600)
            #expect(text.contains(#"habilis_security_events_15m{action="sign_in.failed"} 0"#))
            #expect(value("habilis_reminders_sent_24h", in: text) == 0)
            // The sweep accepts it; two days before the next one's date, its decider is reminded.
            _ = try await context.app.sweep(asOf: context.clock.now)
            try await requestAccess("TDB-RH", as: DemoWorld.agentEmail, context: context)
            context.clock.advance(by: 8 * 86_400 + 3_600)
            _ = try await context.app.sweep(asOf: context.clock.now)
            text = try await scrape()
            #expect(value("habilis_sweep_lateness_seconds", in: text) == 0)
            #expect(value("habilis_reminders_sent_24h", in: text) == 1)

            // Change events: one waiting for an endpoint that does not answer, then given up on.
            _ = try await context.app.portal.webhooks.add(
                application: "GREVE", url: WebhookTests.deadEndpoint, by: .system, on: context.db)
            let petit = try await Given.agent(DemoWorld.cafAgentEmail, on: context.db)
            try await requestAccess("GREVE", as: petit.email, context: context)
            context.clock.advance(by: 60)
            text = try await scrape()
            #expect(value("habilis_webhook_deliveries_pending", in: text) == 1)
            #expect(value("habilis_webhook_oldest_pending_seconds", in: text) == 60)
            try await (context.db as! any SQLDatabase).raw("UPDATE webhook_deliveries SET status = 'failed'").run()
            text = try await scrape()
            #expect(value("habilis_webhook_deliveries_failed", in: text) == 1)
            #expect(value("habilis_webhook_deliveries_pending", in: text) == 0)
        }
    }
}
