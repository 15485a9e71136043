import Fluent
import Foundation
import SQLKit
import Testing

@testable import HabilisApp

@Suite("Audit retention: events older than the retention are deleted by the sweep, and the purge is recorded")
struct AuditRetentionTests {
    /// Inserts `count` events `daysAgo` days before `testEpoch`.
    func events(_ count: Int, daysAgo: Double, action: String, on database: any Database) async throws {
        try await (database as! any SQLDatabase).insertRows(
            into: AuditEvent.schema, columns: ["id", "occurred_at", "action", "outcome", "details"],
            rows: (0..<count).map { _ in
                [UUID(), testEpoch.addingTimeInterval(-daysAgo * 86_400), action, "success", "{}"]
            })
    }

    @Test("past 365 days the events go, in batches, the younger ones stay; a second purge finds nothing")
    func purge() async throws {
        try await withTestApp(seedDemo: false) { context in
            try await events(10_050, daysAgo: 400, action: "sign_in.failed", on: context.db)
            try await events(3, daysAgo: 366, action: "sign_out", on: context.db)
            try await events(2, daysAgo: 364, action: "sign_in.succeeded", on: context.db)
            let audit = context.app.portal.audit
            #expect(try await audit.purge(olderThan: 365, at: testEpoch, on: context.db) == 10_053)
            let left = try await AuditEvent.query(on: context.db).all().map(\.action).sorted()
            #expect(left == ["audit.purged", "sign_in.succeeded", "sign_in.succeeded"])
            let recorded = try #require(
                try await AuditEvent.query(on: context.db).filter(\.$action == "audit.purged").first())
            #expect(recorded.details.contains("\"count\":\"10053\""))
            #expect(recorded.actorID == nil)

            #expect(try await audit.purge(olderThan: 365, at: testEpoch, on: context.db) == 0)
            #expect(try await AuditEvent.query(on: context.db).filter(\.$action == "audit.purged").count() == 1)
        }
    }

    @Test("details are written as JSONEncoder writes them, hostile text escaped and each value cut at 500")
    func detailsEncoding() throws {
        let hostile = (0..<0x80).map { String(UnicodeScalar(UInt8($0))) }.joined() + "é€😀\u{2028}"
        let details = [
            "reason": hostile, "application": "CODE/1", "z": "", "a.before": "\"quoted\"",
            "long": String(repeating: "x", count: 600),
        ]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let expected = String(
            decoding: try encoder.encode(details.mapValues { String($0.prefix(500)) }), as: UTF8.self)
        #expect(AuditLog.encode(details) == expected)
        #expect(AuditLog.encode([:]) == "{}")
        let decoded = try JSONDecoder().decode([String: String].self, from: Data(AuditLog.encode(details).utf8))
        #expect(decoded["reason"] == hostile)
        #expect(decoded["long"]?.count == 500)
    }

    @Test("the retention is a setting between six months and three years")
    func setting() throws {
        #expect(try Settings.fromEnvironment([:], isProduction: false).auditRetentionDays == 365)
        #expect(
            try Settings.fromEnvironment(["HABILIS_AUDIT_RETENTION_DAYS": "180"], isProduction: false)
                .auditRetentionDays == 180)
        for refused in ["179", "1096", "un an"] {
            #expect(throws: SettingsError.self) {
                try Settings.fromEnvironment(["HABILIS_AUDIT_RETENTION_DAYS": refused], isProduction: false)
            }
        }
    }
}
