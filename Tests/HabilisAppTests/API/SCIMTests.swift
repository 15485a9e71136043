import Fluent
import Foundation
import Testing
import Vapor

@testable import HabilisApp

@Suite("SCIM 2.0: a directory feeds the agents; groups are the applications and their right holders")
struct SCIMTests {
    static let habilis = SCIMDiscovery.habilisSchema

    static func user(
        _ email: String, given: String = "Léa", family: String = "Martin", external: String = "RH-1"
    )
        -> String
    {
        """
        {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","\(habilis)"],"userName":"\(email)",
        "externalId":"\(external)","name":{"givenName":"\(given)","familyName":"\(family)"},
        "phoneNumbers":[{"value":"0472000000","type":"work"}],"\(habilis)":{"organisationCode":"CAF-69"}}
        """
    }

    static func patch(_ operations: String) -> String {
        "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":[\(operations)]}"
    }

    @Test("only a federation client holding scim and directory:write feeds agents; errors are SCIM's")
    func scopes() async throws {
        try await withTestApp { context in
            let reader = try await MachineCaller.register(context, application: nil, scopes: [.directoryRead])
            let (refused, error) = try await reader.scim(.GET, "/Users")
            #expect(refused.status == .forbidden)
            #expect(refused.headers.first(name: .contentType) == "application/scim+json")
            #expect((error["schemas"] as? [String]) == ["urn:ietf:params:scim:api:messages:2.0:Error"])
            #expect(error["status"] as? String == "403")
            let application = try await MachineCaller.register(
                context, application: "GREVE", scopes: [.scim, .directoryWrite])
            #expect(try await application.scim(.POST, "/Users", json: Self.user("x@caf.fr")).0.status == .forbidden)
            // An application's client sees its own group only.
            let (groups, list) = try await application.scim(.GET, "/Groups")
            #expect(groups.status == .ok && (list["totalResults"] as? Int) == 1)
            #expect(try await context.browser().request(.GET, "/scim/v2/Users").status == .unauthorized)
        }
    }

    @Test("a created agent is found by the filters, carries its ETag, and a stale If-Match is refused")
    func createFilterETag() async throws {
        try await withTestApp { context in
            let feed = try await MachineCaller.register(context, application: nil, scopes: [.scim, .directoryWrite])
            let (created, user) = try await feed.scim(.POST, "/Users", json: Self.user("lea.martin@caf.fr"))
            #expect(created.status == .created, "\(created.html)")
            let id = try #require(user["id"] as? String)
            #expect(created.headers.first(name: .location)?.hasSuffix("/scim/v2/Users/\(id)") == true)
            let etag = try #require(created.headers.first(name: .eTag))
            let agent = try await Given.agent("lea.martin@caf.fr", on: context.db)
            #expect(agent.externalID == "RH-1" && agent.identitySource == "Client de la fédération")
            #expect(agent.phone == "0472000000" && agent.status == .active)
            #expect(try await context.auditActions().contains("scim.user_created"))
            #expect(
                try await feed.scim(.POST, "/Users", json: Self.user("LEA.MARTIN@caf.fr")).1["scimType"] as? String
                    == "uniqueness")

            for filter in [
                "userName eq \"Lea.Martin@CAF.fr\"", "externalId eq \"RH-1\"",
                "userName eq \"lea.martin@caf.fr\" and externalId eq \"RH-1\"",
            ] {
                let query = filter.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                let (_, list) = try await feed.scim(.GET, "/Users?filter=\(query)")
                #expect((list["Resources"] as? [[String: Any]])?.map { $0["id"] as? String } == [id], "\(filter)")
            }
            let (_, all) = try await feed.scim(.GET, "/Users?startIndex=2&count=2")
            #expect(all["startIndex"] as? Int == 2 && all["itemsPerPage"] as? Int == 2)
            #expect(all["totalResults"] as? Int == 7)
            let unsupported = "title%20sw%20%22x%22"
            #expect(
                try await feed.scim(.GET, "/Users?filter=\(unsupported)").1["scimType"] as? String == "invalidFilter")

            let rename = Self.patch("{\"op\":\"replace\",\"path\":\"name.givenName\",\"value\":\"Léna\"}")
            let (stale, _) = try await feed.scim(
                .PATCH, "/Users/\(id)", json: rename, headers: [("If-Match", "W/\"0\"")])
            #expect(stale.status == .preconditionFailed)
            let (patched, after) = try await feed.scim(
                .PATCH, "/Users/\(id)", json: rename, headers: [("If-Match", etag)])
            #expect(patched.status == .ok)
            #expect((after["name"] as? [String: Any])?["givenName"] as? String == "Léna")
            #expect(patched.headers.first(name: .eTag) != etag)
        }
    }

    @Test("active false disables the account with its usual effects; DELETE disables, never erases")
    func disable() async throws {
        try await withTestApp { context in
            let feed = try await MachineCaller.register(context, application: nil, scopes: [.scim, .directoryWrite])
            let charenne = context.browser()
            try await charenne.signIn(DemoWorld.agentEmail)
            try await requestAccess("GREVE", as: DemoWorld.agentEmail, context: context)
            let agent = try await Given.agent(DemoWorld.agentEmail, on: context.db)
            let (answer, user) = try await feed.scim(
                .PATCH, "/Users/\(agent.id!)", json: Self.patch("{\"op\":\"Replace\",\"value\":{\"active\":false}}"))
            #expect(answer.status == .ok && user["active"] as? Bool == false)
            #expect(try await Given.agent(DemoWorld.agentEmail, on: context.db).status == .disabled)
            #expect(try await Given.requests(of: DemoWorld.agentEmail, on: context.db).first?.status == .cancelled)
            #expect(try await charenne.get(Paths.myRights).location == Paths.signIn)
            #expect(try await context.auditActions().contains("agent.disabled"))

            let petit = try await Given.agent(DemoWorld.cafAgentEmail, on: context.db)
            #expect(try await feed.scim(.DELETE, "/Users/\(petit.id!)").0.status == .noContent)
            #expect(try await Given.agent(DemoWorld.cafAgentEmail, on: context.db).status == .disabled)
            #expect(try await feed.scim(.GET, "/Users/\(petit.id!)").1["active"] as? Bool == false)
        }
    }

    @Test("« Mes coordonnées » of an agent fed by a directory shows the identity read-only and names the source")
    func profileReadOnly() async throws {
        try await withTestApp { context in
            let feed = try await MachineCaller.register(context, application: nil, scopes: [.scim, .directoryWrite])
            let agent = try await Given.agent(DemoWorld.agentEmail, on: context.db)
            let replace = Self.user(DemoWorld.agentEmail, given: "Aristide", family: "Charenne-Dupont")
            #expect(try await feed.scim(.PUT, "/Users/\(agent.id!)", json: replace).0.status == .ok)

            let browser = context.browser()
            try await browser.signIn(DemoWorld.agentEmail)
            let page = try await browser.get(Paths.myDetails)
            #expect(page.contains("tenus à jour par « Client de la fédération »"))
            #expect(page.inputValue(named: "prenom") == nil && page.inputValue(named: "email") == nil)
            #expect(page.contains("Charenne-Dupont"))
            let saved = try await browser.post(
                Paths.myDetails,
                [
                    ("prenom", "Pirate"), ("nom", "Pirate"), ("email", "pirate@caf.fr"), ("emailContact", ""),
                    ("secondOrganisme", ""),
                ])
            #expect(saved.status == .seeOther, "\(saved.text)")
            let stored = try await Given.agent(DemoWorld.agentEmail, on: context.db)
            #expect(stored.firstName == "Aristide" && stored.lastName == "Charenne-Dupont")
            #expect(stored.email == DemoWorld.agentEmail)
            #expect(try await context.auditActions().contains("profile.forbidden_change"))
        }
    }

    @Test("a PATCH of a group's members grants and revokes the application, as the pages do")
    func groupMembers() async throws {
        try await withTestApp { context in
            let feed = try await MachineCaller.register(context, application: nil, scopes: [.scim, .rightsWrite])
            let greve = try await Given.application("GREVE", on: context.db)
            let petit = try await Given.agent(DemoWorld.cafAgentEmail, on: context.db)
            let add = Self.patch("{\"op\":\"add\",\"path\":\"members\",\"value\":[{\"value\":\"\(petit.id!)\"}]}")
            let (added, group) = try await feed.scim(.PATCH, "/Groups/\(greve.id!)", json: add)
            #expect(added.status == .ok)
            #expect(
                (group["members"] as? [[String: Any]])?.compactMap { $0["display"] as? String } == [
                    DemoWorld.cafAgentEmail
                ])
            #expect(try await Given.grants(of: DemoWorld.cafAgentEmail, on: context.db) == ["GREVE"])
            #expect(try await feed.scim(.PATCH, "/Groups/\(greve.id!)", json: add).0.status == .ok)

            let remove = Self.patch("{\"op\":\"remove\",\"path\":\"members[value eq \\\"\(petit.id!)\\\"]\"}")
            let (removed, after) = try await feed.scim(.PATCH, "/Groups/\(greve.id!)", json: remove)
            #expect(removed.status == .ok && (after["members"] as? [[String: Any]])?.isEmpty == true)
            #expect(try await Given.grants(of: DemoWorld.cafAgentEmail, on: context.db).isEmpty)
            let mails = try await context.deliverMail().filter { $0.recipient == DemoWorld.cafAgentEmail }
            #expect(mails.count == 2)
            #expect(try await feed.scim(.POST, "/Groups", json: "{}").1["scimType"] as? String == "mutability")
        }
    }

    @Test("a PATCH with excludedAttributes=members answers the group without its members; replace reads them all")
    func groupMembersExcluded() async throws {
        try await withTestApp { context in
            let feed = try await MachineCaller.register(context, application: nil, scopes: [.scim, .rightsWrite])
            let greve = try await Given.application("GREVE", on: context.db)
            let petit = try await Given.agent(DemoWorld.cafAgentEmail, on: context.db)
            let charenne = try await Given.agent(DemoWorld.agentEmail, on: context.db)
            let add = Self.patch("{\"op\":\"add\",\"path\":\"members\",\"value\":[{\"value\":\"\(petit.id!)\"}]}")
            let (added, group) = try await feed.scim(
                .PATCH, "/Groups/\(greve.id!)?excludedAttributes=members", json: add)
            #expect(added.status == .ok)
            #expect(group["members"] == nil && group["externalId"] as? String == "GREVE")
            #expect(try await Given.grants(of: DemoWorld.cafAgentEmail, on: context.db) == ["GREVE"])

            // Replace: Charenne in, Petit out, whoever else held Grève out too.
            let replace = Self.patch(
                "{\"op\":\"replace\",\"path\":\"members\",\"value\":[{\"value\":\"\(charenne.id!)\"}]}")
            let (replaced, after) = try await feed.scim(.PATCH, "/Groups/\(greve.id!)", json: replace)
            #expect(replaced.status == .ok)
            #expect(
                (after["members"] as? [[String: Any]])?.compactMap { $0["value"] as? String } == [
                    charenne.id!.uuidString.lowercased()
                ])
            #expect(try await Given.grants(of: DemoWorld.cafAgentEmail, on: context.db).isEmpty)
            #expect(try await Given.grants(of: DemoWorld.agentEmail, on: context.db).contains("GREVE"))

            // A bad member anywhere in the PatchOp changes nothing.
            let bad = Self.patch(
                "{\"op\":\"add\",\"path\":\"members\",\"value\":[{\"value\":\"\(petit.id!)\"}]},"
                    + "{\"op\":\"add\",\"path\":\"members\",\"value\":[{\"value\":\"pas-un-uuid\"}]}")
            #expect(try await feed.scim(.PATCH, "/Groups/\(greve.id!)", json: bad).0.status == .badRequest)
            #expect(try await Given.grants(of: DemoWorld.cafAgentEmail, on: context.db).isEmpty)
        }
    }
}
