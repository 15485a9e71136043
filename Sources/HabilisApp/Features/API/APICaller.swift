import Fluent
import Foundation
import Vapor

/// The machine client behind an API call, as `APIGate` authenticated it; the generated handlers receive only the
/// operation's input, so the gate hands this over in a task-local value (as swift-openapi-vapor's guide does).
struct APICaller: Sendable {
    let client: MachineClient
    let scopes: [MachineScope]
    let ip: String?
    let database: any Database
    let services: PortalServices

    @TaskLocal static var current: APICaller?

    /// nil for a federation-wide client.
    var applicationID: UUID? { client.$application.id }
    var audit: AuditContext { AuditContext(actorID: client.id, ip: ip) }

    /// The caller of the operation running now, holding `scope`; otherwise 403.
    static func require(_ scope: MachineScope) throws -> APICaller {
        guard let caller = current else { throw APIProblem(.unauthorized, "Authentification requise.") }
        guard caller.scopes.contains(scope) else {
            throw APIProblem(
                .forbidden, "Portée insuffisante.", detail: "Cette opération demande la portée \(scope.rawValue).")
        }
        return caller
    }

    /// The application of `code` if this client may act on it: 404 if there is none, 403 outside its own.
    func application(_ code: String) async throws -> BusinessApplication {
        guard code.utf8.count <= 100,
            let application = try await BusinessApplication.query(on: database).filter(\.$code == code).first()
        else { throw APIProblem(.notFound, "Application inconnue.") }
        if let own = applicationID, own != application.id {
            throw APIProblem(
                .forbidden, "Application hors de portée.", detail: "Ce client n’agit que sur sa propre application.")
        }
        return application
    }
}

/// An RFC 9457 problem: what a handler throws to refuse a call, rendered by `APIGate` as
/// `application/problem+json` with a French title; `errors` names the refused fields.
struct APIProblem: Error, Sendable {
    struct FieldError: Encodable, Sendable {
        let field: String
        let message: String
    }

    let status: HTTPResponseStatus
    let title: String
    var detail: String?
    var errors: [FieldError] = []
    var headers: [(String, String)] = []
    /// SCIM's error kind (RFC 7644 §3.12), for the SCIM service.
    var scimType: String?

    /// How the interface that refuses writes its errors.
    enum Format: Sendable {
        /// RFC 9457 problem details, for the REST API.
        case problemDetails
        /// RFC 7644 §3.12 errors, for the SCIM service.
        case scim
    }

    init(_ status: HTTPResponseStatus, _ title: String, detail: String? = nil) {
        self.status = status
        self.title = title
        self.detail = detail
    }

    /// 400 naming the field.
    static func invalid(_ field: String, _ message: String) -> APIProblem {
        var problem = APIProblem(.badRequest, "Requête invalide.", detail: message)
        problem.errors = [FieldError(field: field, message: message)]
        return problem
    }

    func response(_ format: Format) -> Response {
        guard format == .scim else { return response }
        struct SCIMError: Encodable {
            let schemas = ["urn:ietf:params:scim:api:messages:2.0:Error"]
            let status: String
            let scimType: String?
            let detail: String
        }
        let body = SCIMError(
            status: String(status.code), scimType: scimType, detail: detail.map { "\(title) \($0)" } ?? title)
        let response = Response(status: status, body: .init(data: (try? JSONEncoder().encode(body)) ?? Data()))
        response.headers.replaceOrAdd(name: .contentType, value: "application/scim+json")
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        for (name, value) in headers { response.headers.replaceOrAdd(name: name, value: value) }
        return response
    }

    var response: Response {
        struct Body: Encodable {
            let type = "about:blank"
            let title: String
            let status: Int
            let detail: String?
            let errors: [FieldError]?
        }
        let body = Body(title: title, status: Int(status.code), detail: detail, errors: errors.isEmpty ? nil : errors)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let response = Response(status: status, body: .init(data: (try? encoder.encode(body)) ?? Data()))
        response.headers.replaceOrAdd(name: .contentType, value: "application/problem+json")
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        for (name, value) in headers { response.headers.replaceOrAdd(name: name, value: value) }
        return response
    }
}
