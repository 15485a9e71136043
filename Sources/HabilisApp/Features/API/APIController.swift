import Foundation
import OpenAPIVapor
import Vapor

/// The REST API (`/api/v1`) as its contract, docs/api/openapi.yaml, declares it: the generated routes, each behind
/// `APIGate`; and the contract itself at `/api/openapi.json`, read once at start from `Public/api/openapi.json`
/// (scripts/generate-api writes both).
struct APIController: RouteCollection {
    static let serverURL = URL(string: "/api/v1")!
    static let contractFile = "Public/api/openapi.json"

    let callsPerMinute: Int
    let contract: ByteBuffer

    init(callsPerMinute: Int, workingDirectory: String) throws {
        self.callsPerMinute = callsPerMinute
        let data = try Data(contentsOf: URL(fileURLWithPath: workingDirectory + "/" + Self.contractFile))
        contract = ByteBuffer(data: data)
    }

    func boot(routes: any RoutesBuilder) throws {
        let contract = contract
        routes.get("api", "openapi.json") { _ in
            var headers = HTTPHeaders()
            headers.contentType = .json
            headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=300")
            return Response(status: .ok, headers: headers, body: .init(buffer: contract))
        }
        let gate = APIGate(rate: Throttle.Limit(attempts: callsPerMinute, window: 60))
        let transport = VaporTransport(routesBuilder: routes.grouped(gate))
        try RightsAPI().registerHandlers(on: transport, serverURL: Self.serverURL)
        try refuseUndeclaredMethods(on: routes)
    }

    /// Every other method on an operation's path is a 405 naming the allowed ones (RFC 9110 §15.5.6), not a 404.
    private func refuseUndeclaredMethods(on routes: any RoutesBuilder) throws {
        struct Contract: Decodable { let paths: [String: [String: AnyDecodable]] }
        struct AnyDecodable: Decodable { init(from decoder: any Decoder) throws {} }
        let paths = try JSONDecoder().decode(Contract.self, from: contract).paths
        let methods: [HTTPMethod] = [
            .GET, .HEAD, .POST, .PUT, .PATCH, .DELETE, .OPTIONS, .TRACE, .RAW(value: "QUERY"),
        ]
        for (path, operations) in paths {
            let declared = methods.filter { operations[$0.rawValue.lowercased()] != nil }
            // Vapor answers HEAD with the GET route.
            let allowed = declared.contains(.GET) ? declared + [.HEAD] : declared
            let components =
                Self.serverURL.path.pathComponents
                + path.split(separator: "/").map { part in
                    part.hasPrefix("{")
                        ? PathComponent.parameter(String(part.dropFirst().dropLast())) : .constant(String(part))
                }
            for method in methods where !allowed.contains(method) {
                routes.on(method, components) { _ in
                    var problem = APIProblem(.methodNotAllowed, "Méthode non prise en charge.")
                    problem.headers = [("Allow", allowed.map(\.rawValue).joined(separator: ", "))]
                    return problem.response
                }
            }
        }
    }
}
