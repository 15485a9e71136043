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
            #expect(try await agent.get(Paths.home).html.contains("href=\"/applications/ACCORDS-LOCAUX/acces\""))
            let plain = try await agent.get(Paths.openApplication("ACCORDS-LOCAUX"))
            #expect(plain.status == .seeOther)
            #expect(plain.location == "https://accords-locaux.ucanss.fr/")
            _ = try await RelyingParty.register(context) {
                $0.initiateLoginURI = "https://accords-locaux.ucanss.fr/oidc/login"
            }
            let opened = try await agent.get(Paths.openApplication("ACCORDS-LOCAUX"))
            #expect(opened.status == .seeOther)
            #expect(
                opened.location
                    == "https://accords-locaux.ucanss.fr/oidc/login?iss=http%3A%2F%2F127.0.0.1%3A8080"
                    + "&login_hint=a.charenne%40lassuranceretraite.fr"
                    + "&target_link_uri=https%3A%2F%2Faccords-locaux.ucanss.fr%2F")
            #expect(try await agent.get(Paths.myRights).html.contains("href=\"/applications/ACCORDS-LOCAUX/acces\""))
        }
    }

    @Test("« Accéder à l'application » without a right shows the door; an unknown application is not found")
    func openWithoutRightShowsTheDoor() async throws {
        try await withTestApp { context in
            let agent = context.browser()
            try await agent.signIn(DemoWorld.agentEmail)
            let door = try await agent.get(Paths.openApplication("GREVE"))
            #expect(door.status == .forbidden)
            #expect(door.contains("Vous n’avez pas d’habilitation pour l’application Grève"))
            #expect(door.html.contains("href=\"/applications/GREVE/demande\""))
            #expect(try await agent.get(Paths.openApplication("INCONNUE")).status == .notFound)
            let visitor = context.browser()
            let hostile = try await visitor.get(Paths.openApplication(String(repeating: "A", count: 5_000)))
            #expect(hostile.status == .notFound)
            #expect(visitor.cookies.keys.allSatisfy { !$0.contains("return") })
        }
    }

    @Test("the acceptance mail leads back into the application, through the sign-in when signed out")
    func acceptanceMailLeadsIntoTheApplication() async throws {
        try await withTestApp { context in
            _ = try await RelyingParty.register(context, application: "GREVE") {
                $0.initiateLoginURI = "https://greve.ucanss.fr/oidc/login"
            }
            let agent = context.browser()
            try await agent.signIn(DemoWorld.agentEmail)
            try await agent.get(Paths.requestAccess("GREVE"))
            try await agent.post(Paths.requestAccess("GREVE"), [("justification", "")])
            let request = try #require(try await Given.requests(of: DemoWorld.agentEmail, on: context.db).first)
            try await agent.post(Paths.signOut)

            let marie = context.browser()
            try await marie.signIn(DemoWorld.correspondentEmail)
            try await marie.get(Paths.requestToDecide(request.id!))
            try await marie.post(Paths.decideRequest(request.id!), [("decision", "accepter"), ("motif", "")])
            let mail = try #require(
                try await context.deliverMail().first {
                    $0.recipient == DemoWorld.agentEmail && $0.subject.hasPrefix("Votre demande d’accès à Grève")
                })
            let link = try #require(mail.link(startingWith: "http://127.0.0.1:8080/applications/"))
            #expect(link == "http://127.0.0.1:8080/applications/GREVE/acces")
            let agentID = try #require(try await Given.agent(DemoWorld.agentEmail, on: context.db).id)
            let notifications = try await Notification.query(on: context.db).filter(\.$agent.$id == agentID).all()
            #expect(notifications.map(\.link) == [Paths.openApplication("GREVE")])

            // Signed out, the link goes through the sign-in and comes back to open the application.
            let path = String(link.dropFirst("http://127.0.0.1:8080".count))
            let toSignIn = try await agent.get(path)
            #expect(toSignIn.status == .seeOther)
            #expect(toSignIn.location == Paths.signIn)
            try await agent.get(Paths.signIn)
            try await agent.post(Paths.signIn, [("email", DemoWorld.agentEmail)])
            let signedIn = try await agent.post(
                Paths.signInPassword, [("email", DemoWorld.agentEmail), ("password", demoPassword)])
            #expect(signedIn.contains("Retour à l’application"))
            #expect(signedIn.html.contains("url=/applications/GREVE/acces"))
            let opened = try await agent.get(path)
            #expect(opened.status == .seeOther)
            #expect(opened.location?.hasPrefix("https://greve.ucanss.fr/oidc/login?iss=") == true)
        }
    }

    @Test("a sign-in goes back only to this portal's authorization requests and application doors")
    func signInReturnPaths() {
        #expect(SignInReturn.isReturnPath("/applications/GREVE/acces"))
        #expect(SignInReturn.isReturnPath("/oidc/authorize?client_id=x"))
        #expect(!SignInReturn.isReturnPath("//evil.example/applications/GREVE/acces"))
        #expect(!SignInReturn.isReturnPath("/applications/GREVE/acces?next=https://evil.example"))
        #expect(!SignInReturn.isReturnPath("/applications//acces"))
        #expect(!SignInReturn.isReturnPath("https://evil.example/"))
        #expect(!SignInReturn.isReturnPath("/applications/GREVE/demande"))
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
