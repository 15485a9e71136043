import Fluent
import Foundation
import Testing
import Vapor

@testable import HabilisApp

/// « Connexion des applications (OpenID Connect) »: administrators register and manage an application's clients.
@Suite("Single sign-on: administrators manage the clients of an application")
struct ClientsAdminTests {
    @Test("a client registered on the application's page shows its secret once; mistakes are told beside the field")
    func registerFromThePage() async throws {
        try await withTestApp { context in
            let accords = try await Given.application("ACCORDS-LOCAUX", on: context.db)
            let admin = context.browser()
            try await admin.signIn(DemoWorld.administratorEmail)
            let application = try await admin.get(Paths.adminApplication(accords.id!))
            #expect(application.html.contains("href=\"\(Paths.adminApplicationClients(accords.id!))\""))
            let list = try await admin.get(Paths.adminApplicationClients(accords.id!))
            #expect(list.contains("Aucun client n’est enregistré pour cette application"))
            try await admin.get(Paths.adminNewApplicationClient(accords.id!))

            let refused = try await admin.post(
                Paths.adminNewApplicationClient(accords.id!),
                [
                    ("name", ""), ("kind", "confidential"), ("pkce", "1"),
                    ("redirectURIs", "http://accords-locaux.ucanss.fr/cb"), ("algorithm", "RS256"),
                    ("accessTokenSeconds", "10"), ("idTokenSeconds", "300"), ("refreshTokenSeconds", "beaucoup"),
                ])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.title?.hasPrefix("Erreur : ") == true)
            #expect(refused.fieldError("name") == "Donnez au client un nom de 1 à 150 caractères.")
            #expect(refused.fieldError("redirectURIs")?.contains("doit commencer par https://") == true)
            #expect(refused.fieldError("accessTokenSeconds")?.contains("entre 60 et 3600 secondes") == true)
            #expect(refused.fieldError("refreshTokenSeconds") != nil)
            #expect(refused.inputValue(named: "redirectURIs") == nil)
            #expect(refused.html.contains("http://accords-locaux.ucanss.fr/cb</textarea>"))
            #expect(try await OIDCClient.query(on: context.db).count() == 0)

            let created = try await admin.post(
                Paths.adminNewApplicationClient(accords.id!),
                [
                    ("name", "Accords locaux — production"), ("kind", "confidential"), ("pkce", "1"),
                    ("redirectURIs", "https://accords-locaux.ucanss.fr/cb\r\nhttp://127.0.0.1:9999/callback"),
                    ("postLogoutRedirectURIs", ""), ("backchannelLogoutURI", "https://accords-locaux.ucanss.fr/logout"),
                    ("initiateLoginURI", ""), ("algorithm", "ES256"), ("accessTokenSeconds", "600"),
                    ("idTokenSeconds", "300"), ("refreshTokenSeconds", "3600"),
                ])
            #expect(created.status == .ok)
            #expect(created.headers.first(name: .cacheControl) == "no-store")
            #expect(created.contains("il ne sera plus jamais affiché"))
            let client = try #require(try await OIDCClient.query(on: context.db).first())
            #expect(client.redirectURIs == ["https://accords-locaux.ucanss.fr/cb", "http://127.0.0.1:9999/callback"])
            #expect(client.signingAlgorithm == "ES256")
            #expect(client.accessTokenSeconds == 600)
            let secret = try #require(
                created.html.components(separatedBy: "<dt>Secret du client (client_secret)</dt><dd><code>").last?
                    .components(separatedBy: "</code>").first)
            #expect(client.secretHash == SecureToken.hash(secret))
            #expect(created.contains(client.clientID))
            #expect(!(try await admin.get(Paths.adminApplicationClients(accords.id!))).html.contains(secret))
            #expect(try await context.auditActions().contains("oidc_client.registered"))
        }
    }

    @Test("changing, giving a new secret to and removing a client, each audited; the old secret stops at once")
    func manageAClient() async throws {
        try await withTestApp { context in
            let accords = try await Given.application("ACCORDS-LOCAUX", on: context.db)
            let party = try await RelyingParty.register(context) { $0.name = "Accords locaux" }
            let admin = context.browser()
            try await admin.signIn(DemoWorld.administratorEmail)
            let edit = try await admin.get(Paths.adminApplicationClient(accords.id!, party.clientID))
            #expect(edit.inputValue(named: "name") == "Accords locaux")
            let saved = try await admin.post(
                Paths.adminApplicationClient(accords.id!, party.clientID),
                [
                    ("name", "Accords locaux (recette)"), ("pkce", "1"),
                    ("redirectURIs", RelyingParty.defaultRedirectURI), ("postLogoutRedirectURIs", ""),
                    ("backchannelLogoutURI", ""), ("initiateLoginURI", "https://accords-locaux.ucanss.fr/login"),
                    ("algorithm", "RS256"), ("accessTokenSeconds", "300"), ("idTokenSeconds", "300"),
                    ("refreshTokenSeconds", "43200"), ("kind", "public"),
                ])
            #expect(saved.status == .seeOther)
            let list = try await admin.get(try #require(saved.location))
            #expect(list.contains("Accords locaux (recette)"))
            let client = try #require(try await context.app.portal.clients.find(party.clientID, on: context.db))
            #expect(client.initiateLoginURI == "https://accords-locaux.ucanss.fr/login")
            #expect(!client.isPublic, "the type stays as created")

            let rotated = try await admin.post(Paths.adminRotateClientSecret(accords.id!, party.clientID))
            #expect(rotated.contains("Nouveau secret du client"))
            let (old, body) = try await party.refresh("x")
            #expect(old.status == .unauthorized)
            #expect(body["error"] as? String == "invalid_client")

            let removed = try await admin.post(Paths.adminRemoveClient(accords.id!, party.clientID))
            #expect(try await admin.get(try #require(removed.location)).contains("Le client a été supprimé"))
            #expect(try await OIDCClient.query(on: context.db).count() == 0)
            let actions = try await context.auditActions()
            for action in ["oidc_client.updated", "oidc_client.secret_rotated", "oidc_client.removed"] {
                #expect(actions.contains(action), "\(action)")
            }
            // A client of another application is not reachable through this one's page.
            let greve = try await Given.application("GREVE", on: context.db)
            let other = try await RelyingParty.register(context, application: "GREVE")
            #expect(try await admin.get(Paths.adminApplicationClient(accords.id!, other.clientID)).status == .notFound)
            #expect(try await admin.get(Paths.adminApplicationClient(greve.id!, other.clientID)).status == .ok)
        }
    }

    @Test("in production a redirect URI must be https; elsewhere loopback http is allowed too, never another host")
    func httpsInProduction() {
        let production = ClientRegistry(
            clock: FixedClock(testEpoch), audit: AuditLog(clock: FixedClock(testEpoch)), requiresHTTPS: true)
        let development = ClientRegistry(
            clock: FixedClock(testEpoch), audit: AuditLog(clock: FixedClock(testEpoch)), requiresHTTPS: false)
        #expect(production.problem(with: "https://app.ucanss.fr/cb") == nil)
        #expect(production.problem(with: "http://127.0.0.1:8080/cb")?.contains("https://") == true)
        #expect(development.problem(with: "http://127.0.0.1:8080/cb") == nil)
        #expect(development.problem(with: "http://localhost/cb") == nil)
        #expect(development.problem(with: "http://app.ucanss.fr/cb")?.contains("https://") == true)
        #expect(development.problem(with: "https://app.ucanss.fr/cb#fragment")?.contains("fragment") == true)
        #expect(development.problem(with: "/relative") != nil)
        #expect(development.problem(with: "javascript:alert(1)") != nil)
    }
}
