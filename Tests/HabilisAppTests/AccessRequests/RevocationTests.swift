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
            #expect(mail.subject == "Votre habilitation à Accords locaux (profil « Consultation ») a été retirée")
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

    @Test(
        "withdrawal follows the routing of decisions: a correspondent cannot withdraw a central right, one an administrator granted, nor her own"
    )
    func withdrawalFollowsRouting() async throws {
        try await withTestApp { context in
            let charenne = try await Given.agent(DemoWorld.agentEmail, on: context.db)
            let durand = try await Given.agent(DemoWorld.correspondentEmail, on: context.db)
            let admin = try await Given.agent(DemoWorld.administratorEmail, on: context.db)
            func grant(_ code: String, to agent: Agent, by granter: Agent?) async throws -> Grant {
                let application = try await Given.application(code, on: context.db)
                let grant = Grant(
                    agentID: agent.id!, applicationID: application.id!, grantedAt: testEpoch, grantedByID: granter?.id,
                    accessRequestID: nil)
                try await grant.create(on: context.db)
                return grant
            }
            let local = try #require(
                try await Grant.query(on: context.db).filter(\.$agent.$id == charenne.id!).first())
            let central = try await grant("TDB-RH", to: charenne, by: admin)
            let byAdministrator = try await grant("DROIT-SYNDICAL", to: charenne, by: admin)
            let own = try await grant("GREVE", to: durand, by: nil)

            let marie = context.browser()
            try await marie.signIn(DemoWorld.correspondentEmail)
            let page = try await marie.get(Paths.agentRights(charenne.id!))
            #expect(page.html.contains("id=\"motif-\(local.id!.uuidString.lowercased())\""))
            for refused in [central, byAdministrator] {
                #expect(page.contains(try await refused.$application.get(on: context.db).name))
                #expect(!page.html.contains("motif-\(refused.id!.uuidString.lowercased())"), "no button she cannot use")
            }
            for refused in [central, byAdministrator, own] {
                let answer = try await marie.post(Paths.revokeGrant(refused.id!), [("motif", "Départ")])
                #expect(answer.status == .notFound)
                let stored = try #require(try await Grant.find(refused.id, on: context.db))
                #expect(stored.revokedAt == nil && stored.revocationReason == nil)
            }
            #expect(try await context.auditActions().filter { $0 == "access.denied" }.count == 3)
            #expect(try await context.deliverMail().isEmpty)

            let administrator = context.browser()
            try await administrator.signIn(DemoWorld.administratorEmail)
            for allowed in [central, own] {
                let done = try await administrator.post(Paths.revokeGrant(allowed.id!), [("motif", "Départ")])
                #expect(done.status == .seeOther)
                #expect(try await Grant.find(allowed.id, on: context.db)?.revokedAt == testEpoch)
            }
        }
    }
}
