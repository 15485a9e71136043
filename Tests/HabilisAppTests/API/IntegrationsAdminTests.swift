import Fluent
import Foundation
import Testing
import Vapor

@testable import HabilisApp

@Suite("« Accès machine et événements »: administrators register machine clients and endpoints")
struct IntegrationsAdminTests {
    @Test("a machine client registered on the page works at once; its secret is shown once; refusals are in French")
    func machineClient() async throws {
        try await withTestApp { context in
            let administrator = context.browser()
            try await administrator.signIn(DemoWorld.administratorEmail)
            let page = try await administrator.get(Paths.adminIntegrations)
            #expect(page.status == .ok && page.contains("Aucun client machine n’est enregistré."))

            let refused = try await administrator.post(
                Paths.adminMachineClients, [("name", "Synchro"), ("application", "GREVE")])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.fieldError("scopes") == "Choisissez au moins une portée.")
            #expect(refused.contains("Choisissez au moins une portée."))

            let created = try await administrator.post(
                Paths.adminMachineClients,
                [
                    ("name", "Synchro"), ("application", "GREVE"), ("scopes[]", "rights:read"),
                    ("scopes[]", "rights:write"),
                ])
            #expect(created.status == .ok)
            #expect(created.headers.first(name: .cacheControl) == "no-store")
            #expect(created.contains("Habilis n’en garde qu’une empreinte"))
            let client = try #require(try await MachineClient.query(on: context.db).with(\.$application).first())
            #expect(client.application?.code == "GREVE" && client.scopeList == "rights:read rights:write")
            let secret = try #require(created.html.range(of: "Secret du client (client_secret)</dt><dd><code>"))
            let shown = String(created.html[secret.upperBound...].prefix { $0 != "<" })
            let caller = MachineCaller(context: context, clientID: client.clientID, secret: shown)
            #expect(try await caller.token().0.status == .ok)
            #expect(!(try await administrator.get(Paths.adminIntegrations)).html.contains(shown))

            try await administrator.get(Paths.adminIntegrations)
            let rotated = try await administrator.post(Paths.adminMachineClientSecret(client.clientID))
            #expect(rotated.contains("Nouveau secret du client machine"))
            #expect(try await caller.token().0.status == .unauthorized)
            try await administrator.get(Paths.adminIntegrations)
            let removed = try await administrator.post(Paths.adminRemoveMachineClient(client.clientID))
            #expect(removed.location == Paths.adminIntegrations + "?fait=client-supprime")
            #expect(try await MachineClient.query(on: context.db).count() == 0)
            let actions = try await context.auditActions()
            for action in ["machine_client.registered", "machine_client.secret_rotated", "machine_client.removed"] {
                #expect(actions.contains(action), "\(action)")
            }
        }
    }

    @Test("an endpoint registered on the page gets its log, with « Renvoyer » for a failed delivery")
    func endpoint() async throws {
        try await withTestApp { context in
            let administrator = context.browser()
            try await administrator.signIn(DemoWorld.administratorEmail)
            try await administrator.get(Paths.adminIntegrations)
            let refused = try await administrator.post(
                Paths.adminWebhooks, [("application", "GREVE"), ("url", "ftp://greve.example/events")])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.fieldError("endpoint-url")?.contains("doit commencer par https://") == true)
            let url = WebhookTests.deadEndpoint
            let created = try await administrator.post(Paths.adminWebhooks, [("application", "GREVE"), ("url", url)])
            #expect(created.status == .ok && created.contains("whsec_"))
            let endpoint = try #require(try await WebhookEndpoint.query(on: context.db).first())

            let caller = try await MachineCaller.register(context, application: "GREVE", scopes: [.rightsWrite])
            let petit = try await Given.agent(DemoWorld.cafAgentEmail, on: context.db)
            #expect(
                try await caller.call(.POST, "/applications/GREVE/rights", json: "{\"agent_id\":\"\(petit.id!)\"}").0
                    .status == .created)
            let delivery = try #require(try await WebhookDelivery.query(on: context.db).first())
            delivery.status = .failed
            delivery.responseStatus = 500
            delivery.responseBody = "Erreur interne de l’application"
            try await delivery.update(on: context.db)

            let log = try await administrator.get(Paths.adminWebhook(endpoint.id!))
            #expect(log.contains("right.granted"))
            #expect(log.contains("En échec"))
            #expect(log.contains("HTTP 500 : Erreur interne de l’application"))
            let resent = try await administrator.post(Paths.adminResendWebhook(String(delivery.id!)))
            #expect(resent.location == Paths.adminWebhook(endpoint.id!) + "?renvoye=1")
            #expect(try await WebhookDelivery.find(delivery.id, on: context.db)?.status == .pending)

            try await administrator.get(Paths.adminWebhook(endpoint.id!))
            let removed = try await administrator.post(Paths.adminRemoveWebhook(endpoint.id!))
            #expect(removed.location == Paths.adminIntegrations + "?fait=point-supprime")
            #expect(try await WebhookDelivery.query(on: context.db).count() == 0)
        }
    }
}
