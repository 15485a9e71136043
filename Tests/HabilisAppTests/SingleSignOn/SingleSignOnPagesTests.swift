import Fluent
import Foundation
import Testing
import Vapor

@testable import HabilisApp

/// What agents and administrators see of single sign-on in the portal's own pages.
@Suite("Single sign-on in the portal's pages")
struct SingleSignOnPagesTests {
    @Test("« Accéder à l'application » starts a third-party-initiated login when the client has an initiate-login URI")
    func catalogueStartsTheLogin() async throws {
        try await withTestApp { context in
            let agent = context.browser()
            try await agent.signIn(DemoWorld.agentEmail)
            #expect(try await agent.get(Paths.home).html.contains("href=\"https://accords-locaux.ucanss.fr/\""))
            _ = try await RelyingParty.register(context) {
                $0.initiateLoginURI = "https://accords-locaux.ucanss.fr/oidc/login"
            }
            let catalogue = try await agent.get(Paths.home)
            let expected =
                "https://accords-locaux.ucanss.fr/oidc/login?iss=http%3A%2F%2F127.0.0.1%3A8080"
                + "&amp;login_hint=a.charenne%40lassuranceretraite.fr"
                + "&amp;target_link_uri=https%3A%2F%2Faccords-locaux.ucanss.fr%2F"
            #expect(catalogue.html.contains("href=\"\(expected)\""), "\(catalogue.html)")
        }
    }

    @Test("« Mes sessions » lists the applications each session is signed into")
    func mySessionsShowsApplications() async throws {
        try await withTestApp { context in
            let application = try await RelyingParty.register(context)
            let agent = context.browser()
            try await agent.signIn(DemoWorld.agentEmail)
            #expect(try await agent.get(Paths.mySessions).contains("aucune"))
            _ = try await application.exchange(try await application.code(for: agent))
            let page = try await agent.get(Paths.mySessions)
            #expect(page.contains("Applications connectées"))
            #expect(page.contains("Accords locaux"))
        }
    }

    @Test("administrators see the back-channel logouts no application accepted")
    func failedLogoutsShown() async throws {
        try await withTestApp { context in
            let agent = context.browser()
            try await agent.signIn(DemoWorld.agentEmail)
            let application = try await RelyingParty.register(context) {
                $0.name = "Accords locaux — serveur 2"
                $0.backchannelLogoutURI = "https://accords-locaux.ucanss.fr/logout"
            }
            _ = try await application.exchange(try await application.code(for: agent))
            try await agent.post(Paths.signOut)
            try await context.sql.raw(
                "UPDATE backchannel_logouts SET status = 'failed', attempts = 8, last_error = 'refused'"
            ).run()
            let admin = context.browser()
            try await admin.signIn(DemoWorld.administratorEmail)
            let page = try await admin.get(Paths.adminFailedMails)
            #expect(page.contains("Déconnexions d’applications en échec"))
            #expect(page.contains("Accords locaux — serveur 2"))
            #expect(page.contains("https://accords-locaux.ucanss.fr/logout"))
        }
    }
}
