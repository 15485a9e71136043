import Foundation
import Vapor

/// The SCIM 2.0 service (`/scim/v2`, RFC 7643 / 7644) for machine clients holding the `scim` scope, behind the same
/// gate as the REST API (token, rate limit, one audit event per call) with SCIM's error format: discovery, Users
/// (agents) and Groups (applications and their right holders).
struct SCIMController: RouteCollection {
    static let maximumCount = 500
    static let contentType = "application/scim+json"

    let callsPerMinute: Int

    func boot(routes: any RoutesBuilder) throws {
        let scim = routes.grouped("scim", "v2")
            .grouped(APIGate(rate: Throttle.Limit(attempts: callsPerMinute, window: 60), format: .scim))
        scim.get("ServiceProviderConfig") { req async throws -> Response in
            try Self.json(SCIMDiscovery.serviceProviderConfig(base: try Self.caller(req).1))
        }
        scim.get("ResourceTypes") { req async throws -> Response in
            try Self.list(SCIMDiscovery.resourceTypes(base: try Self.caller(req).1))
        }
        scim.get("ResourceTypes", ":id") { req async throws -> Response in
            let base = try Self.caller(req).1
            guard
                let type = SCIMDiscovery.resourceTypes(base: base).first(where: {
                    $0["id"] as? String == req.parameters.get("id")
                })
            else { throw Self.notFound("Type de ressource inconnu.") }
            return try Self.json(type)
        }
        scim.get("Schemas") { req async throws -> Response in
            try Self.list(SCIMDiscovery.schemas(base: try Self.caller(req).1))
        }
        scim.get("Schemas", ":id") { req async throws -> Response in
            let base = try Self.caller(req).1
            guard
                let schema = SCIMDiscovery.schemas(base: base).first(where: {
                    $0["id"] as? String == req.parameters.get("id")
                })
            else { throw Self.notFound("Schéma inconnu.") }
            return try Self.json(schema)
        }

        scim.get("Users") { req async throws -> Response in
            let (caller, base) = try Self.caller(req)
            let (start, count) = try Self.page(req)
            return try Self.json(
                try await SCIMUsers(caller: caller, base: base).list(
                    filter: req.query[String.self, at: "filter"], startIndex: start, count: count))
        }
        scim.get("Users", ":id") { req async throws -> Response in
            let (caller, base) = try Self.caller(req)
            return try Self.resource(try await SCIMUsers(caller: caller, base: base).find(req.parameters.get("id")!))
        }
        scim.post("Users") { req async throws -> Response in
            let (caller, base) = try Self.caller(req)
            let user = try await SCIMUsers(caller: caller, base: base).create(try Self.body(req))
            return try Self.resource(user, status: .created)
        }
        scim.put("Users", ":id") { req async throws -> Response in
            let (caller, base) = try Self.caller(req)
            return try Self.resource(
                try await SCIMUsers(caller: caller, base: base).replace(
                    req.parameters.get("id")!, with: try Self.body(req), ifMatch: req.headers.first(name: .ifMatch)))
        }
        scim.patch("Users", ":id") { req async throws -> Response in
            let (caller, base) = try Self.caller(req)
            return try Self.resource(
                try await SCIMUsers(caller: caller, base: base).patch(
                    req.parameters.get("id")!, with: try Self.body(req), ifMatch: req.headers.first(name: .ifMatch)))
        }
        scim.delete("Users", ":id") { req async throws -> Response in
            let (caller, base) = try Self.caller(req)
            try await SCIMUsers(caller: caller, base: base).delete(req.parameters.get("id")!)
            return Response(status: .noContent)
        }

        scim.get("Groups") { req async throws -> Response in
            let (caller, base) = try Self.caller(req)
            let (start, count) = try Self.page(req)
            return try Self.json(
                try await SCIMGroups(caller: caller, base: base).list(
                    filter: req.query[String.self, at: "filter"], startIndex: start, count: count,
                    members: Self.includesMembers(req)))
        }
        scim.get("Groups", ":id") { req async throws -> Response in
            let (caller, base) = try Self.caller(req)
            return try Self.resource(
                try await SCIMGroups(caller: caller, base: base).find(
                    req.parameters.get("id")!, members: Self.includesMembers(req)))
        }
        scim.patch("Groups", ":id") { req async throws -> Response in
            let (caller, base) = try Self.caller(req)
            return try Self.resource(
                try await SCIMGroups(caller: caller, base: base).patch(
                    req.parameters.get("id")!, with: try Self.body(req), members: Self.includesMembers(req)))
        }
        // Discovery is read-only (405); anything else under /scim/v2 is a SCIM 404, not the portal's page.
        for path in ["ServiceProviderConfig", "ResourceTypes", "Schemas"] {
            for method in [HTTPMethod.POST, .PUT, .PATCH, .DELETE] {
                scim.on(method, PathComponent(stringLiteral: path)) { _ async throws -> Response in
                    var problem = Self.error(.methodNotAllowed, nil, "Ce point de découverte se lit seulement.")
                    problem.headers = [("Allow", "GET")]
                    throw problem
                }
            }
        }
        for method in [HTTPMethod.GET, .POST, .PUT, .PATCH, .DELETE] {
            scim.on(method, "**") { _ async throws -> Response in throw Self.notFound("Ressource inconnue.") }
        }
        for method in [HTTPMethod.POST, .PUT, .DELETE] {
            scim.on(method, "Groups", "**") { _ async throws -> Response in
                throw Self.mutability("Les groupes sont les applications du catalogue : seuls leurs membres changent.")
            }
            scim.on(method, "Groups") { _ async throws -> Response in
                throw Self.mutability("Les groupes sont les applications du catalogue : seuls leurs membres changent.")
            }
        }
    }

    // MARK: - Requests and answers

    /// The caller, holding `scim`, and the base URL of every `location`.
    static func caller(_ req: Request) throws -> (APICaller, String) {
        let caller = try APICaller.require(.scim)
        return (caller, req.portal.provider.issuer)
    }

    /// `startIndex` (1-based) and `count` (0 to 500, 100 by default); values out of range are clamped (§3.4.2.4).
    static func page(_ req: Request) throws -> (Int, Int) {
        let start = max(1, req.query[Int.self, at: "startIndex"] ?? 1)
        let count = min(maximumCount, max(0, req.query[Int.self, at: "count"] ?? 100))
        return (start, count)
    }

    static func includesMembers(_ req: Request) -> Bool {
        let excluded = (req.query[String.self, at: "excludedAttributes"] ?? "").lowercased()
        return !excluded.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces) == "members" }
    }

    static func body(_ req: Request) throws -> [String: Any] {
        guard let buffer = req.body.data, buffer.readableBytes <= 256 * 1024,
            let object = try? JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any]
        else { throw invalidSyntax("Un objet JSON est attendu.") }
        guard !holdsNul(object) else { throw invalidValue("Une valeur contient le caractère nul (U+0000).") }
        return object
    }

    /// Whether a key or a string anywhere in `value` holds NUL, which PostgreSQL cannot store (`NulCharacterGuard`).
    private static func holdsNul(_ value: Any) -> Bool {
        switch value {
        case let text as String: text.utf8.contains(0)
        case let array as [Any]: array.contains(where: holdsNul)
        case let object as [String: Any]: object.contains { $0.key.utf8.contains(0) || holdsNul($0.value) }
        default: false
        }
    }

    static func json(_ object: Any, status: HTTPResponseStatus = .ok) throws -> Response {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        let response = Response(status: status, body: .init(data: data))
        response.headers.replaceOrAdd(name: .contentType, value: contentType)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    /// A resource with its `Location` and `ETag` (RFC 7644 §3.1, §3.14).
    static func resource(_ object: [String: Any], status: HTTPResponseStatus = .ok) throws -> Response {
        let response = try json(object, status: status)
        let meta = object["meta"] as? [String: Any]
        if let location = meta?["location"] as? String {
            response.headers.replaceOrAdd(name: .location, value: location)
        }
        if let version = meta?["version"] as? String { response.headers.replaceOrAdd(name: .eTag, value: version) }
        return response
    }

    static func list(_ resources: [[String: Any]]) throws -> Response {
        try json([
            "schemas": [SCIMDiscovery.listSchema], "totalResults": resources.count, "startIndex": 1,
            "itemsPerPage": resources.count, "Resources": resources,
        ])
    }

    // MARK: - Errors (RFC 7644 §3.12)

    static func error(_ status: HTTPResponseStatus, _ scimType: String?, _ detail: String) -> APIProblem {
        var problem = APIProblem(status, detail)
        problem.scimType = scimType
        return problem
    }

    static func notFound(_ detail: String) -> APIProblem { error(.notFound, nil, detail) }
    static func conflict(_ detail: String) -> APIProblem { error(.conflict, "uniqueness", detail) }
    static func invalidValue(_ detail: String) -> APIProblem { error(.badRequest, "invalidValue", detail) }
    static func invalidSyntax(_ detail: String) -> APIProblem { error(.badRequest, "invalidSyntax", detail) }
    static func invalidPath(_ detail: String) -> APIProblem { error(.badRequest, "invalidPath", detail) }
    static func noTarget(_ detail: String) -> APIProblem { error(.badRequest, "noTarget", detail) }
    static func mutability(_ detail: String) -> APIProblem { error(.badRequest, "mutability", detail) }
}
