import Fluent
import Foundation
import NIOConcurrencyHelpers
import NIOSSL
import SQLKit
import Testing
import Vapor

@testable import HabilisApp

@Suite("Change events: written with each change, signed as Standard Webhooks says, retried, then failed")
struct WebhookTests {
    /// Nothing listens there: the connection is refused at once.
    static let deadEndpoint = "http://127.0.0.1:\(HabilisBinary.freePort())/events"

    static func deliveries(_ context: TestContext) async throws -> [WebhookDelivery] {
        try await WebhookDelivery.query(on: context.db).sort(\.$id).all()
    }

    static func payload(_ delivery: WebhookDelivery) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(delivery.payload.utf8)) as? [String: Any])
    }

    @Test("the signature is the one of the specification's example")
    func signatureVector() {
        // standard-webhooks/standard-webhooks, libraries' shared test vector.
        #expect(
            WebhookSignature.sign(
                secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", messageID: "msg_p5jXN8AQM9LWM0D4loKWxJek",
                timestamp: 1_614_265_330, body: "{\"test\": 2432232314}")
                == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        #expect(WebhookSignature.sign(secret: "no-prefix", messageID: "m", timestamp: 1, body: "") == nil)
        let secret = WebhookSignature.newSecret()
        #expect(secret.hasPrefix("whsec_") && Data(base64Encoded: String(secret.dropFirst(6)))?.count == 32)
    }

    @Test("a request, its decision and the right are events of the application's endpoint, in that order")
    func decisionEvents() async throws {
        try await withTestApp { context in
            let webhooks = context.app.portal.webhooks
            _ = try await webhooks.add(application: "GREVE", url: Self.deadEndpoint, by: .system, on: context.db)
            // Another application's endpoint hears nothing of Grève.
            _ = try await webhooks.add(application: "TDB-RH", url: Self.deadEndpoint, by: .system, on: context.db)
            try await requestAccess("GREVE", as: DemoWorld.agentEmail, context: context)
            let correspondent = context.browser()
            try await correspondent.signIn(DemoWorld.correspondentEmail)
            let request = try #require(try await Given.requests(of: DemoWorld.agentEmail, on: context.db).first)
            let charenne = try await Given.agent(DemoWorld.agentEmail, on: context.db)
            try await correspondent.get(Paths.requestsToDecide)
            let decided = try await correspondent.post(
                Paths.decideRequest(request.id!), [("decision", "accepter"), ("motif", "")])
            #expect(decided.status == .seeOther)

            let deliveries = try await Self.deliveries(context)
            #expect(
                deliveries.map(\.eventType) == ["access_request.created", "access_request.decided", "right.granted"])
            #expect(Set(deliveries.map(\.$endpoint.id)).count == 1)
            #expect(deliveries.allSatisfy { $0.agentID == charenne.id && $0.status == .pending })
            #expect(Set(deliveries.map(\.messageID)).count == 3)
            let granted = try Self.payload(deliveries[2])
            #expect(granted["type"] as? String == "right.granted")
            let data = try #require(granted["data"] as? [String: String])
            #expect(data["application"] == "GREVE" && data["email"] == DemoWorld.agentEmail)
            #expect(data["agent_id"] == charenne.id!.uuidString.lowercased())
            #expect(data["origin"] == "request" && data["request_id"] == request.id!.uuidString.lowercased())
            #expect(
                try Self.payload(deliveries[1])["data"].flatMap { $0 as? [String: String] }?["status"] == "accepted")
        }
    }

    @Test("an agent's own changes go to every application the agent holds, and nowhere else")
    func agentEvents() async throws {
        try await withTestApp { context in
            let webhooks = context.app.portal.webhooks
            _ = try await webhooks.add(
                application: "ACCORDS-LOCAUX", url: Self.deadEndpoint, by: .system, on: context.db)
            _ = try await webhooks.add(application: "GREVE", url: Self.deadEndpoint, by: .system, on: context.db)
            let administrator = context.browser()
            try await administrator.signIn(DemoWorld.administratorEmail)
            let charenne = try await Given.agent(DemoWorld.agentEmail, on: context.db)
            try await administrator.get(Paths.adminAgent(charenne.id!))
            try await administrator.post(Paths.adminAgentStatus(charenne.id!), [("action", "desactiver")])
            let deliveries = try await Self.deliveries(context)
            // She holds Accords locaux only.
            #expect(deliveries.map(\.eventType) == ["agent.disabled"])
            let data = try Self.payload(deliveries[0])["data"] as? [String: String]
            #expect(data?["application"] == "ACCORDS-LOCAUX" && data?["email"] == DemoWorld.agentEmail)
        }
    }

    @Test("an application serving a certificate of the federation's own PKI gets its events with HABILIS_HTTP_CA_FILE")
    func privateAuthority() async throws {
        let (certificate, key) = try SMTPSink.makeCertificate()
        let receiver = try await HTTPSReceiver(certificate: certificate, key: key)
        defer { receiver.stop() }
        func grantThenDeliver(_ context: TestContext) async throws -> Int {
            let portal = context.app.portal
            _ = try await portal.webhooks.add(application: "GREVE", url: receiver.url, by: .system, on: context.db)
            let caller = try await MachineCaller.register(context, application: "GREVE", scopes: [.rightsWrite])
            let petit = try await Given.agent(DemoWorld.cafAgentEmail, on: context.db)
            let body = "{\"agent_id\":\"\(petit.id!.uuidString)\"}"
            #expect(try await caller.call(.POST, "/applications/GREVE/rights", json: body).0.status == .created)
            // Generous: a TLS handshake with the local receiver while the whole suite runs on two cores.
            return try await portal.webhookDispatcher.deliverDue(
                with: context.app.client, on: context.db, timeout: .seconds(60))
        }
        // Without it, the certificate is unknown: nothing is delivered, and the log says why.
        try await withTestApp { context in
            #expect(try await grantThenDeliver(context) == 0)
            let delivery = try #require(try await Self.deliveries(context).first)
            #expect(delivery.status == .pending && delivery.attempts == 1)
            #expect(delivery.lastError?.isEmpty == false)
        }
        #expect(receiver.received.isEmpty)
        let trusting: (inout Settings) -> Void = { $0.httpCAFile = certificate }
        try await withTestApp(settings: trusting) { context in
            #expect(try await grantThenDeliver(context) == 1)
            let delivery = try #require(try await Self.deliveries(context).first)
            #expect(delivery.status == .sent)
            let received = try #require(receiver.received.first)
            #expect(received.headers["webhook-id"] == delivery.messageID)
            #expect(received.body.contains("\"right.granted\""))
        }
    }

    @Test("a refused connection is retried on the schedule, fails after 24 hours, and « Renvoyer » sends it again")
    func retriesThenFails() async throws {
        try await withTestApp { context in
            let portal = context.app.portal
            _ = try await portal.webhooks.add(application: "GREVE", url: Self.deadEndpoint, by: .system, on: context.db)
            let caller = try await MachineCaller.register(context, application: "GREVE", scopes: [.rightsWrite])
            let petit = try await Given.agent(DemoWorld.cafAgentEmail, on: context.db)
            let body = "{\"agent_id\":\"\(petit.id!.uuidString)\"}"
            #expect(try await caller.call(.POST, "/applications/GREVE/rights", json: body).0.status == .created)
            #expect(
                try await caller.call(.DELETE, "/applications/GREVE/rights/\(petit.id!)").0.status == .noContent)
            func deliver() async throws -> Int {
                try await portal.webhookDispatcher.deliverDue(
                    with: context.app.client, on: context.db, timeout: .seconds(2))
            }
            #expect(try await deliver() == 0)
            var deliveries = try await Self.deliveries(context)
            #expect(deliveries.map(\.eventType) == ["right.granted", "right.revoked"])
            // The revocation waits behind the grant of the same agent.
            #expect(deliveries[0].attempts == 1 && deliveries[1].attempts == 0)
            #expect(deliveries[0].status == .pending && deliveries[0].lastError != nil)
            #expect(deliveries[0].nextAttemptAt == context.clock.now.addingTimeInterval(5))
            context.clock.advance(by: 5)
            _ = try await deliver()
            #expect(try await Self.deliveries(context)[0].nextAttemptAt == context.clock.now.addingTimeInterval(300))
            for _ in 0..<12 {
                context.clock.advance(by: 36_000)
                _ = try await deliver()
            }
            deliveries = try await Self.deliveries(context)
            #expect(deliveries[0].status == .failed)
            #expect(deliveries[0].attempts <= 8)
            // Once the grant failed, the revocation goes its own way, and fails as well.
            #expect(deliveries[1].status == .failed)

            let administrator = try await Given.agent(DemoWorld.administratorEmail, on: context.db)
            #expect(
                try await portal.webhooks.resend(
                    deliveries[0].id!, by: AuditContext(actorID: administrator.id, ip: nil), on: context.db))
            let resent = try #require(try await WebhookDelivery.find(deliveries[0].id, on: context.db))
            #expect(resent.status == .pending && resent.attempts == 0 && resent.messageID == deliveries[0].messageID)
            #expect(try await context.auditActions().contains("webhook.resent"))

            // The log keeps 30 days.
            context.clock.advance(by: 31 * 86_400)
            _ = try await context.app.sweep(asOf: context.clock.now)
            #expect(try await Self.deliveries(context).isEmpty)
        }
    }

    @Test("the automatic acceptance publishes its decisions and rights by batch")
    func sweepEvents() async throws {
        try await withTestApp { context in
            _ = try await context.app.portal.webhooks.add(
                application: "GREVE", url: Self.deadEndpoint, by: .system, on: context.db)
            try await requestAccess("GREVE", as: DemoWorld.agentEmail, context: context)
            try await requestAccess("GREVE", as: DemoWorld.cafAgentEmail, context: context)
            context.clock.advance(by: 20 * 86_400)
            _ = try await context.app.sweep(asOf: context.clock.now)
            let kinds = try await Self.deliveries(context).map(\.eventType)
            #expect(kinds.filter { $0 == "right.granted" }.count == 2)
            #expect(kinds.filter { $0 == "access_request.decided" }.count == 2)
            let granted = try await Self.deliveries(context).filter { $0.eventType == "right.granted" }
            for delivery in granted {
                let data = try Self.payload(delivery)["data"] as? [String: String]
                #expect(data?["origin"] == "automatic_acceptance")
            }
        }
    }

    @Test("webhook add refuses an unknown application and a non-https address, in French")
    func registration() async throws {
        let production: (inout Settings) -> Void = {
            $0.isProduction = true
            $0.baseURL = "https://habilis.example"
        }
        try await withTestApp(settings: production) { context in
            let webhooks = context.app.portal.webhooks
            await #expect(throws: ClientRegistry.Refusal.self) {
                try await webhooks.add(
                    application: "GREVE", url: "http://greve.example/events", by: .system, on: context.db)
            }
            do {
                _ = try await webhooks.add(application: "NOPE", url: "https://x.example/e", by: .system, on: context.db)
            } catch let refusal as ClientRegistry.Refusal {
                #expect(refusal.message.contains("Aucune application n’a le code « NOPE »"))
            }
            let (endpoint, secret) = try await webhooks.add(
                application: "GREVE", url: "https://greve.example/events", by: .system, on: context.db)
            #expect(secret.hasPrefix("whsec_"))
            #expect(try await webhooks.remove(endpoint.id!, by: .system, on: context.db))
            #expect(
                try await context.auditActions().suffix(2) == ["webhook.endpoint_added", "webhook.endpoint_removed"])
        }
    }
}

/// An application's HTTPS endpoint for change events, with a certificate the test made: records what it is sent.
final class HTTPSReceiver: @unchecked Sendable {
    struct Received {
        let headers: [String: String]
        let body: String
    }

    private let app: Application
    private let store = NIOLockedValueBox<[Received]>([])
    let url: String

    var received: [Received] { store.withLockedValue { $0 } }

    init(certificate: String, key: String) async throws {
        app = try await Application.make(.testing)
        app.logger.logLevel = .critical
        let port = HabilisBinary.freePort()
        app.http.server.configuration.hostname = "127.0.0.1"
        app.http.server.configuration.port = port
        app.http.server.configuration.tlsConfiguration = .makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) },
            privateKey: .file(key))
        let store = self.store
        app.post("events") { request -> HTTPStatus in
            var headers: [String: String] = [:]
            for (name, value) in request.headers { headers[name.lowercased()] = value }
            let body = request.body.string ?? ""
            store.withLockedValue { $0.append(Received(headers: headers, body: body)) }
            return .noContent
        }
        url = "https://127.0.0.1:\(port)/events"
        try await app.server.start()
    }

    func stop() {
        app.server.shutdown()
        Task { [app] in try? await app.asyncShutdown() }
    }
}
