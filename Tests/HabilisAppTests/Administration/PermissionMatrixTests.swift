import Fluent
import Foundation
import Testing
import Vapor

@testable import HabilisApp

@Suite("Permissions: every route declares who may use it, checked on the server")
struct PermissionMatrixTests {
    /// Routes a visitor may use. The OpenID Connect endpoints are the applications' (they authenticate clients
    /// and tokens themselves); the authorization endpoint sends a visitor to the sign-in once the request is valid.
    static let publicPrefixes = [
        "/connexion", "/mot-de-passe", "/inscription", "/faq", "/healthz", "/readyz", "/deconnexion",
        "/mes-informations/coordonnees/confirmation", "/donnees-personnelles", "/accessibilite", "/oidc/",
        "/.well-known/",
        // Operators' scraper: not found, or its bearer token (MetricsTests).
        "/metrics",
        // Machine clients: a bearer token or 401 (APITests).
        "/api/", "/scim/",
    ]

    /// The path of a route with its parameters filled with a random id.
    static func concretePath(_ route: Route) -> String {
        "/"
            + route.path.map { component -> String in
                switch component {
                case .constant(let value): value
                case .parameter: UUID().uuidString.lowercased()
                case .anything, .catchall: "x"
                }
            }.joined(separator: "/")
    }

    @Test("a visitor is sent to the sign-in page by every route that is not public")
    func visitorDeniedByDefault() async throws {
        try await withTestApp { context in
            let routes = context.app.routes.all.filter { $0.method == .GET }
            #expect(routes.count > 30)
            for route in routes {
                let path = Self.concretePath(route)
                guard path != "/", !Self.publicPrefixes.contains(where: { path.hasPrefix($0) }) else { continue }
                let page = try await context.browser().get(path)
                #expect(page.status == .seeOther && page.location == Paths.signIn, "\(path) gave \(page.status)")
            }
        }
    }

    @Test("every administration route refuses agents, Agents de Direction and correspondents, with an audit event")
    func administrationMatrix() async throws {
        try await withTestApp { context in
            let adminRoutes = context.app.routes.all.filter { $0.path.first == .constant("administration") }
            #expect(adminRoutes.count >= 25)
            for email in [
                DemoWorld.agentEmail, DemoWorld.directorEmail, DemoWorld.cpamCorrespondentEmail,
                DemoWorld.correspondentEmail,
            ] {
                let browser = context.browser()
                try await browser.signIn(email)
                for route in adminRoutes {
                    let path = Self.concretePath(route)
                    let page =
                        route.method == .GET
                        ? try await browser.get(path) : try await browser.post(path, [("email", "x@caf.fr")])
                    #expect(page.status == .forbidden, "\(email) \(route.method) \(path) gave \(page.status)")
                    #expect(!page.html.contains("<table"))
                }
            }
            let denied = try await AuditEvent.query(on: context.db).filter(\.$action == "access.denied").count()
            #expect(denied == adminRoutes.count * 4)
        }
    }

    @Test("an administrator reaches every administration page")
    func administratorAllowed() async throws {
        try await withTestApp { context in
            let browser = context.browser()
            try await browser.signIn(DemoWorld.administratorEmail)
            let pages = context.app.routes.all.filter {
                $0.method == .GET && $0.path.first == .constant("administration")
            }
            for route in pages {
                let path = Self.concretePath(route)
                let page = try await browser.get(path)
                let hasParameter = route.path.contains { if case .parameter = $0 { true } else { false } }
                #expect(page.status == (hasParameter ? .notFound : .ok), "\(path) gave \(page.status)")
            }
        }
    }

    @Test("the correspondent's routes refuse agents and Agents de Direction")
    func correspondentRoutes() async throws {
        try await withTestApp { context in
            let grant = try #require(try await Grant.query(on: context.db).first())
            let paths: [(HTTPMethod, String)] = [
                (.GET, Paths.requestsToDecide), (.POST, Paths.decideRequests), (.POST, Paths.decideAccountRequests),
                (.GET, Paths.agentRights(grant.$agent.id)), (.POST, Paths.revokeGrant(grant.id!)),
                (.GET, Paths.myOrganisationAgents),
            ]
            for email in [DemoWorld.agentEmail, DemoWorld.directorEmail] {
                let browser = context.browser()
                try await browser.signIn(email)
                for (method, path) in paths {
                    let page =
                        method == .GET ? try await browser.get(path) : try await browser.post(path, [("motif", "x")])
                    #expect(page.status == .forbidden, "\(email) \(path) gave \(page.status)")
                }
            }
            #expect(try await Grant.find(grant.id, on: context.db)?.revokedAt == nil)
        }
    }
}
