import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@testable import HabilisApp

/// PostgreSQL cannot hold NUL in text: before these guards, a `%00` in a nonce, a client id, an API path or a SCIM
/// filter, or a `\u0000` in a SCIM name, was a 500 on PostgreSQL and stored as is on SQLite. Each is now refused
/// with the error its interface names, on both databases, and nothing is written.
@Suite("The NUL character is refused at every door, never a 500")
struct NulCharacterTests {
    @Test("a page's URL holding NUL is a 400 page; a protocol's parameter is malformed, as its errors say")
    func pagesAndProtocol() async throws {
        try await withTestApp { context in
            let visitor = context.browser()
            let query = try await visitor.get(Paths.signIn + "?email=a%00b")
            #expect(query.status == .badRequest && query.contains("Requête invalide"))
            // A page's form says it beside the field (BadInputTests).

            let application = try await RelyingParty.register(context)
            let agent = context.browser()
            try await agent.signIn(DemoWorld.agentEmail)
            for name in ["nonce", "client_id", "state", "login_hint"] {
                let answer = try await agent.get(application.authorizePath([(name, "a\u{0}b")]))
                #expect(answer.status == .badRequest && answer.location == nil, "\(name)")
            }
            #expect(try await OIDCAuthorizationCode.query(on: context.db).count() == 0)
            let (token, error) = try await application.token([
                ("grant_type", "refresh_token"), ("refresh_token", "a\u{0}"),
            ])
            #expect(token.status == .badRequest && error["error"] as? String == "invalid_request")
            let basic = Data("a\u{0}b:secret".utf8).base64EncodedString()
            let (client, clientError) = try await application.token(
                [("grant_type", "refresh_token"), ("refresh_token", "x")], basic: false,
                headers: [("Authorization", "Basic \(basic)")])
            #expect(client.status == .unauthorized && clientError["error"] as? String == "invalid_client")
            let logout = try await agent.get(Paths.oidcLogout + "?client_id=a%00b")
            #expect(logout.status == .badRequest)
        }
    }

    @Test("the API and SCIM refuse NUL in a path, a filter or a value with their own errors, and write nothing")
    func apiAndSCIM() async throws {
        try await withTestApp { context in
            let feed = try await MachineCaller.register(
                context, application: nil, scopes: [.scim, .directoryRead, .directoryWrite])
            let (api, problem) = try await feed.call(.GET, "/organisations/CAF%0069")
            #expect(api.status == .badRequest)
            #expect(api.headers.first(name: .contentType) == "application/problem+json")
            #expect(problem["title"] as? String == "Requête invalide.")
            let (filter, filterError) = try await feed.scim(.GET, "/Users?filter=userName%20eq%20%22a%00b%22")
            #expect(filter.status == .badRequest && filterError["status"] as? String == "400")
            let agents = try await Agent.query(on: context.db).count()
            let (created, createError) = try await feed.scim(
                .POST, "/Users", json: SCIMTests.user("nul@caf.fr", given: "L\\u0000a"))
            #expect(created.status == .badRequest, "\(created.html)")
            #expect(createError["scimType"] as? String == "invalidValue")
            #expect(try await Agent.query(on: context.db).count() == agents)
        }
    }

    @Test("PostgreSQL's refusal of a NUL that came another way is the request's fault, not the service's")
    func databaseRefusal() async throws {
        try await withTestApp { context in
            let sql = context.db as! any SQLDatabase
            do {
                _ = try await sql.raw("SELECT \(bind: "a\u{0}b") AS text").all()
                // SQLite holds NUL in text: nothing to refuse.
                #expect(TestDatabase.serverURL == nil)
            } catch {
                #expect(TestDatabase.serverURL != nil)
                #expect(NulCharacterGuard.isRefusedByDatabase(error), "\(String(reflecting: error))")
                #expect(APIGate.problem(for: error).status == .badRequest)
            }
            #expect(!NulCharacterGuard.isRefusedByDatabase(Abort(.badRequest)))
            #expect(NulCharacterGuard.hasEncodedNul("a%00b".utf8) && NulCharacterGuard.hasEncodedNul([0x61, 0]))
            #expect(!NulCharacterGuard.hasEncodedNul("100%25 %0 %".utf8))
        }
    }
}
