import Fluent
import Foundation
import Testing
import Vapor

@testable import HabilisApp

/// The door of each application is the right decided in Habilis: checked after sign-in, on an existing session,
/// with prompt=none, at the code exchange and at every refresh.
@Suite("Single sign-on: no right, no token")
struct DoorTests {
    @Test("an agent without the right sees the door page with the request in one click, and gets no code")
    func closedDoorOffersTheRequest() async throws {
        try await withTestApp { context in
            let application = try await RelyingParty.register(context, application: "GREVE")
            let agent = context.browser()
            try await agent.signIn(DemoWorld.agentEmail)
            let door = try await agent.get(application.authorizePath())
            #expect(door.status == .forbidden)
            #expect(door.location == nil)
            #expect(door.contains("Vous n’avez pas d’habilitation pour l’application Grève"))
            #expect(door.html.contains("href=\"/applications/GREVE/demande\""))
            #expect(door.contains("Demander l’accès à l’application Grève"))
            #expect(try await OIDCAuthorizationCode.query(on: context.db).count() == 0)
            #expect(try await context.auditActions().contains("oidc.door_closed"))

            // The request made, the door page follows it and gives the date of its automatic acceptance.
            try await agent.get(Paths.requestAccess("GREVE"))
            try await agent.post(Paths.requestAccess("GREVE"), [("justification", "")])
            let pending = try await agent.get(application.authorizePath())
            #expect(pending.status == .forbidden)
            #expect(pending.contains("Votre demande d’accès est en cours de validation"))
            let request = try #require(try await Given.requests(of: DemoWorld.agentEmail, on: context.db).first)
            #expect(pending.contains("le \(ParisCalendar.longDate(request.dueAt))"))
            #expect(!pending.contains("Demander l’accès à l’application Grève"))
        }
    }

    @Test("prompt=none answers login_required to a visitor, access_denied without the right, a code with it")
    func promptNone() async throws {
        try await withTestApp { context in
            let open = try await RelyingParty.register(context)
            let closed = try await RelyingParty.register(context, application: "GREVE")
            let agent = context.browser()
            let visitor = try await agent.get(open.authorizePath([("prompt", "none")]))
            #expect(RelyingParty.parameters(of: visitor.location)["error"] == "login_required")
            #expect(RelyingParty.parameters(of: visitor.location)["state"] == "etat-123")
            try await agent.signIn(DemoWorld.agentEmail)
            let denied = try await agent.get(closed.authorizePath([("prompt", "none")]))
            #expect(denied.location?.hasPrefix(RelyingParty.defaultRedirectURI) == true)
            #expect(RelyingParty.parameters(of: denied.location)["error"] == "access_denied")
            let granted = try await agent.get(open.authorizePath([("prompt", "none")]))
            #expect(RelyingParty.parameters(of: granted.location)["code"] != nil)
        }
    }

    @Test("a right revoked after sign-in: the next refresh is invalid_grant and userinfo refuses the token")
    func revokedRightClosesTheDoor() async throws {
        try await withTestApp { context in
            let application = try await RelyingParty.register(context)
            let (agent, accessToken, refreshToken) = try await application.signedInTokens()
            let charenne = try await Given.agent(DemoWorld.agentEmail, on: context.db)
            try await context.sql.raw(
                "UPDATE grants SET revoked_at = \(bind: context.clock.now) WHERE agent_id = \(bind: charenne.id!)"
            ).run()

            let (refused, body) = try await application.refresh(refreshToken)
            #expect(refused.status == .badRequest)
            #expect(body["error"] as? String == "invalid_grant")
            let userinfo = try await context.browser().get(
                Paths.oidcUserinfo, headers: [("Authorization", "Bearer \(accessToken)")])
            #expect(userinfo.status == .unauthorized)
            #expect(userinfo.headers.first(name: .wwwAuthenticate)?.contains("error=\"invalid_token\"") == true)
            // Signed in still, the agent now meets the door.
            #expect(try await agent.get(application.authorizePath()).status == .forbidden)
        }
    }

    @Test("an inactive application and a disabled account are closed doors too")
    func inactiveApplicationAndDisabledAccount() async throws {
        try await withTestApp { context in
            let application = try await RelyingParty.register(context)
            let agent = context.browser()
            try await agent.signIn(DemoWorld.agentEmail)
            let code = try await application.code(for: agent)
            let accords = try await Given.application("ACCORDS-LOCAUX", on: context.db)
            accords.isActive = false
            try await accords.update(on: context.db)
            let (refused, body) = try await application.exchange(code)
            #expect(refused.status == .badRequest)
            #expect(body["error"] as? String == "invalid_grant")
            #expect(try await agent.get(application.authorizePath()).status == .forbidden)

            accords.isActive = true
            try await accords.update(on: context.db)
            let (_, tokens) = try await application.exchange(try await application.code(for: agent))
            let charenne = try await Given.agent(DemoWorld.agentEmail, on: context.db)
            charenne.status = .disabled
            try await charenne.update(on: context.db)
            let (afterDisable, disabledBody) = try await application.refresh(
                try #require(tokens["refresh_token"] as? String))
            #expect(afterDisable.status == .badRequest)
            #expect(disabledBody["error"] as? String == "invalid_grant")
        }
    }
}
