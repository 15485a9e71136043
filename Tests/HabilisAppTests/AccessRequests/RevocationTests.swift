import Fluent
import Foundation
import Testing
import Vapor

@testable import HabilisApp

@Suite("Revocation: a correspondent or an administrator withdraws a right with a reason")
struct RevocationTests {
    @Test("the correspondent withdraws a right; the agent is told; the history keeps it")
    func revoke() async throws {
        try await withTestApp { context in
            let charenne = try await Given.agent(DemoWorld.agentEmail, on: context.db)
            let grant = try #require(try await Grant.query(on: context.db).filter(\.$agent.$id == charenne.id!).first())
            let marie = context.browser()
            try await marie.signIn(DemoWorld.correspondentEmail)
            let page = try await marie.get(Paths.agentRights(charenne.id!))
            #expect(page.contains("Habilitations de Aristide Charenne"))

            let empty = try await marie.post(Paths.revokeGrant(grant.id!), [("motif", "")])
            #expect(empty.status == .unprocessableEntity)
            #expect(empty.fieldError("motif-\(grant.id!.uuidString.lowercased())") == "Renseignez le motif du retrait.")

            let done = try await marie.post(Paths.revokeGrant(grant.id!), [("motif", "Changement de service")])
            #expect(try await marie.get(try #require(done.location)).contains("L’habilitation a été retirée"))
            let stored = try #require(try await Grant.find(grant.id, on: context.db))
            #expect(stored.revokedAt == testEpoch)
            #expect(stored.revocationReason == "Changement de service")
            let mail = try #require(try await context.deliverMail().first)
            #expect(mail.recipient == DemoWorld.agentEmail)
            #expect(mail.subject == "Votre habilitation à Accords locaux a été retirée")
            #expect(try await context.auditActions().contains("grant.revoked"))

            let agent = context.browser()
            try await agent.signIn(DemoWorld.agentEmail)
            #expect(try await agent.get(Paths.home).contains("Accords locaux 🔒 (accès non attribué)"))
            #expect(
                try await marie.get(Paths.agentRights(charenne.id!)).contains("retirée le 02/03/2026 par Marie Durand"))
        }
    }

    @Test("a correspondent of another organisme and an agent cannot withdraw it")
    func forbidden() async throws {
        try await withTestApp { context in
            let charenne = try await Given.agent(DemoWorld.agentEmail, on: context.db)
            let grant = try #require(try await Grant.query(on: context.db).filter(\.$agent.$id == charenne.id!).first())
            let martin = context.browser()
            try await martin.signIn(DemoWorld.cpamCorrespondentEmail)
            #expect(try await martin.get(Paths.agentRights(charenne.id!)).status == .notFound)
            #expect(try await martin.post(Paths.revokeGrant(grant.id!), [("motif", "x")]).status == .notFound)
            let agent = context.browser()
            try await agent.signIn(DemoWorld.directorEmail)
            #expect(try await agent.post(Paths.revokeGrant(grant.id!), [("motif", "x")]).status == .forbidden)
            #expect(try await Grant.find(grant.id, on: context.db)?.revokedAt == nil)
        }
    }
}
