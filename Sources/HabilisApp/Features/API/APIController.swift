import Foundation
import OpenAPIVapor
import Vapor

/// The REST API (`/api/v1`) as its contract, docs/api/openapi.yaml, declares it: the generated routes, each behind
/// `APIGate`. The contract itself is served as `Public/api/openapi.json` (scripts/generate-api writes both).
struct APIController: RouteCollection {
    static let serverURL = URL(string: "/api/v1")!

    let callsPerMinute: Int

    func boot(routes: any RoutesBuilder) throws {
        let gate = APIGate(rate: Throttle.Limit(attempts: callsPerMinute, window: 60))
        let transport = VaporTransport(routesBuilder: routes.grouped(gate))
        try RightsAPI().registerHandlers(on: transport, serverURL: Self.serverURL)
    }
}
