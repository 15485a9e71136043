import SQLKit
import Vapor

/// Probes for the load balancer: `/healthz` says the process answers, `/readyz` that the database does.
struct HealthController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(Paths.health.pathComponents, use: health)
        routes.get(Paths.readiness.pathComponents, use: readiness)
    }

    /// The process is up.
    func health(req: Request) -> String { "ok" }

    /// The database answers a query, and the instance is not draining.
    func readiness(req: Request) async throws -> Response {
        if req.application.isDraining {
            return Response(status: .serviceUnavailable, body: .init(string: "draining"))
        }
        do {
            _ = try await (req.db as! any SQLDatabase).raw("SELECT 1 AS one").all()
            return Response(status: .ok, body: .init(string: "ok"))
        } catch {
            req.logger.warning("readiness: database unreachable")
            return Response(status: .serviceUnavailable, body: .init(string: "database unavailable"))
        }
    }
}
