import Fluent
import Foundation
import OpenAPIRuntime
import Vapor

/// In front of every `/api/v1` operation: the bearer token of a machine client (401 otherwise), its rate limit
/// (429 with `Retry-After`), the caller handed to the handler, refusals rendered as problem details, and one audit
/// event per call with the client as actor.
struct APIGate: AsyncMiddleware {
    /// Calls of one client a minute (`HABILIS_API_CALLS_PER_MINUTE`), then refused until the window ends.
    let rate: Throttle.Limit
    var format: APIProblem.Format = .problemDetails

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        // The token check, the rate limit and the audit event read and write the database too: away, the caller
        // is told in its own format, not with the pages' HTML.
        do {
            return try await gate(request, chainingTo: next)
        } catch let error where DatabaseOutage.isOutage(error) {
            return Self.problem(for: error).response(format)
        }
    }

    private func gate(_ request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let services = request.portal
        guard let token = request.headers.bearerAuthorization?.token,
            let (client, scopes) = try await services.machineTokens.verify(token, on: request.db)
        else {
            var problem = APIProblem(
                .unauthorized, "Authentification requise.",
                detail: "Jeton d’accès absent, invalide ou expiré : demandez-en un au point de jeton.")
            let error = request.headers.bearerAuthorization == nil ? "" : ", error=\"invalid_token\""
            problem.headers = [("WWW-Authenticate", "Bearer realm=\"habilis\"\(error)")]
            return problem.response(format)
        }
        let caller = APICaller(
            client: client, scopes: scopes, ip: request.clientIP, database: request.db, services: services)
        if case .refused(let retryAfter, let isFirst) = try await services.throttle.reserve(
            "api:\(client.clientID)", rate, on: request.db)
        {
            if isFirst {
                try await services.audit.record(
                    .apiThrottled, outcome: "refused", by: caller.audit, target: ("machine_client", client.clientID),
                    applicationID: client.$application.id, on: request.db)
            }
            var problem = APIProblem(.tooManyRequests, "Trop d’appels.", detail: "Réessayez dans quelques secondes.")
            problem.headers = [("Retry-After", String(max(1, Int(retryAfter.rounded(.up)))))]
            return problem.response(format)
        }
        let response: Response
        do {
            // The generated code would read a streamed body of any size: it is read here, up to the routes' limit.
            _ = try await request.body.collect(max: request.application.routes.defaultMaxBodySize.value).get()
            response = try await APICaller.$current.withValue(caller) { try await next.respond(to: request) }
        } catch {
            let problem = Self.problem(for: error)
            if problem.status == .internalServerError { request.logger.report(error: error) }
            response = problem.response(format)
        }
        try await services.audit.record(
            .apiCalled, outcome: response.status.code < 400 ? "success" : "refused", by: caller.audit,
            target: ("machine_client", client.clientID), applicationID: client.$application.id,
            details: [
                "method": request.method.rawValue, "path": request.url.path, "status": String(response.status.code),
            ], on: request.db)
        return response
    }

    /// A handler's refusal; a request the generated code could not decode (400) or Vapor refused (its status); the
    /// database away (503 with `Retry-After`, as the pages); anything else a 500. The generated server wraps every
    /// error in a `ServerError`, and only a failure before the handler ran (no operation input) is the caller's fault.
    static func problem(for error: any Error) -> APIProblem {
        if let problem = error as? APIProblem { return problem }
        if let error = error as? ServerError {
            if let problem = error.underlyingError as? APIProblem { return problem }
            guard error.operationInput != nil else {
                return APIProblem(
                    .badRequest, "Requête invalide.",
                    detail: "Un paramètre ou le corps de la requête ne respecte pas le contrat de l’API.")
            }
            return problem(for: error.underlyingError)
        }
        // Vapor's own refusals: a body over the limit (413), a body it cannot decode (400, 415).
        if let abort = error as? any AbortError, (400..<500).contains(abort.status.code) {
            return ProgramInterface.problem(abort.status)
        }
        if NulCharacterGuard.isRefusedByDatabase(error) { return ProgramInterface.problem(.badRequest) }
        if WriteConflict.isConflict(error) { return ProgramInterface.problem(.conflict) }
        if DatabaseOutage.isOutage(error) {
            var problem = ProgramInterface.problem(.serviceUnavailable)
            problem.headers = [("Retry-After", String(DatabaseOutage.retryAfterSeconds))]
            return problem
        }
        return ProgramInterface.problem(.internalServerError)
    }
}
