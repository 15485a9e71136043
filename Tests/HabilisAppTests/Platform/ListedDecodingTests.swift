import Fluent
import Foundation
import SQLKit
import Testing

@testable import HabilisApp

/// Models decoded from their listed properties (`ListedDecoding`) must be what Fluent's own decoding gives.
@Suite("Models decoded without reflection")
struct ListedDecodingTests {
    @Test("the agent's list holds every column Fluent knows, and a row decodes to the same agent both ways")
    func agent() async throws {
        let listed = Agent().listedProperties.flatMap(\.keys).map(\.description)
        let reflected = Agent.keys.map(\.description)
        #expect(listed.sorted() == reflected.sorted(), "a column of agents is missing from Agent.listedProperties")
        #expect(Set(listed).count == listed.count)

        try await withTestApp { context in
            let sql = context.db as! any SQLDatabase
            // One agent with its optional columns filled, the others with most of them empty.
            try await sql.raw(
                """
                UPDATE agents SET birth_name = 'Martin', contact_email = 'contact@example.fr', phone = '0102030405',
                    may_deputise = \(bind: true), last_sign_in_at = \(bind: context.clock.now), external_id = 'ext-1',
                    identity_source = 'annuaire', updated_at = \(bind: context.clock.now),
                    second_organisation_id = organisation_id
                WHERE email = \(bind: DemoWorld.agentEmail)
                """
            ).run()
            let rows = try await sql.raw("SELECT * FROM agents").all()
            #expect(rows.count > 3)
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            for row in rows {
                let byHand = try row.decode(listed: Agent.self)
                let byFluent = try row.decode(fluentModel: Agent.self)
                #expect(try encoder.encode(byHand) == encoder.encode(byFluent))
                #expect(byHand.$id.exists && byFluent.$id.exists)
                #expect(!byHand.hasChanges)
            }
            #expect(try rows.contains { try $0.decode(listed: Agent.self).birthName == "Martin" })

            // Fetched, not changed: an update writes the one field the caller changes.
            let agent = try #require(
                try rows.first { try $0.decode(column: "email", as: String.self) == DemoWorld.agentEmail }?.decode(
                    listed: Agent.self))
            agent.phone = "0607080910"
            #expect(agent.hasChanges)
            try await agent.update(on: context.db)
            let phone = try await sql.raw("SELECT phone, birth_name FROM agents WHERE id = \(bind: agent.id!)").first()
            #expect(try phone?.decode(column: "phone", as: String.self) == "0607080910")
            #expect(try phone?.decode(column: "birth_name", as: String.self) == "Martin")
        }
    }
}
