import Foundation
import Testing
import Vapor

@testable import HabilisApp

@Suite("The personal data notice and the accessibility statement, linked from the footer of every page")
struct LegalPagesTests {
    @Test("both pages are open to visitors, linked from the footer of public and signed-in pages")
    func linkedEverywhere() async throws {
        try await withTestApp { context in
            let visitor = context.browser()
            for path in [Paths.signIn, Paths.registration, Paths.faq] {
                let page = try await visitor.get(path)
                #expect(page.html.contains("href=\"\(Paths.privacy)\""), "\(path)")
                #expect(page.html.contains(">Accessibilité : non conforme</a>"), "\(path)")
            }
            let agent = context.browser()
            try await agent.signIn(DemoWorld.agentEmail)
            #expect(try await agent.get(Paths.home).html.contains("href=\"\(Paths.accessibility)\""))
        }
    }

    @Test("the notice states the retention the portal applies; the statement says non conforme and how to complain")
    func content() async throws {
        let shortRetention: (inout Settings) -> Void = { $0.auditRetentionDays = 200 }
        try await withTestApp(settings: shortRetention) { context in
            let visitor = context.browser()
            let privacy = try await visitor.get(Paths.privacy)
            #expect(privacy.status == .ok)
            #expect(privacy.contains("Journal de sécurité : 200 jours."))
            #expect(privacy.contains("Inscription dont l’adresse n’est pas confirmée : 24 heures."))
            #expect(privacy.contains("webmaster@ucanss.fr"))
            let statement = try await visitor.get(Paths.accessibility)
            #expect(statement.status == .ok)
            #expect(statement.contains("est non conforme au référentiel général d’amélioration de l’accessibilité"))
            #expect(statement.contains("Défenseur des droits"))
        }
    }
}
