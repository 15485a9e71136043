import Foundation
import Testing
import Vapor

@testable import HabilisApp

/// A machine client of the API in tests: registered through the registry, its token taken at the token endpoint
/// with the client-credentials grant, its calls sent with the bearer token.
final class MachineCaller: @unchecked Sendable {
    let context: TestContext
    let clientID: String
    let secret: String
    private var accessToken: String?

    init(context: TestContext, clientID: String, secret: String) {
        self.context = context
        self.clientID = clientID
        self.secret = secret
    }

    /// Registers a client: of `application`, or federation-wide when nil.
    static func register(
        _ context: TestContext, application: String?, scopes: [MachineScope]
    ) async throws
        -> MachineCaller
    {
        let (client, secret) = try await context.app.portal.machineClients.register(
            .init(applicationCode: application, scopes: scopes.map(\.rawValue)), by: .system, on: context.db)
        return MachineCaller(context: context, clientID: client.clientID, secret: secret)
    }

    /// The token endpoint's answer to the client-credentials grant.
    func token(scope: String? = nil, secret: String? = nil) async throws -> (Page, [String: Any]) {
        let credentials = Data("\(clientID):\(secret ?? self.secret)".utf8).base64EncodedString()
        var fields = [("grant_type", "client_credentials")]
        if let scope { fields.append(("scope", scope)) }
        let page = try await context.browser().post(
            Paths.oidcToken, fields, headers: [("Authorization", "Basic \(credentials)")])
        let json = (try? JSONSerialization.jsonObject(with: Data(page.html.utf8)) as? [String: Any]) ?? [:]
        return (page, json)
    }

    /// Calls the SCIM service the same way.
    @discardableResult
    func scim(
        _ method: HTTPMethod = .GET, _ path: String, json: String? = nil, headers: [(String, String)] = []
    ) async throws
        -> (Page, [String: Any])
    {
        try await call(method, path, json: json, prefix: "/scim/v2", headers: headers)
    }

    /// Calls the API with a token of all the client's scopes; returns the answer and its JSON.
    @discardableResult
    func call(
        _ method: HTTPMethod = .GET, _ path: String, json: String? = nil, prefix: String = "/api/v1",
        headers: [(String, String)] = []
    ) async throws -> (Page, [String: Any]) {
        if accessToken == nil {
            let (page, answer) = try await token()
            #expect(page.status == .ok, "\(page.html)")
            accessToken = answer["access_token"] as? String
        }
        let page = try await context.browser().request(
            method, prefix + path, json: json, headers: headers + [("Authorization", "Bearer \(accessToken ?? "")")])
        let answer = (try? JSONSerialization.jsonObject(with: Data(page.html.utf8)) as? [String: Any]) ?? [:]
        return (page, answer)
    }
}

extension [String: Any] {
    /// The `items` of a page answer.
    var items: [[String: Any]] { self["items"] as? [[String: Any]] ?? [] }
}
