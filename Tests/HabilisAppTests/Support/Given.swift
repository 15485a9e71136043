import Fluent
import Foundation
import Testing

@testable import HabilisApp

/// Builders for the situations tests start from, on top of the demo world.
enum Given {
    static func agent(_ email: String, on database: any Database) async throws -> Agent {
        try #require(try await Agent.query(on: database).filter(\.$email == email).first())
    }

    static func application(_ code: String, on database: any Database) async throws -> BusinessApplication {
        try #require(try await BusinessApplication.query(on: database).filter(\.$code == code).first())
    }

    static func organisation(_ code: String, on database: any Database) async throws -> Organisation {
        try #require(try await Organisation.query(on: database).filter(\.$code == code).first())
    }

    /// A new active agent of an organisme, with the demo password.
    static func newAgent(
        _ email: String, first: String = "Camille", last: String = "Test", organisation code: String,
        context: TestContext
    ) async throws -> Agent {
        let organisation = try await organisation(code, on: context.db)
        let existing = try await agent(DemoWorld.agentEmail, on: context.db)
        let agent = Agent(
            email: email, passwordHash: existing.passwordHash, civility: "Madame", firstName: first, lastName: last,
            organisationID: organisation.id!, status: .active, createdAt: context.clock.now)
        try await agent.create(on: context.db)
        return agent
    }

    /// The pending requests of an agent.
    static func requests(of email: String, on database: any Database) async throws -> [AccessRequest] {
        let agent = try await agent(email, on: database)
        return try await AccessRequest.query(on: database).filter(\.$agent.$id == agent.id!).sort(\.$createdAt).all()
    }

    /// The active grants of an agent, by application code.
    static func grants(of email: String, on database: any Database) async throws -> [String] {
        let agent = try await agent(email, on: database)
        return try await Grant.query(on: database).filter(\.$agent.$id == agent.id!).filter(\.$revokedAt == nil)
            .with(\.$application).all().map(\.application.code).sorted()
    }
}

/// Signs in and sends a request through the confirmation step, as the agent would.
@discardableResult
func requestAccess(
    _ code: String, as email: String, justification: String = "", context: TestContext
) async throws -> Page {
    let browser = context.browser()
    try await browser.signIn(email)
    try await browser.get(Paths.requestAccess(code))
    return try await browser.post(Paths.requestAccess(code), [("justification", justification)])
}
