import Fluent
import Foundation
import Testing
import Vapor

@testable import HabilisApp

/// The token endpoint's rules: client authentication, single-use codes bound to client, redirect URI and PKCE,
/// rotated refresh tokens whose reuse revokes the sign-in, and the errors RFC 6749 §5.2 names.
@Suite("Single sign-on: the token endpoint")
struct TokenEndpointTests {
    @Test("a code works once; the second exchange is invalid_grant and revokes the tokens of the first")
    func codeReuseRevokes() async throws {
        try await withTestApp { context in
            let application = try await RelyingParty.register(context)
            let agent = context.browser()
            try await agent.signIn(DemoWorld.agentEmail)
            let code = try await application.code(for: agent)
            let (first, tokens) = try await application.exchange(code)
            #expect(first.status == .ok)
            let (second, body) = try await application.exchange(code)
            #expect(second.status == .badRequest)
            #expect(body["error"] as? String == "invalid_grant")
            let (refresh, refreshBody) = try await application.refresh(try #require(tokens["refresh_token"] as? String))
            #expect(refresh.status == .badRequest)
            #expect(refreshBody["error"] as? String == "invalid_grant")
            let userinfo = try await context.browser().get(
                Paths.oidcUserinfo,
                headers: [("Authorization", "Bearer \(try #require(tokens["access_token"] as? String))")])
            #expect(userinfo.status == .unauthorized)
            #expect(try await context.auditActions().contains("oidc.code_reused"))
        }
    }

    @Test("two exchanges at once with one code: whichever wins, no token of that code stays valid")
    func concurrentCodeExchanges() async throws {
        try await withTestApp { context in
            let application = try await RelyingParty.register(context)
            let agent = context.browser()
            try await agent.signIn(DemoWorld.agentEmail)
            // Several rounds: the second exchange can arrive before, during or after the first one's writes.
            for _ in 0..<8 {
                let code = try await application.code(for: agent)
                async let first = application.exchange(code)
                async let second = application.exchange(code)
                let answers = [try await first, try await second]
                #expect(answers.filter { $0.1["error"] as? String == "invalid_grant" }.count >= 1)
                for (answer, tokens) in answers where answer.status == .ok {
                    let refresh = try #require(tokens["refresh_token"] as? String)
                    #expect(try await application.refresh(refresh).1["error"] as? String == "invalid_grant")
                }
            }
            #expect(try await ApplicationSignIn.query(on: context.db).filter(\.$revokedAt == nil).count() == 0)
            #expect(try await context.auditActions().filter { $0 == "oidc.code_reused" }.count == 8)
        }
    }

    @Test("a code expires after 60 seconds, and is bound to its redirect URI, its client and its PKCE verifier")
    func codeBindings() async throws {
        try await withTestApp { context in
            let application = try await RelyingParty.register(context)
            let other = try await RelyingParty.register(context)
            let agent = context.browser()
            try await agent.signIn(DemoWorld.agentEmail)

            let expired = try await application.code(for: agent)
            context.clock.advance(by: 61)
            #expect(try await application.exchange(expired).1["error"] as? String == "invalid_grant")

            let stolen = try await application.code(for: agent)
            #expect(
                try await other.exchange(stolen, verifier: application.verifier).1["error"] as? String
                    == "invalid_grant")

            let wrongURI = try await application.code(for: agent)
            let (_, uriBody) = try await application.token([
                ("grant_type", "authorization_code"), ("code", wrongURI),
                ("redirect_uri", RelyingParty.defaultRedirectURI + "/"), ("code_verifier", application.verifier),
            ])
            #expect(uriBody["error"] as? String == "invalid_grant")

            let wrongVerifier = try await application.code(for: agent)
            let (_, verifierBody) = try await application.exchange(wrongVerifier, verifier: "x" + application.verifier)
            #expect(verifierBody["error"] as? String == "invalid_grant")

            let noVerifier = try await application.code(for: agent)
            let (_, missingBody) = try await application.token([
                ("grant_type", "authorization_code"), ("code", noVerifier), ("redirect_uri", application.redirectURI),
            ])
            #expect(missingBody["error"] as? String == "invalid_request")
            #expect(try await ApplicationSignIn.query(on: context.db).count() == 0)
        }
    }

    @Test("refresh tokens rotate; an old one coming back revokes the whole sign-in")
    func refreshRotationAndReuse() async throws {
        try await withTestApp { context in
            let application = try await RelyingParty.register(context)
            let first = try await application.signedInTokens().refresh
            context.clock.advance(by: 120)
            let (rotated, next) = try await application.refresh(first)
            #expect(rotated.status == .ok)
            let second = try #require(next["refresh_token"] as? String)
            #expect(second != first)
            let idToken = jwtParts(try #require(next["id_token"] as? String)).claims
            #expect(idToken["auth_time"] as? Int == Int(testEpoch.timeIntervalSince1970))
            #expect(idToken["nonce"] == nil)

            let (reused, body) = try await application.refresh(first)
            #expect(reused.status == .badRequest)
            #expect(body["error"] as? String == "invalid_grant")
            // The thief's reuse also ends the genuine holder's chain.
            #expect(try await application.refresh(second).1["error"] as? String == "invalid_grant")
            let signIn = try #require(try await ApplicationSignIn.query(on: context.db).first())
            #expect(signIn.revokedAt != nil)
            #expect(try await context.auditActions().contains("oidc.refresh_token_reused"))
        }
    }

    @Test("a refresh token is its client's: another client is refused without using it up")
    func refreshTokenOfAnotherClient() async throws {
        try await withTestApp { context in
            let application = try await RelyingParty.register(context)
            let other = try await RelyingParty.register(context)
            let token = try await application.signedInTokens().refresh

            let (foreign, foreignBody) = try await other.refresh(token)
            #expect(foreign.status == .badRequest)
            #expect(foreignBody["error"] as? String == "invalid_grant")
            #expect(foreignBody["access_token"] == nil)
            #expect(!(try await context.auditActions().contains("oidc.tokens_refreshed")))

            let (own, ownBody) = try await application.refresh(token)
            #expect(own.status == .ok)
            #expect(ownBody["refresh_token"] as? String != nil)
            let refreshed = try #require(
                try await AuditEvent.query(on: context.db).filter(\.$action == "oidc.tokens_refreshed").first())
            #expect(refreshed.targetID == application.clientID)
            #expect(refreshed.actorID == (try await Given.agent(DemoWorld.agentEmail, on: context.db)).id)
            #expect(try await ApplicationSignIn.query(on: context.db).filter(\.$revokedAt != nil).count() == 0)
        }
    }

    @Test("two refreshes at once with one token: one answer has tokens, the other is a reuse that ends the sign-in")
    func concurrentRefreshes() async throws {
        try await withTestApp { context in
            let application = try await RelyingParty.register(context)
            let token = try await application.signedInTokens().refresh

            async let first = application.refresh(token)
            async let second = application.refresh(token)
            let answers = [try await first, try await second]
            #expect(answers.filter { $0.0.status == .ok }.count == 1)
            #expect(answers.filter { $0.1["error"] as? String == "invalid_grant" }.count == 1)
            // Exactly one successor was written, and the reuse revoked the sign-in it belongs to.
            #expect(try await OIDCRefreshToken.query(on: context.db).count() == 2)
            #expect(try await ApplicationSignIn.query(on: context.db).filter(\.$revokedAt == nil).count() == 0)
            let actions = try await context.auditActions()
            #expect(actions.filter { $0 == "oidc.tokens_refreshed" }.count == 1)
            #expect(actions.contains("oidc.refresh_token_reused"))
        }
    }

    @Test("client authentication: basic, post, none for public clients only; failures are invalid_client, 401")
    func clientAuthentication() async throws {
        try await withTestApp { context in
            let confidential = try await RelyingParty.register(context)
            let agent = context.browser()
            try await agent.signIn(DemoWorld.agentEmail)

            let posted = try await confidential.code(for: agent)
            let (postAnswer, _) = try await confidential.token(
                [
                    ("grant_type", "authorization_code"), ("code", posted), ("redirect_uri", confidential.redirectURI),
                    ("code_verifier", confidential.verifier), ("client_id", confidential.clientID),
                    ("client_secret", try #require(confidential.secret)),
                ], basic: false)
            #expect(postAnswer.status == .ok)

            let wrong = Data("\(confidential.clientID):mauvais-secret".utf8).base64EncodedString()
            let (refused, body) = try await confidential.token(
                [("grant_type", "authorization_code"), ("code", "x"), ("redirect_uri", confidential.redirectURI)],
                basic: false, headers: [("Authorization", "Basic \(wrong)")])
            #expect(refused.status == .unauthorized)
            #expect(body["error"] as? String == "invalid_client")
            #expect(refused.headers.first(name: .wwwAuthenticate)?.hasPrefix("Basic") == true)

            // The id and the secret are form-encoded before base64 (RFC 6749 §2.3.1): escapes are decoded, and a
            // `+` is a space, hence here a wrong secret.
            func escaped(_ text: String) -> String { text.utf8.map { "%" + String(format: "%02X", $0) }.joined() }
            let secret = try #require(confidential.secret)
            for (encodedSecret, status) in [
                (escaped(secret), HTTPResponseStatus.badRequest), (secret + "+", .unauthorized),
            ] {
                let header = Data("\(escaped(confidential.clientID)):\(encodedSecret)".utf8).base64EncodedString()
                let (answer, answerBody) = try await confidential.token(
                    [("grant_type", "refresh_token"), ("refresh_token", "inconnu")], basic: false,
                    headers: [("Authorization", "Basic \(header)")])
                #expect(answer.status == status)
                #expect(answerBody["error"] as? String == (status == .badRequest ? "invalid_grant" : "invalid_client"))
            }

            // A confidential client cannot pass as public by leaving out its secret.
            let (noSecret, noSecretBody) = try await confidential.token(
                [("grant_type", "refresh_token"), ("refresh_token", "x"), ("client_id", confidential.clientID)],
                basic: false)
            #expect(noSecret.status == .unauthorized)
            #expect(noSecretBody["error"] as? String == "invalid_client")

            let publicClient = try await RelyingParty.register(context, isPublic: true)
            #expect(publicClient.secret == nil)
            let code = try await publicClient.code(for: agent)
            let (publicAnswer, publicTokens) = try await publicClient.token(
                [
                    ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", publicClient.redirectURI),
                    ("code_verifier", publicClient.verifier), ("client_id", publicClient.clientID),
                ], basic: false)
            #expect(publicAnswer.status == .ok)
            #expect(publicTokens["id_token"] != nil)
            // The wrong secret, the `+` one and the missing one.
            #expect(try await context.auditActions().filter { $0 == "oidc_client.authentication_failed" }.count == 3)
        }
    }

    @Test("20 wrong secrets from one source hold that client there: the right secret is then refused too")
    func clientAuthenticationThrottled() async throws {
        try await withTestApp { context in
            let application = try await RelyingParty.register(context)
            let wrong = Data("\(application.clientID):mauvais".utf8).base64EncodedString()
            for _ in 0..<20 {
                _ = try await application.token(
                    [("grant_type", "refresh_token"), ("refresh_token", "x")], basic: false,
                    headers: [("Authorization", "Basic \(wrong)")])
            }
            let (held, body) = try await application.refresh("x")
            #expect(held.status == .unauthorized)
            #expect(body["error"] as? String == "invalid_client")
            context.clock.advance(by: 15 * 60 + 1)
            #expect(try await application.refresh("x").1["error"] as? String == "invalid_grant")
            let failures = try await context.auditActions().filter { $0 == "oidc_client.authentication_failed" }
            #expect(failures.count == 21, "20 failures and one hold, audited once")
        }
    }

    @Test("an unknown client id is refused and held like a known one, and holds no other client")
    func unknownClientThrottled() async throws {
        try await withTestApp { context in
            let application = try await RelyingParty.register(context)
            let unknown = Data("inconnu:secret".utf8).base64EncodedString()
            func tryUnknown() async throws -> (Page, [String: Any]) {
                try await application.token(
                    [("grant_type", "refresh_token"), ("refresh_token", "x")], basic: false,
                    headers: [("Authorization", "Basic \(unknown)")])
            }
            for _ in 0..<22 {
                let (answer, body) = try await tryUnknown()
                #expect(answer.status == .unauthorized && body["error"] as? String == "invalid_client")
            }
            let reasons = try await AuditEvent.query(on: context.db)
                .filter(\.$action == "oidc_client.authentication_failed").all().map(\.details)
            #expect(reasons.count == 21, "20 failures and one hold, audited once")
            #expect(reasons.filter { $0.contains("wrong_secret") }.count == 20)
            #expect(reasons.filter { $0.contains("throttled") }.count == 1)
            // The registered client, from the same source, is not held by the unknown one's failures.
            #expect(try await application.refresh("x").1["error"] as? String == "invalid_grant")
        }
    }

    @Test("unknown and missing grant types, repeated parameters: the errors RFC 6749 names, as JSON")
    func grantTypeErrors() async throws {
        try await withTestApp { context in
            let application = try await RelyingParty.register(context)
            #expect(
                try await application.token([("grant_type", "password")]).1["error"] as? String
                    == "unsupported_grant_type")
            #expect(
                try await application.token([("grant_type", "client_credentials")]).1["error"] as? String
                    == "unauthorized_client")
            #expect(try await application.token([]).1["error"] as? String == "invalid_request")
            let (repeated, body) = try await application.token([
                ("grant_type", "refresh_token"), ("refresh_token", "a"), ("refresh_token", "b"),
            ])
            #expect(repeated.status == .badRequest)
            #expect(repeated.headers.contentType == .json)
            #expect(body["error"] as? String == "invalid_request")
            // A machine client that sends no grant, or a body that is not a form, is told so, not invalid_client:
            // no secret was checked, so nothing is counted against it nor audited as a failure.
            let machine = try await MachineCaller.register(context, application: nil, scopes: [.directoryRead])
            let credentials = Data("\(machine.clientID):\(machine.secret)".utf8).base64EncodedString()
            let failures = try await context.auditActions().filter { $0 == "oidc_client.authentication_failed" }
            let plain = try await context.browser().request(
                .POST, Paths.oidcToken, json: "{\"grant_type\":\"client_credentials\"}",
                headers: [("Authorization", "Basic \(credentials)")])
            #expect(plain.status == .badRequest, "\(plain.html)")
            #expect(plain.html.contains("\"invalid_request\""))
            #expect(
                try await context.auditActions().filter { $0 == "oidc_client.authentication_failed" } == failures)
        }
    }

    @Test("another method on an endpoint that programs call is a 405 naming the allowed ones, as JSON")
    func otherMethods() async throws {
        try await withTestApp { context in
            let browser = context.browser()
            for (method, path, allowed) in [
                (HTTPMethod.GET, Paths.oidcToken, "POST"), (.POST, Paths.oidcJWKS, "GET, HEAD"),
                (.DELETE, Paths.openIDConfiguration, "GET, HEAD"), (.PUT, Paths.oidcUserinfo, "GET, HEAD, POST"),
                (.GET, Paths.oidcIntrospect, "POST"),
            ] {
                let answer = try await browser.request(method, path)
                #expect(answer.status == .methodNotAllowed, "\(method) \(path)")
                #expect(answer.headers.first(name: "Allow") == allowed)
                #expect(answer.headers.contentType == .json)
                let body = try JSONSerialization.jsonObject(with: Data(answer.html.utf8)) as? [String: Any]
                #expect(body?["error"] as? String == "invalid_request")
            }
            // The browser's endpoints keep their pages.
            let unknown = try await browser.get("/oidc/nowhere")
            #expect(unknown.status == .notFound && unknown.contains("Page introuvable"))
        }
    }

    @Test("revocation (RFC 7009) ends the sign-in; introspection (RFC 7662) says active, then inactive")
    func revocationAndIntrospection() async throws {
        try await withTestApp { context in
            let application = try await RelyingParty.register(context)
            let other = try await RelyingParty.register(context)
            let (_, accessToken, refreshToken) = try await application.signedInTokens()
            func introspect(_ token: String, by client: RelyingParty) async throws -> [String: Any] {
                let page = try await context.browser().post(
                    Paths.oidcIntrospect, [("token", token)],
                    headers: [
                        (
                            "Authorization",
                            "Basic " + Data("\(client.clientID):\(client.secret!)".utf8).base64EncodedString()
                        )
                    ])
                #expect(page.status == .ok)
                return (try JSONSerialization.jsonObject(with: Data(page.html.utf8)) as? [String: Any]) ?? [:]
            }
            let active = try await introspect(accessToken, by: application)
            #expect(active["active"] as? Bool == true)
            #expect(active["client_id"] as? String == application.clientID)
            #expect(active["roles"] as? [String] == ["CONSULTATION"])
            #expect(active["sub"] as? String != nil)
            #expect(try await introspect(refreshToken, by: application)["active"] as? Bool == true)
            // Another client learns nothing about this one's tokens, and cannot revoke them.
            #expect(try await introspect(accessToken, by: other)["active"] as? Bool == false)
            let foreign = try await context.browser().post(
                Paths.oidcRevoke, [("token", refreshToken)],
                headers: [
                    ("Authorization", "Basic " + Data("\(other.clientID):\(other.secret!)".utf8).base64EncodedString())
                ])
            #expect(foreign.status == .ok)
            #expect(try await introspect(refreshToken, by: application)["active"] as? Bool == true)

            let revoked = try await context.browser().post(
                Paths.oidcRevoke, [("token", refreshToken), ("token_type_hint", "refresh_token")],
                headers: [
                    (
                        "Authorization",
                        "Basic " + Data("\(application.clientID):\(application.secret!)".utf8).base64EncodedString()
                    )
                ])
            #expect(revoked.status == .ok)
            let inactive = try await introspect(accessToken, by: application)
            #expect(inactive.keys.sorted() == ["active"])
            #expect(inactive["active"] as? Bool == false)
            #expect(try await application.refresh(refreshToken).1["error"] as? String == "invalid_grant")
            #expect(try await context.auditActions().contains("oidc.token_revoked"))
            // An unknown token is answered 200 too (RFC 7009 §2.2).
            let unknown = try await context.browser().post(
                Paths.oidcRevoke, [("token", "inconnu")],
                headers: [
                    (
                        "Authorization",
                        "Basic " + Data("\(application.clientID):\(application.secret!)".utf8).base64EncodedString()
                    )
                ])
            #expect(unknown.status == .ok)
        }
    }
}
