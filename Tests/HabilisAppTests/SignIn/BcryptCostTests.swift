import Fluent
import Foundation
import Testing
import Vapor

@testable import HabilisApp

/// The Bcrypt cost is a setting an operator sizes instances with; stored hashes follow it up at the next sign-in.
@Suite("Bcrypt cost: a setting, and hashes raised to it at sign-in")
struct BcryptCostTests {
    let production = [
        "HABILIS_BASE_URL": "https://habilis.ucanss.fr", "HABILIS_MAIL_TRANSPORT": "smtp://relay.ucanss.fr:25",
        "DATABASE_URL": "postgres://habilis@db/habilis",
    ]

    @Test("HABILIS_BCRYPT_COST: 12 by default, 10 to 14 in production, never under OWASP's floor there")
    func setting() throws {
        #expect(try Settings.fromEnvironment(production, isProduction: true).bcryptCost == 12)
        #expect(try Settings.fromEnvironment([:], isProduction: false).bcryptCost == 12)
        for accepted in ["10", "14"] {
            let settings = try Settings.fromEnvironment(
                production.merging(["HABILIS_BCRYPT_COST": accepted]) { $1 }, isProduction: true)
            #expect(settings.bcryptCost == Int(accepted))
        }
        for refused in ["9", "4", "15", "douze"] {
            #expect(throws: SettingsError.self) {
                try Settings.fromEnvironment(
                    production.merging(["HABILIS_BCRYPT_COST": refused]) { $1 }, isProduction: true)
            }
        }
        #expect(try Settings.fromEnvironment(["HABILIS_BCRYPT_COST": "4"], isProduction: false).bcryptCost == 4)
        #expect(throws: SettingsError.self) {
            try Settings.fromEnvironment(["HABILIS_BCRYPT_COST": "3"], isProduction: false)
        }
    }

    @Test("the cost of a stored hash is read from its prefix")
    func costOfHash() {
        #expect(PasswordHasher.cost(of: "$2b$12$abcdefghijklmnopqrstuu") == 12)
        #expect(PasswordHasher.cost(of: "$2b$04$abcdefghijklmnopqrstuu") == 4)
        #expect(PasswordHasher.cost(of: "plain") == nil)
        #expect(PasswordHasher.cost(of: "$2b$x$abc") == nil)
    }

    /// The settings of the tests with the cost `cost`.
    func cost(_ cost: Int) -> (inout Settings) -> Void { { $0.bcryptCost = cost } }

    /// Stores the demo agent's password hashed at `cost`, as an account made before the setting changed.
    func storePassword(at cost: Int, _ context: TestContext) async throws -> String {
        let agent = try await Given.agent(DemoWorld.agentEmail, on: context.db)
        agent.passwordHash = try Bcrypt.hash(PasswordHasher.prehash(demoPassword), cost: cost)
        try await agent.update(on: context.db)
        return agent.passwordHash
    }

    @Test("a hash below the configured cost is raised at the next sign-in, and the password still works")
    func raisedAtSignIn() async throws {
        try await withTestApp(settings: cost(5)) { context in
            let before = try await storePassword(at: 4, context)
            let wrong = try await context.browser().signIn(DemoWorld.agentEmail, password: "pas le bon mot de passe")
            #expect(wrong.status != .seeOther)
            #expect(try await Given.agent(DemoWorld.agentEmail, on: context.db).passwordHash == before)

            let browser = context.browser()
            #expect(try await browser.signIn(DemoWorld.agentEmail).status == .seeOther)
            let after = try await Given.agent(DemoWorld.agentEmail, on: context.db).passwordHash
            #expect(PasswordHasher.cost(of: after) == 5)
            #expect(try Bcrypt.verify(PasswordHasher.prehash(demoPassword), created: after))
            // The next sign-in works with the raised hash and leaves it alone.
            #expect(try await context.browser().signIn(DemoWorld.agentEmail).status == .seeOther)
            #expect(try await Given.agent(DemoWorld.agentEmail, on: context.db).passwordHash == after)
        }
    }

    @Test("a hash above the configured cost is never lowered")
    func neverLowered() async throws {
        try await withTestApp(settings: cost(4)) { context in
            let stronger = try await storePassword(at: 6, context)
            #expect(try await context.browser().signIn(DemoWorld.agentEmail).status == .seeOther)
            #expect(try await Given.agent(DemoWorld.agentEmail, on: context.db).passwordHash == stronger)
        }
    }

    @Test("an account with a second factor gets its hash raised at the password step")
    func raisedBeforeTheCode() async throws {
        try await withTestApp(settings: cost(5)) { context in
            _ = try await SecondFactorTests().enable(DemoWorld.agentEmail, context)
            _ = try await storePassword(at: 4, context)
            let page = try await context.browser().signIn(DemoWorld.agentEmail)
            #expect(page.location == Paths.signInCode)
            let raised = try await Given.agent(DemoWorld.agentEmail, on: context.db).passwordHash
            #expect(PasswordHasher.cost(of: raised) == 5)
        }
    }
}
