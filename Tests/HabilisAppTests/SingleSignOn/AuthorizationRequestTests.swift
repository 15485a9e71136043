import Fluent
import Foundation
import Testing
import Vapor

@testable import HabilisApp

/// The authorization endpoint facing malformed, repeated, oversized and unsupported parameters, and the requests
/// of the OpenID Foundation's Basic OP plan that ask for a new sign-in (prompt=login, max_age, id_token_hint).
@Suite("Single sign-on: the authorization request")
struct AuthorizationRequestTests {
    @Test(
        "an unknown client or a redirect URI not registered exactly gives Habilis's error page, never a redirect",
        arguments: [
            ("client_id", "inconnu"), ("redirect_uri", "http://127.0.0.1:9999/Callback"),
            ("redirect_uri", "http://127.0.0.1:9999/callback/"), ("redirect_uri", "http://127.0.0.1:9999/callback#x"),
            ("redirect_uri", "https://evil.example/callback"), ("redirect_uri", nil), ("client_id", nil),
        ])
    func untrustedRequestsStayHere(name: String, value: String?) async throws {
        try await withTestApp { context in
            let application = try await RelyingParty.register(context)
            let agent = context.browser()
            try await agent.signIn(DemoWorld.agentEmail)
            let page = try await agent.get(application.authorizePath([(name, value)]))
            #expect(page.status == .badRequest)
            #expect(page.location == nil)
            #expect(page.contains("Connexion à l’application impossible"))
        }
    }

    @Test("a parameter given twice, invalid UTF-8 or a 100 KB state never redirect nor fail")
    func hostileParameters() async throws {
        try await withTestApp { context in
            let application = try await RelyingParty.register(context)
            let agent = context.browser()
            try await agent.signIn(DemoWorld.agentEmail)
            let path = application.authorizePath()
            let twiceRedirect = try await agent.get(path + "&redirect_uri=https%3A%2F%2Fevil.example%2F")
            #expect(twiceRedirect.status == .badRequest)
            #expect(twiceRedirect.location == nil)
            let invalidUTF8 = try await agent.get(path + "&nonce=%C3%28")
            #expect(invalidUTF8.status == .badRequest)
            let hugeState = try await agent.get(
                application.authorizePath([("state", String(repeating: "s", count: 100_000))]))
            #expect(hugeState.status == .badRequest)
            #expect(hugeState.location == nil)
            // Once the redirect URI is trusted, a repeated parameter goes back to the client as invalid_request.
            let twiceScope = try await agent.get(path + "&scope=openid")
            #expect(twiceScope.status == .found)
            #expect(RelyingParty.parameters(of: twiceScope.location)["error"] == "invalid_request")
            #expect(try await OIDCAuthorizationCode.query(on: context.db).count() == 0)
        }
    }

    @Test(
        "unsupported requests go back to the client with the error the specifications name",
        arguments: [
            ([("response_type", "token")], "unsupported_response_type"),
            ([("response_type", "code id_token")], "unsupported_response_type"),
            ([("response_type", nil)], "invalid_request"),
            ([("scope", "profile email")], "invalid_scope"),
            ([("request", "eyJhbGciOiJub25lIn0.e30.")], "request_not_supported"),
            ([("request_uri", "https://evil.example/r")], "request_uri_not_supported"),
            ([("code_challenge_method", "plain")], "invalid_request"),
            ([("prompt", "none login")], "invalid_request"),
            ([("max_age", "-1")], "invalid_request"),
            ([("response_mode", "fragment")], "invalid_request"),
        ] as [([(String, String?)], String)])
    func unsupportedRequests(extra: [(String, String?)], error: String) async throws {
        try await withTestApp { context in
            let application = try await RelyingParty.register(context)
            let agent = context.browser()
            try await agent.signIn(DemoWorld.agentEmail)
            let answer = try await agent.get(application.authorizePath(extra))
            #expect(answer.status == .found)
            #expect(answer.location?.hasPrefix(RelyingParty.defaultRedirectURI + "?") == true)
            let returned = RelyingParty.parameters(of: answer.location)
            #expect(returned["error"] == error)
            #expect(returned["state"] == "etat-123")
            #expect(returned["code"] == nil)
        }
    }

    @Test("PKCE is mandatory for a public client and, by default, for a confidential one; a client may opt out")
    func pkceRequired() async throws {
        try await withTestApp { context in
            let publicClient = try await RelyingParty.register(context, isPublic: true)
            let confidential = try await RelyingParty.register(context)
            let legacy = try await RelyingParty.register(context) { $0.requiresPKCE = false }
            let agent = context.browser()
            try await agent.signIn(DemoWorld.agentEmail)
            for client in [publicClient, confidential] {
                let answer = try await agent.get(client.authorizePath(pkce: false))
                #expect(RelyingParty.parameters(of: answer.location)["error"] == "invalid_request")
            }
            let answer = try await agent.get(legacy.authorizePath(pkce: false))
            let code = try #require(RelyingParty.parameters(of: answer.location)["code"])
            let (exchanged, _) = try await legacy.token([
                ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", legacy.redirectURI),
            ])
            #expect(exchanged.status == .ok)
        }
    }

    @Test("prompt=login asks a signed-in agent to sign in again; the new session replaces the old one")
    func promptLogin() async throws {
        try await withTestApp { context in
            let application = try await RelyingParty.register(context)
            let agent = context.browser()
            try await agent.signIn(DemoWorld.agentEmail)
            context.clock.advance(by: 600)
            let answer = try await agent.get(application.authorizePath([("prompt", "login")]))
            #expect(answer.location == Paths.signIn + "?reauthentification=1")
            let form = try await agent.get(try #require(answer.location))
            #expect(form.status == .ok)
            try await agent.post(Paths.signIn, [("email", DemoWorld.agentEmail)])
            let signedIn = try await agent.post(
                Paths.signInPassword, [("email", DemoWorld.agentEmail), ("password", demoPassword)])
            #expect(signedIn.status == .ok)
            #expect(signedIn.contains("Continuer vers l’application"))
            let back = try #require(RelyingParty.continuation(of: signedIn))
            #expect(!back.contains("prompt=login"))
            let code = try #require(RelyingParty.parameters(of: try await agent.get(back).location)["code"])
            let claims = jwtParts(try #require(try await application.exchange(code).1["id_token"] as? String)).claims
            #expect(claims["auth_time"] as? Int == Int(context.clock.now.timeIntervalSince1970))
            #expect(try await UserSession.query(on: context.db).count() == 1)
        }
    }

    @Test("max_age: a recent sign-in passes, an older one is asked again; prompt=none then says login_required")
    func maxAge() async throws {
        try await withTestApp { context in
            let application = try await RelyingParty.register(context)
            let agent = context.browser()
            try await agent.signIn(DemoWorld.agentEmail)
            context.clock.advance(by: 120)
            #expect(
                RelyingParty.parameters(
                    of: try await agent.get(application.authorizePath([("max_age", "600")])).location)["code"] != nil)
            let again = try await agent.get(application.authorizePath([("max_age", "60")]))
            #expect(again.location == Paths.signIn + "?reauthentification=1")
            let silent = try await agent.get(application.authorizePath([("max_age", "60"), ("prompt", "none")]))
            #expect(RelyingParty.parameters(of: silent.location)["error"] == "login_required")
        }
    }

    @Test("an id_token_hint naming someone else asks for a sign-in; one naming the agent passes")
    func idTokenHint() async throws {
        try await withTestApp { context in
            let application = try await RelyingParty.register(context)
            let agent = context.browser()
            try await agent.signIn(DemoWorld.agentEmail)
            let (_, tokens) = try await application.exchange(try await application.code(for: agent))
            let hint = try #require(tokens["id_token"] as? String)
            let same = try await agent.get(application.authorizePath([("id_token_hint", hint), ("prompt", "none")]))
            #expect(RelyingParty.parameters(of: same.location)["code"] != nil)

            let other = context.browser()
            try await other.signIn(DemoWorld.correspondentEmail)
            let mismatch = try await other.get(
                application.authorizePath([("id_token_hint", hint), ("prompt", "none")]))
            #expect(RelyingParty.parameters(of: mismatch.location)["error"] == "login_required")
            let forged = try await agent.get(
                application.authorizePath([("id_token_hint", hint + "x"), ("prompt", "none")]))
            #expect(RelyingParty.parameters(of: forged.location)["error"] == "login_required")
        }
    }

    @Test("display, ui_locales, acr_values and unknown parameters are accepted and change nothing")
    func ignoredParameters() async throws {
        try await withTestApp { context in
            let application = try await RelyingParty.register(context)
            let agent = context.browser()
            try await agent.signIn(DemoWorld.agentEmail)
            let answer = try await agent.get(
                application.authorizePath([
                    ("display", "page"), ("ui_locales", "fr-FR en"), ("acr_values", "1 2"), ("inconnu", "valeur"),
                    ("claims_locales", "fr"),
                ]))
            #expect(RelyingParty.parameters(of: answer.location)["code"] != nil)
        }
    }
}
