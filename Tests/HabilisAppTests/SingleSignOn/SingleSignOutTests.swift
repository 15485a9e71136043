import Fluent
import Foundation
import Testing
import Vapor

@testable import HabilisApp

/// When a session, a right or an account ends, the applications' sign-ins end with it, and each client with a
/// back-channel logout URI is told; RP-initiated logout ends the Habilis session.
@Suite("Single sign-on: sign-out everywhere")
struct SingleSignOutTests {
    /// Nothing listens there: the connection is refused at once.
    static let backchannel = "http://127.0.0.1:\(HabilisBinary.freePort())/backchannel"

    /// A signed-in agent with tokens from a client that listens for back-channel logouts.
    static func signedIntoApplication(_ context: TestContext) async throws -> (TestBrowser, RelyingParty, String) {
        let application = try await RelyingParty.register(context) {
            $0.backchannelLogoutURI = backchannel
            $0.postLogoutRedirectURIs = ["http://127.0.0.1:9999/au-revoir"]
        }
        let (agent, _, refreshToken) = try await application.signedInTokens()
        return (agent, application, refreshToken)
    }

    @Test("signing out of Habilis ends the application's sign-in and queues one logout token for it")
    func signOutEverywhere() async throws {
        try await withTestApp { context in
            let (agent, application, refreshToken) = try await Self.signedIntoApplication(context)
            let signIn = try #require(try await ApplicationSignIn.query(on: context.db).first())
            try await agent.post(Paths.signOut)
            #expect(try await application.refresh(refreshToken).1["error"] as? String == "invalid_grant")
            let queued = try await BackchannelLogout.query(on: context.db).all()
            #expect(queued.count == 1)
            #expect(queued.first?.signInID == signIn.id)
            #expect(queued.first?.status == .pending)
            #expect(try await context.auditActions().contains("oidc.sign_in_revoked"))
        }
    }

    @Test("a code issued before the agent signed out gives no tokens: its session has ended")
    func codeOfAnEndedSession() async throws {
        try await withTestApp { context in
            let application = try await RelyingParty.register(context)
            let agent = context.browser()
            try await agent.signIn(DemoWorld.agentEmail)
            let code = try await application.code(for: agent)
            try await agent.post(Paths.signOut)
            let (answer, body) = try await application.exchange(code)
            #expect(answer.status == .badRequest)
            #expect(body["error"] as? String == "invalid_grant")
            #expect(body["access_token"] == nil)
            #expect(try await ApplicationSignIn.query(on: context.db).count() == 0)

            // The same agent signed in again: a fresh code works.
            try await agent.signIn(DemoWorld.agentEmail)
            #expect(try await application.exchange(try await application.code(for: agent)).0.status == .ok)
        }
    }

    @Test("a right ended while its code is exchanged: no sign-in outlives it without a logout token")
    func rightEndedDuringExchange() async throws {
        try await withTestApp { context in
            let application = try await RelyingParty.register(context) { $0.backchannelLogoutURI = Self.backchannel }
            let agent = context.browser()
            try await agent.signIn(DemoWorld.agentEmail)
            let charenne = try await Given.agent(DemoWorld.agentEmail, on: context.db)
            let accords = try await Given.application("ACCORDS-LOCAUX", on: context.db)
            let services = context.app.portal.accessRequests
            let actor = AccessRequestService.RightActor(
                context: AuditContext(actorID: nil, ip: nil), agentID: nil, name: "Essai")
            for _ in 0..<8 {
                let code = try await application.code(for: agent)
                let grant = try #require(
                    try await Grant.query(on: context.db).filter(\.$agent.$id == charenne.id!)
                        .filter(\.$application.$id == accords.id!).filter(\.$revokedAt == nil).first())
                async let exchanged = application.exchange(code)
                async let ended = context.db.atomically { transaction in
                    try await services.endRight(
                        grant.id!, of: charenne, on: accords, reason: "Essai", by: actor, on: transaction)
                }
                _ = try await (exchanged, ended)
                // Whichever came first, the application holds no sign-in it will not be told about.
                let standing = try await ApplicationSignIn.query(on: context.db).filter(\.$revokedAt == nil).count()
                #expect(standing == 0)
                let revoked = try await ApplicationSignIn.query(on: context.db).filter(\.$revokedAt != nil).count()
                #expect(try await BackchannelLogout.query(on: context.db).count() == revoked)
                try await context.db.atomically { transaction in
                    _ = try await services.grantDirectly(
                        accords, to: charenne, by: actor, accepting: nil, on: transaction)
                }
            }
        }
    }

    @Test("ending the other sessions from « Mes sessions », then withdrawing the right: each ends the sign-ins")
    func otherEnds() async throws {
        try await withTestApp { context in
            // « Fermer les autres sessions » from a second browser.
            let (_, application, first) = try await Self.signedIntoApplication(context)
            let elsewhere = context.browser()
            try await elsewhere.signIn(DemoWorld.agentEmail)
            try await elsewhere.get(Paths.mySessions)
            try await elsewhere.post(Paths.endMyOtherSessions)
            #expect(try await application.refresh(first).1["error"] as? String == "invalid_grant")

            // The right withdrawn by the correspondent.
            let (_, tokens) = try await application.exchange(try await application.code(for: elsewhere))
            let second = try #require(tokens["refresh_token"] as? String)
            let charenne = try await Given.agent(DemoWorld.agentEmail, on: context.db)
            let grant = try #require(try await Grant.query(on: context.db).filter(\.$agent.$id == charenne.id!).first())
            let marie = context.browser()
            try await marie.signIn(DemoWorld.correspondentEmail)
            try await marie.get(Paths.agentRights(charenne.id!))
            try await marie.post(Paths.revokeGrant(grant.id!), [("motif", "Changement de service")])
            #expect(try await ApplicationSignIn.query(on: context.db).filter(\.$revokedAt == nil).count() == 0)
            #expect(try await BackchannelLogout.query(on: context.db).count() == 2)
            #expect(try await application.refresh(second).1["error"] as? String == "invalid_grant")
        }
    }

    @Test("an administrator disabling the account ends its sign-ins")
    func disabledAccount() async throws {
        try await withTestApp { context in
            let (_, application, refreshToken) = try await Self.signedIntoApplication(context)
            let charenne = try await Given.agent(DemoWorld.agentEmail, on: context.db)
            let admin = context.browser()
            try await admin.signIn(DemoWorld.administratorEmail)
            try await admin.get(Paths.adminAgent(charenne.id!))
            try await admin.post(Paths.adminAgentStatus(charenne.id!), [("action", "desactiver")])
            #expect(try await Agent.find(charenne.id, on: context.db)?.status == .disabled)
            #expect(try await ApplicationSignIn.query(on: context.db).filter(\.$revokedAt == nil).count() == 0)
            #expect(try await application.refresh(refreshToken).1["error"] as? String == "invalid_grant")
            #expect(try await BackchannelLogout.query(on: context.db).count() == 1)
        }
    }

    @Test("a client that does not answer: the logout token is retried later, then marked failed after 8 tries")
    func deliveryRetries() async throws {
        try await withTestApp { context in
            let (agent, _, _) = try await Self.signedIntoApplication(context)
            try await agent.post(Paths.signOut)
            let portal = context.app.portal
            func deliver() async throws -> Int {
                try await portal.provider.signOut.deliverDue(
                    with: context.app.client, keys: portal.signingKeys, issuer: portal.provider.issuer, on: context.db,
                    timeout: .milliseconds(300))
            }
            #expect(try await deliver() == 0)
            var logout = try #require(try await BackchannelLogout.query(on: context.db).first())
            #expect(logout.status == .pending)
            #expect(logout.attempts == 1)
            #expect(logout.lastError != nil)
            #expect(logout.nextAttemptAt == context.clock.now.addingTimeInterval(30))
            #expect(try await deliver() == 0, "not due yet")
            for _ in 0..<7 {
                context.clock.advance(by: 3601)
                _ = try await deliver()
            }
            logout = try #require(try await BackchannelLogout.query(on: context.db).first())
            #expect(logout.attempts == 8)
            #expect(logout.status == .failed)
        }
    }

    @Test("RP-initiated logout: a hint naming the agent ends the session and returns to a registered URI only")
    func rpInitiatedLogout() async throws {
        try await withTestApp { context in
            let (agent, application, _) = try await Self.signedIntoApplication(context)
            let (_, tokens) = try await application.exchange(try await application.code(for: agent))
            let hint = try #require(tokens["id_token"] as? String)
            let unregistered = try await agent.get(
                Paths.oidcLogout.adding([
                    ("id_token_hint", hint), ("post_logout_redirect_uri", "https://evil.example/"),
                ]))
            #expect(unregistered.status == .badRequest)
            #expect(unregistered.location == nil)
            #expect(try await UserSession.query(on: context.db).count() == 1)

            let forged = try await agent.get(Paths.oidcLogout.adding([("id_token_hint", hint + "x")]))
            #expect(forged.status == .badRequest)

            let done = try await agent.get(
                Paths.oidcLogout.adding([
                    ("id_token_hint", hint), ("post_logout_redirect_uri", "http://127.0.0.1:9999/au-revoir"),
                    ("state", "s-1"),
                ]))
            #expect(done.status == .found)
            #expect(done.location == "http://127.0.0.1:9999/au-revoir?state=s-1")
            #expect(try await UserSession.query(on: context.db).count() == 0)
            #expect(try await context.auditActions().contains("oidc.logged_out"))
        }
    }

    @Test("without a hint naming the agent, Habilis asks first; only the agent's own answer signs out")
    func logoutAsksFirst() async throws {
        try await withTestApp { context in
            let (agent, application, _) = try await Self.signedIntoApplication(context)
            let question = try await agent.get(Paths.oidcLogout.adding([("client_id", application.clientID)]))
            #expect(question.status == .ok)
            #expect(question.contains("Voulez-vous vous déconnecter ?"))
            #expect(try await UserSession.query(on: context.db).count() == 1)
            // Another site posting the answer has no form token.
            let forgedAnswer = try await context.browser().post(
                Paths.oidcLogout, [("confirmation", "1"), ("client_id", application.clientID)], csrf: "x")
            #expect(forgedAnswer.status == .found)
            #expect(try await UserSession.query(on: context.db).count() == 1)
            let answered = try await agent.post(
                Paths.oidcLogout, [("confirmation", "1"), ("client_id", application.clientID)])
            #expect(answered.contains("Vous êtes déconnecté"))
            #expect(RelyingParty.continuation(of: answered) == Paths.signIn + "?message=deconnecte")
            #expect(try await UserSession.query(on: context.db).count() == 0)
        }
    }
}
