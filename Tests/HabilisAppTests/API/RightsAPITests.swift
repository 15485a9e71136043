import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@testable import HabilisApp

@Suite("REST API: machine clients, their tokens, and the rights they read and change")
struct RightsAPITests {
    @Test("the client-credentials grant gives a short-lived JWT of the client's scopes, and nothing else")
    func clientCredentialsGrant() async throws {
        try await withTestApp { context in
            let caller = try await MachineCaller.register(
                context, application: "GREVE", scopes: [.rightsRead, .rightsWrite])
            let (page, answer) = try await caller.token()
            #expect(page.status == .ok)
            #expect(page.headers.first(name: .cacheControl) == "no-store")
            #expect(answer["token_type"] as? String == "Bearer")
            #expect(answer["expires_in"] as? Int == 300)
            #expect(answer["scope"] as? String == "rights:read rights:write")
            #expect(answer["refresh_token"] == nil && answer["id_token"] == nil)
            let (header, claims) = jwtParts(try #require(answer["access_token"] as? String))
            #expect(header["typ"] as? String == "at+jwt")
            #expect(claims["sub"] as? String == caller.clientID)
            #expect(claims["client_id"] as? String == caller.clientID)
            #expect(claims["aud"] as? String == "http://127.0.0.1:8080/api")

            let (narrow, narrowed) = try await caller.token(scope: "rights:read")
            #expect(narrow.status == .ok && narrowed["scope"] as? String == "rights:read")
            let (wide, widened) = try await caller.token(scope: "rights:read directory:read")
            #expect(wide.status == .badRequest && widened["error"] as? String == "invalid_scope")
            let (wrong, refused) = try await caller.token(secret: "not-the-secret")
            #expect(wrong.status == .unauthorized && refused["error"] as? String == "invalid_client")

            // A single sign-on client is not a machine client, and a machine client has no authorization code.
            let relyingParty = try await RelyingParty.register(context)
            let (sso, ssoAnswer) = try await relyingParty.token([("grant_type", "client_credentials")])
            #expect(sso.status == .badRequest && ssoAnswer["error"] as? String == "unauthorized_client")
            let actions = try await context.auditActions()
            #expect(actions.filter { $0 == "machine_client.token_issued" }.count == 2)
            #expect(actions.contains("oidc_client.authentication_failed"))
        }
    }

    @Test("no token, a bad one, an agent's access token or a missing scope: 401 or 403 as problem details")
    func refusals() async throws {
        try await withTestApp { context in
            let browser = context.browser()
            let bare = try await browser.request(.GET, "/api/v1/organisations")
            #expect(bare.status == .unauthorized)
            #expect(bare.headers.first(name: .contentType) == "application/problem+json")
            #expect(bare.headers.first(name: .wwwAuthenticate) == "Bearer realm=\"habilis\"")
            #expect(bare.html.contains("\"title\":\"Authentification requise.\""))
            let forged = try await browser.request(
                .GET, "/api/v1/organisations", headers: [("Authorization", "Bearer eyJhbGciOiJub25lIn0.e30.")])
            #expect(forged.status == .unauthorized)
            #expect(forged.headers.first(name: .wwwAuthenticate)?.contains("invalid_token") == true)

            // An agent's access token from single sign-on opens no API.
            let relyingParty = try await RelyingParty.register(context, application: "ACCORDS-LOCAUX")
            let agent = context.browser()
            try await agent.signIn(DemoWorld.agentEmail)
            let (_, tokens) = try await relyingParty.exchange(try await relyingParty.code(for: agent))
            let agentToken = try #require(tokens["access_token"] as? String)
            let borrowed = try await browser.request(
                .GET, "/api/v1/organisations", headers: [("Authorization", "Bearer \(agentToken)")])
            #expect(borrowed.status == .unauthorized)

            let reader = try await MachineCaller.register(context, application: "GREVE", scopes: [.rightsRead])
            let (forbidden, problem) = try await reader.call(.GET, "/organisations")
            #expect(forbidden.status == .forbidden)
            #expect(problem["title"] as? String == "Portée insuffisante.")
            #expect(problem["status"] as? Int == 403)
        }
    }

    @Test("organisations page by code with a cursor; a bad limit or cursor is a 400 naming the field")
    func organisationsPaging() async throws {
        try await withTestApp { context in
            let caller = try await MachineCaller.register(context, application: nil, scopes: [.directoryRead])
            var codes: [String] = []
            var path = "/organisations?limit=2"
            while true {
                let (page, answer) = try await caller.call(.GET, path)
                #expect(page.status == .ok)
                #expect(answer.items.count <= 2)
                codes += answer.items.compactMap { $0["code"] as? String }
                guard let next = answer["next"] as? String else { break }
                path = "/organisations?limit=2&after=\(next)"
            }
            #expect(codes == ["CAF-69", "CARSAT-RA", "CPAM-69", "UCANSS", "URSSAF-RA"])
            let (one, organisation) = try await caller.call(.GET, "/organisations/CAF-69")
            #expect(one.status == .ok && organisation["name"] as? String == "CAF du Rhône")
            #expect(organisation["branch"] as? String == "famille")
            #expect(try await caller.call(.GET, "/organisations/NOPE").0.status == .notFound)

            let (tooMany, limitProblem) = try await caller.call(.GET, "/organisations?limit=501")
            #expect(tooMany.status == .badRequest)
            #expect((limitProblem["errors"] as? [[String: String]])?.first?["field"] == "limit")
            let (garbled, cursorProblem) = try await caller.call(
                .GET, "/organisations/CARSAT-RA/agents?after=%2A%2A%2A")
            #expect(garbled.status == .badRequest)
            #expect((cursorProblem["errors"] as? [[String: String]])?.first?["field"] == "after")
            let (notNumber, _) = try await caller.call(.GET, "/organisations?limit=beaucoup")
            #expect(notNumber.status == .badRequest)
        }
    }

    @Test("an application's client sees only the agents its application knows; a federation client sees all")
    func agentVisibility() async throws {
        try await withTestApp { context in
            let charenne = try await Given.agent(DemoWorld.agentEmail, on: context.db)
            let petit = try await Given.agent(DemoWorld.cafAgentEmail, on: context.db)
            let accords = try await MachineCaller.register(
                context, application: "ACCORDS-LOCAUX", scopes: [.directoryRead, .rightsRead])
            let federation = try await MachineCaller.register(
                context, application: nil, scopes: [.directoryRead, .rightsRead])

            let (found, agents) = try await accords.call(.GET, "/agents?email=A.Charenne@lassuranceretraite.fr")
            #expect(found.status == .ok)
            #expect(agents.items.first?["id"] as? String == charenne.id!.uuidString.lowercased())
            #expect(agents.items.first?["organisation"] as? String == "CARSAT-RA")
            #expect(agents.items.first?["active"] as? Bool == true)
            // Jeanne Petit never held nor asked for Accords locaux: not there for its client.
            #expect(try await accords.call(.GET, "/agents?email=\(DemoWorld.cafAgentEmail)").1.items.isEmpty)
            #expect(try await accords.call(.GET, "/agents/\(petit.id!)").0.status == .notFound)
            #expect(try await accords.call(.GET, "/agents/\(petit.id!)/rights").0.status == .notFound)
            #expect(try await federation.call(.GET, "/agents/\(petit.id!)").0.status == .ok)
            #expect(try await federation.call(.GET, "/agents?email=\(DemoWorld.cafAgentEmail)").1.items.count == 1)
            #expect(try await federation.call(.GET, "/agents/not-a-uuid").0.status == .notFound)
            #expect(try await federation.call(.GET, "/agents?email=nobody").0.status == .badRequest)

            let (rights, held) = try await accords.call(.GET, "/agents/\(charenne.id!)/rights")
            #expect(rights.status == .ok)
            #expect(held.items.map { $0["application"] as? String } == ["ACCORDS-LOCAUX"])
            #expect(held.items.first?["origin"] as? String == "direct_grant")
            let (_, carsat) = try await accords.call(.GET, "/organisations/CARSAT-RA/agents")
            #expect(carsat.items.compactMap { $0["email"] as? String } == [DemoWorld.agentEmail])
            let (_, everyone) = try await federation.call(.GET, "/organisations/CARSAT-RA/agents")
            #expect(everyone.items.count == 3)

            // Another application's rights and requests are out of reach.
            let (other, problem) = try await accords.call(.GET, "/applications/GREVE/right-holders")
            #expect(other.status == .forbidden && problem["title"] as? String == "Application hors de portée.")
            #expect(try await accords.call(.GET, "/applications/NOPE/right-holders").0.status == .notFound)
        }
    }

    @Test("a grant through the API is a right with its mail, notification and audit; twice is a 409")
    func grant() async throws {
        try await withTestApp { context in
            let petit = try await Given.agent(DemoWorld.cafAgentEmail, on: context.db)
            let caller = try await MachineCaller.register(context, application: "GREVE", scopes: [.rightsWrite])
            let body = "{\"agent_id\":\"\(petit.id!.uuidString)\"}"
            let (created, right) = try await caller.call(.POST, "/applications/GREVE/rights", json: body)
            #expect(created.status == .created, "\(created.html)")
            #expect(right["application"] as? String == "GREVE")
            #expect(right["origin"] as? String == "direct_grant")
            #expect(try await Given.grants(of: DemoWorld.cafAgentEmail, on: context.db) == ["GREVE"])
            let mails = try await context.deliverMail().filter { $0.recipient == DemoWorld.cafAgentEmail }
            #expect(mails.count == 1)
            #expect(mails.first?.text.contains("/applications/GREVE/acces") == true)
            let notice = try await HabilisApp.Notification.query(on: context.db).filter(\.$agent.$id == petit.id!)
                .first()
            #expect(notice?.message == "Vous avez désormais accès à l’application Grève.")
            let event = try #require(
                try await AuditEvent.query(on: context.db).filter(\.$action == "grant.created").first())
            let client = try #require(try await context.app.portal.machineClients.find(caller.clientID, on: context.db))
            #expect(event.actorID == client.id)
            #expect(event.details.contains(caller.clientID))

            let (again, conflict) = try await caller.call(.POST, "/applications/GREVE/rights", json: body)
            #expect(again.status == .conflict && conflict["title"] as? String == "Habilitation déjà détenue.")
            let unknown = "{\"agent_id\":\"\(UUID().uuidString)\"}"
            #expect(try await caller.call(.POST, "/applications/GREVE/rights", json: unknown).0.status == .notFound)
            let (malformed, named) = try await caller.call(
                .POST, "/applications/GREVE/rights", json: "{\"agent_id\":\"x\"}")
            #expect(malformed.status == .badRequest)
            #expect((named["errors"] as? [[String: String]])?.first?["field"] == "agent_id")
            #expect(try await caller.call(.POST, "/applications/GREVE/rights", json: "[").0.status == .badRequest)
            petit.status = .disabled
            try await petit.update(on: context.db)
            try await caller.call(.DELETE, "/applications/GREVE/rights/\(petit.id!)")
            #expect(
                try await caller.call(.POST, "/applications/GREVE/rights", json: body).0.status == .unprocessableEntity)
        }
    }

    @Test("a grant accepts the agent's pending request; a revocation ends the right, tells the agent, then 404")
    func grantAcceptsRequestThenRevoke() async throws {
        try await withTestApp { context in
            try await requestAccess("GREVE", as: DemoWorld.agentEmail, context: context)
            let charenne = try await Given.agent(DemoWorld.agentEmail, on: context.db)
            let caller = try await MachineCaller.register(
                context, application: "GREVE", scopes: [.rightsRead, .rightsWrite])
            let (pending, requests) = try await caller.call(.GET, "/applications/GREVE/access-requests?status=pending")
            #expect(pending.status == .ok && requests.items.count == 1)
            let body = "{\"agent_id\":\"\(charenne.id!.uuidString)\"}"
            let (created, right) = try await caller.call(.POST, "/applications/GREVE/rights", json: body)
            #expect(created.status == .created)
            #expect(right["origin"] as? String == "request")
            let request = try #require(try await Given.requests(of: DemoWorld.agentEmail, on: context.db).first)
            #expect(request.status == .accepted)
            #expect(try await caller.call(.GET, "/applications/GREVE/access-requests?status=pending").1.items.isEmpty)
            #expect(
                try await caller.call(.GET, "/applications/GREVE/access-requests?status=accepted").1.items.count == 1)
            _ = try await context.deliverMail()

            let (revoked, _) = try await caller.call(.DELETE, "/applications/GREVE/rights/\(charenne.id!)")
            #expect(revoked.status == .noContent)
            #expect(try await Given.grants(of: DemoWorld.agentEmail, on: context.db) == ["ACCORDS-LOCAUX"])
            let mails = try await context.deliverMail().filter { $0.subject.contains("retirée") }
            #expect(mails.count == 1)
            #expect(mails.first?.text.contains("interface de programmation") == true)
            #expect(try await caller.call(.DELETE, "/applications/GREVE/rights/\(charenne.id!)").0.status == .notFound)

            // The application's trail: the request, the grant, the revocation, with the client as actor.
            let (_, trail) = try await caller.call(.GET, "/applications/GREVE/audit-events?limit=500")
            let actions = trail.items.compactMap { $0["action"] as? String }
            for action in ["access_request.created", "access_request.accepted", "grant.created", "grant.revoked"] {
                #expect(actions.contains(action), "\(action)")
            }
            let revocation = trail.items.first { $0["action"] as? String == "grant.revoked" }
            #expect(revocation?["actor"] as? String == "client:\(caller.clientID)")
        }
    }

    @Test("changed_since gives the grants and revocations after the cursor, in order, once")
    func changesFeed() async throws {
        try await withTestApp { context in
            let caller = try await MachineCaller.register(
                context, application: "GREVE", scopes: [.rightsRead, .rightsWrite])
            let charenne = try await Given.agent(DemoWorld.agentEmail, on: context.db)
            let petit = try await Given.agent(DemoWorld.cafAgentEmail, on: context.db)
            let grantCharenne = "{\"agent_id\":\"\(charenne.id!.uuidString)\"}"
            #expect(
                try await caller.call(.POST, "/applications/GREVE/rights", json: grantCharenne).0.status == .created)
            context.clock.advance(by: 60)

            // The first synchronisation reads the holders, and keeps the cursor of the last page.
            let (_, snapshot) = try await caller.call(.GET, "/applications/GREVE/right-holders")
            #expect(snapshot.items.map { $0["agent_id"] as? String } == [charenne.id!.uuidString.lowercased()])
            #expect(snapshot.items.first?["change"] as? String == "held")
            let cursor = try #require(snapshot["changes_cursor"] as? String)

            context.clock.advance(by: 60)
            let grantPetit = "{\"agent_id\":\"\(petit.id!.uuidString)\"}"
            #expect(try await caller.call(.POST, "/applications/GREVE/rights", json: grantPetit).0.status == .created)
            context.clock.advance(by: 1)
            #expect(
                try await caller.call(.DELETE, "/applications/GREVE/rights/\(charenne.id!)").0.status == .noContent)
            // Changes settle five seconds before the feed gives them.
            let (_, unsettled) = try await caller.call(
                .GET, "/applications/GREVE/right-holders?changed_since=\(cursor)")
            #expect(unsettled.items.isEmpty)
            #expect(unsettled["changes_cursor"] as? String == cursor)
            context.clock.advance(by: 10)

            let (_, firstPage) = try await caller.call(
                .GET, "/applications/GREVE/right-holders?changed_since=\(cursor)&limit=1")
            #expect(firstPage.items.map { $0["change"] as? String } == ["granted"])
            #expect(firstPage.items.first?["email"] as? String == DemoWorld.cafAgentEmail)
            let next = try #require(firstPage["next"] as? String)
            #expect(firstPage["changes_cursor"] == nil)
            let (_, secondPage) = try await caller.call(
                .GET, "/applications/GREVE/right-holders?changed_since=\(next)&limit=1")
            #expect(secondPage.items.map { $0["change"] as? String } == ["revoked"])
            #expect(secondPage.items.first?["agent_id"] as? String == charenne.id!.uuidString.lowercased())
            // The last page hands over the cursor of the next synchronisation, which finds nothing new.
            #expect(secondPage["next"] == nil)
            let final = try #require(secondPage["changes_cursor"] as? String)
            let (_, end) = try await caller.call(.GET, "/applications/GREVE/right-holders?changed_since=\(final)")
            #expect(end.items.isEmpty)
            #expect(end["changes_cursor"] as? String == final)

            let (bad, problem) = try await caller.call(.GET, "/applications/GREVE/right-holders?changed_since=zzz")
            #expect(bad.status == .badRequest)
            #expect((problem["errors"] as? [[String: String]])?.first?["field"] == "changed_since")
        }
    }

    @Test("each client has its call budget: past it, 429 with Retry-After, audited once; every call is audited")
    func rateLimit() async throws {
        try await withTestApp(
            settings: { $0.apiCallsPerMinute = 3 },
            { context in
                let caller = try await MachineCaller.register(context, application: nil, scopes: [.directoryRead])
                for _ in 1...3 { #expect(try await caller.call(.GET, "/organisations").0.status == .ok) }
                let (refused, problem) = try await caller.call(.GET, "/organisations")
                #expect(refused.status == .tooManyRequests)
                #expect(problem["title"] as? String == "Trop d’appels.")
                let retryAfter = try #require(refused.headers.first(name: "Retry-After").flatMap(Int.init))
                #expect((1...60).contains(retryAfter))
                #expect(try await caller.call(.GET, "/organisations").0.status == .tooManyRequests)
                context.clock.advance(by: 61)
                #expect(try await caller.call(.GET, "/organisations").0.status == .ok)
                let actions = try await context.auditActions()
                #expect(actions.filter { $0 == "api.called" }.count == 4)
                #expect(actions.filter { $0 == "api.throttled" }.count == 1)
            })
    }

    @Test("the contract is served as JSON; a method it does not declare is a 405 naming the allowed ones")
    func contractAndMethods() async throws {
        try await withTestApp { context in
            let browser = context.browser()
            let contract = try await browser.get("/api/openapi.json")
            #expect(contract.status == .ok && contract.headers.contentType == .json)
            let document = try #require(
                try JSONSerialization.jsonObject(with: Data(contract.html.utf8)) as? [String: Any])
            #expect(document["openapi"] as? String == "3.1.0")
            #expect((document["paths"] as? [String: Any])?.keys.contains("/applications/{code}/right-holders") == true)
            let put = try await browser.request(.PUT, "/api/v1/organisations")
            #expect(put.status == .methodNotAllowed)
            #expect(put.headers.first(name: "Allow") == "GET, HEAD")
            #expect(put.headers.first(name: .contentType) == "application/problem+json")
            let trace = try await browser.request(.TRACE, "/api/v1/applications/GREVE/rights")
            #expect(trace.status == .methodNotAllowed && trace.headers.first(name: "Allow") == "POST")
        }
    }

    @Test("a path the contract does not have is a 404 problem, and Vapor's refusals keep their status as problems")
    func unknownPathAndVaporRefusals() async throws {
        try await withTestApp { context in
            let unknown = try await context.browser().get("/api/v1/nowhere")
            #expect(unknown.status == .notFound)
            #expect(unknown.headers.first(name: .contentType) == "application/problem+json")
            let problem = try #require(
                try JSONSerialization.jsonObject(with: Data(unknown.html.utf8)) as? [String: Any])
            #expect(problem["title"] as? String == "Ressource inconnue.")
            #expect(problem["status"] as? Int == 404)
            // A body over the limit is refused by Vapor before any handler (black-box test: over real HTTP).
            #expect(APIGate.problem(for: Abort(.payloadTooLarge)).status == .payloadTooLarge)
            #expect(APIGate.problem(for: Abort(.unsupportedMediaType)).status == .unsupportedMediaType)
            #expect(APIGate.problem(for: Abort(.internalServerError)).title == "Erreur du service.")
        }
    }

    @Test("a removed client's token stops working at its next call")
    func removedClient() async throws {
        try await withTestApp { context in
            let caller = try await MachineCaller.register(context, application: nil, scopes: [.directoryRead])
            #expect(try await caller.call(.GET, "/organisations").0.status == .ok)
            #expect(try await context.app.portal.machineClients.remove(caller.clientID, by: .system, on: context.db))
            #expect(try await caller.call(.GET, "/organisations").0.status == .unauthorized)
        }
    }
}
