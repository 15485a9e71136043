import Fluent
import Foundation
import Testing
import Vapor

@testable import HabilisApp

@Suite("Courriels en échec: administrators see the mails the dispatcher gave up on and send them again")
struct FailedMailsTests {
    /// A mail given up after its attempts, as the dispatcher leaves it.
    func failedMail(to recipient: String, subject: String, on database: any Database) async throws -> OutboxMessage {
        let message = OutboxMessage()
        message.dedupeKey = "test:\(UUID())"
        message.recipient = recipient
        message.subject = subject
        message.textBody = "Bonjour,\n\nVotre demande a été acceptée."
        message.htmlBody = "<p>Bonjour,</p><p>Votre demande a été acceptée.</p>"
        message.status = .failed
        message.attempts = 8
        message.nextAttemptAt = testEpoch
        message.createdAt = testEpoch
        message.lastError = "550 5.1.1 <\(recipient)>: Recipient address rejected"
        try await message.create(on: database)
        return message
    }

    @Test("the failed mail is listed with its error; « Renvoyer » sends it once and the retry is audited")
    func retry() async throws {
        try await withTestApp { context in
            let failed = try await failedMail(
                to: "j.petit@caf.fr", subject: "Demande acceptée : Grève", on: context.db)
            let admin = context.browser()
            try await admin.signIn(DemoWorld.administratorEmail)
            #expect(try await admin.get(Paths.administration).html.contains("href=\"\(Paths.adminFailedMails)\""))
            let page = try await admin.get(Paths.adminFailedMails)
            #expect(page.status == .ok)
            #expect(page.contains("Demande acceptée : Grève"))
            #expect(page.contains("550 5.1.1 <j.petit@caf.fr>: Recipient address rejected"))
            #expect(page.html.contains(Paths.adminRetryMail(failed.id!)))

            let retried = try await admin.post(Paths.adminRetryMail(failed.id!), [])
            #expect(retried.status == .seeOther)
            let after = try await admin.get(try #require(retried.location))
            #expect(after.contains("Le courriel repart dans la file d’envoi"))
            #expect(after.contains("Aucun courriel en échec."))
            let stored = try #require(try await OutboxMessage.find(failed.id, on: context.db))
            #expect(stored.status == .pending && stored.attempts == 0 && stored.lastError == nil)
            let delivered = try await context.deliverMail().filter { $0.subject == "Demande acceptée : Grève" }
            #expect(delivered.map(\.recipient) == ["j.petit@caf.fr"])
            #expect(try await context.auditActions().filter { $0 == "mail.retried" }.count == 1)

            // Sent now, so no longer failed: a second retry (another tab) finds nothing to do, and shows the list.
            for id in [failed.id!, UUID()] {
                #expect(try await admin.post(Paths.adminRetryMail(id), []).location == Paths.adminFailedMails)
            }
            #expect(try await context.auditActions().filter { $0 == "mail.retried" }.count == 1)
        }
    }

    @Test("agents and correspondents cannot see or retry the failed mails")
    func administratorsOnly() async throws {
        try await withTestApp { context in
            let failed = try await failedMail(to: "x@caf.fr", subject: "Objet", on: context.db)
            let correspondent = context.browser()
            try await correspondent.signIn(DemoWorld.correspondentEmail)
            #expect(try await correspondent.get(Paths.adminFailedMails).status == .forbidden)
            #expect(try await correspondent.post(Paths.adminRetryMail(failed.id!), []).status == .forbidden)
            #expect(try await OutboxMessage.find(failed.id, on: context.db)?.status == .failed)
        }
    }
}
