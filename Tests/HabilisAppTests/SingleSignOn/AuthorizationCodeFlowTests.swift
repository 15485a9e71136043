import Foundation
import JWTKit
import Testing
import Vapor

@testable import HabilisApp

/// The authorization code flow as an application sees it: discovery, the code, the tokens and their claims,
/// userinfo, and signatures checked against the published JWKS.
@Suite("Single sign-on: the authorization code flow")
struct AuthorizationCodeFlowTests {
    /// A payload read by jwt-kit from the JWKS, as a relying party's library would.
    struct AnyClaims: JWTPayload {
        let sub: String
        let aud: String
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    @Test("discovery names the issuer and exactly the endpoints, flows and methods supported")
    func discovery() async throws {
        try await withTestApp { context in
            let answer = try await context.browser().get(Paths.openIDConfiguration)
            #expect(answer.status == .ok)
            #expect(answer.headers.contentType == .json)
            let metadata = try #require(
                try JSONSerialization.jsonObject(with: Data(answer.html.utf8)) as? [String: Any])
            let issuer = context.app.settings.baseURL
            #expect(metadata["issuer"] as? String == issuer)
            #expect(metadata["authorization_endpoint"] as? String == issuer + "/oidc/authorize")
            #expect(metadata["token_endpoint"] as? String == issuer + "/oidc/token")
            #expect(metadata["userinfo_endpoint"] as? String == issuer + "/oidc/userinfo")
            #expect(metadata["jwks_uri"] as? String == issuer + "/oidc/jwks")
            #expect(metadata["response_types_supported"] as? [String] == ["code"])
            #expect(
                metadata["grant_types_supported"] as? [String] == [
                    "authorization_code", "refresh_token", "client_credentials",
                ])
            #expect(metadata["code_challenge_methods_supported"] as? [String] == ["S256"])
            #expect(
                metadata["token_endpoint_auth_methods_supported"] as? [String]
                    == ["client_secret_basic", "client_secret_post", "none"])
            #expect(metadata["id_token_signing_alg_values_supported"] as? [String] == ["RS256", "ES256"])
            #expect(metadata["request_parameter_supported"] as? Bool == false)
            #expect((metadata["claims_supported"] as? [String])?.contains("roles") == true)
        }
    }

    @Test("a signed-in agent with the right gets a code, then tokens whose claims name it and only this application")
    func codeFlow() async throws {
        try await withTestApp { context in
            // A second right, on another application, must not appear in this application's tokens.
            let charenne = try await Given.agent(DemoWorld.agentEmail, on: context.db)
            let other = try await Given.application("DROIT-SYNDICAL", on: context.db)
            try await Grant(
                agentID: charenne.id!, applicationID: other.id!, grantedAt: context.clock.now, grantedByID: nil,
                accessRequestID: nil
            ).create(on: context.db)
            let application = try await RelyingParty.register(context)
            let agent = context.browser()
            try await agent.signIn(DemoWorld.agentEmail)

            let authorization = try await agent.get(application.authorizePath())
            #expect(authorization.status == .found)
            let redirect = try #require(authorization.location)
            #expect(redirect.hasPrefix(RelyingParty.defaultRedirectURI + "?"))
            let returned = RelyingParty.parameters(of: redirect)
            #expect(returned["state"] == "etat-123")
            #expect(returned["iss"] == context.app.settings.baseURL)
            let code = try #require(returned["code"])

            let (answer, tokens) = try await application.exchange(code)
            #expect(answer.status == .ok, "\(answer.html)")
            #expect(answer.headers.first(name: .cacheControl) == "no-store")
            #expect(tokens["token_type"] as? String == "Bearer")
            #expect(tokens["expires_in"] as? Int == 300)
            let idToken = try #require(tokens["id_token"] as? String)
            let (header, claims) = jwtParts(idToken)
            #expect(header["alg"] as? String == "RS256")
            #expect(header["kid"] as? String != nil)
            #expect(claims["iss"] as? String == context.app.settings.baseURL)
            #expect(claims["aud"] as? String == application.clientID)
            #expect(claims["sub"] as? String == charenne.id!.uuidString.lowercased())
            #expect(claims["nonce"] as? String == "nonce-456")
            #expect(claims["email"] as? String == DemoWorld.agentEmail)
            #expect(claims["email_verified"] as? Bool == true)
            #expect(claims["given_name"] as? String == "Aristide")
            #expect(claims["family_name"] as? String == "Charenne")
            #expect(claims["roles"] as? [String] == ["CONSULTATION"])
            #expect(claims["amr"] as? [String] == ["pwd"])
            #expect(claims["auth_time"] as? Int == Int(context.clock.now.timeIntervalSince1970))
            let organisation = try #require(claims["habilis_organisation"] as? [String: String])
            #expect(organisation == ["code": "CARSAT-RA", "name": "CARSAT Rhône-Alpes"])

            let accessToken = try #require(tokens["access_token"] as? String)
            let access = jwtParts(accessToken)
            #expect(access.header["typ"] as? String == "at+jwt")
            #expect(access.claims["client_id"] as? String == application.clientID)
            #expect(access.claims["roles"] as? [String] == ["CONSULTATION"])

            // A relying party's library checks both signatures against the published keys.
            let jwks = try await context.browser().get(Paths.oidcJWKS)
            let keys = try await JWTKeyCollection().add(jwksJSON: jwks.html)
            #expect(try await keys.verify(idToken, as: AnyClaims.self).aud == application.clientID)
            #expect(try await keys.verify(accessToken, as: AnyClaims.self).sub == charenne.id!.uuidString.lowercased())

            let userinfo = try await context.browser().get(
                Paths.oidcUserinfo, headers: [("Authorization", "Bearer \(accessToken)")])
            #expect(userinfo.status == .ok)
            let info = try #require(try JSONSerialization.jsonObject(with: Data(userinfo.html.utf8)) as? [String: Any])
            #expect(info["sub"] as? String == charenne.id!.uuidString.lowercased())
            #expect(info["roles"] as? [String] == ["CONSULTATION"])
            #expect(info["email"] as? String == DemoWorld.agentEmail)
            let posted = try await context.browser().post(Paths.oidcUserinfo, [("access_token", accessToken)])
            #expect(posted.status == .ok)

            let actions = try await context.auditActions()
            #expect(actions.contains("oidc.authorized"))
            #expect(actions.contains("oidc.tokens_issued"))
        }
    }

    @Test("an agent who is not signed in goes through the sign-in pages and comes back to the application")
    func signInThenBack() async throws {
        try await withTestApp { context in
            let application = try await RelyingParty.register(context)
            let agent = context.browser()
            let first = try await agent.get(
                application.authorizePath([("login_hint", DemoWorld.agentEmail)]))
            #expect(first.status == .found)
            #expect(first.location == Paths.signIn + "?login_hint=a.charenne%40lassuranceretraite.fr")
            let form = try await agent.get(try #require(first.location))
            #expect(form.inputValue(named: "email") == DemoWorld.agentEmail)
            try await agent.post(Paths.signIn, [("email", DemoWorld.agentEmail)])
            let signedIn = try await agent.post(
                Paths.signInPassword, [("email", DemoWorld.agentEmail), ("password", demoPassword)])
            #expect(signedIn.status == .ok)
            #expect(signedIn.contains("Continuer vers l’application"))
            let back = try #require(RelyingParty.continuation(of: signedIn))
            #expect(back.hasPrefix(Paths.oidcAuthorize + "?"))
            let authorization = try await agent.get(back)
            let code = try #require(RelyingParty.parameters(of: authorization.location)["code"])
            #expect(RelyingParty.parameters(of: authorization.location)["state"] == "etat-123")
            #expect(try await application.exchange(code).0.status == .ok)
        }
    }

    @Test("after the second factor the tokens say pwd, otp and mfa")
    func secondFactorAMR() async throws {
        try await withTestApp { context in
            let application = try await RelyingParty.register(context)
            let (agent, key) = try await SecondFactorTests().enable(DemoWorld.agentEmail, context)
            try await agent.post(Paths.signOut)
            // The next step's code: the one used for the set-up cannot be used twice.
            context.clock.advance(by: 30)
            try await agent.get(application.authorizePath())
            try await agent.get(Paths.signIn)
            try await agent.post(Paths.signIn, [("email", DemoWorld.agentEmail)])
            try await agent.post(Paths.signInPassword, [("email", DemoWorld.agentEmail), ("password", demoPassword)])
            let code = try await agent.post(
                Paths.signInCode, [("code", SecondFactorTests.code(for: key, at: context.clock.now))])
            let back = try #require(RelyingParty.continuation(of: code))
            #expect(back.hasPrefix(Paths.oidcAuthorize + "?"))
            let authorization = try await agent.get(back)
            let (_, tokens) = try await application.exchange(
                try #require(RelyingParty.parameters(of: authorization.location)["code"]))
            let claims = jwtParts(try #require(tokens["id_token"] as? String)).claims
            #expect(claims["amr"] as? [String] == ["pwd", "otp", "mfa"])
        }
    }
}
