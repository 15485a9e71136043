import Foundation
import Vapor

/// `habilis sweep [--as-of <ISO-8601 instant>]`: runs the sweep (`Application.sweep`), then delivers the mails it
/// produced. The server runs the same sweep on a timer; both are safe to run at once.
struct SweepCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "as-of", help: "Act as of this instant (ISO 8601, e.g. 2026-03-12T09:00:00Z); default: now.")
        var asOf: String?

        @Flag(
            name: "keep-mail",
            help: "Leave the mails in the outbox for the servers' dispatcher instead of sending them.")
        var keepMail: Bool
    }

    var help: String { "Accepts the access requests whose delay has passed and reminds the validators." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let instant: Date
        if let text = signature.asOf {
            guard let parsed = Self.parse(text) else {
                context.console.error("--as-of : instant ISO 8601 attendu, par exemple 2026-03-12T09:00:00Z")
                throw CommandFailure()
            }
            instant = parsed
        } else {
            instant = app.portal.clock.now
        }
        let started = ContinuousClock.now
        let outcome = try await app.sweep(asOf: instant)
        let (report, accounts, reviews) = (outcome.accessRequests, outcome.accountRequests, outcome.accessReviews)
        let swept = ContinuousClock.now - started
        let sent = signature.keepMail ? nil : try await app.portal.dispatcher.dispatchDue(on: app.backgroundDB)
        let seconds = Double(swept.components.seconds) + Double(swept.components.attoseconds) / 1e18
        context.console.print(
            "Balayage au \(ISO8601DateFormatter().string(from: instant)) : \(report.autoAccepted) demande(s) "
                + "acceptée(s) automatiquement, \(report.reminded) rappel(s), \(outcome.rightEnds.noticed) avis de fin "
                + "d’habilitation, \(outcome.rightEnds.ended) habilitation(s) arrivée(s) à échéance, "
                + "\(reviews.reminded) rappel(s) de revue, \(reviews.closed) campagne(s) de revue close(s) "
                + "(\(reviews.keptAtDeadline) habilitation(s) non revue(s) conservée(s), \(reviews.removedAtDeadline) retirée(s)), "
                + "\(accounts.escalated) demande(s) de compte "
                + "signalée(s) en retard, \(accounts.purged) inscription(s) non confirmée(s) purgée(s), \(outcome.auditEventsPurged) "
                + "événement(s) d’audit de plus de \(app.settings.auditRetentionDays) jours supprimé(s), "
                + "\(outcome.sessionsPurged) session(s) expirée(s) et \(outcome.singleSignOnPurged) code(s), jeton(s) "
                + "et connexion(s) aux applications expiré(s) "
                + "supprimé(s) en "
                + String(format: "%.1f", seconds) + " s ; "
                + (sent.map { "\($0) courriel(s) envoyé(s)." } ?? "courriels laissés dans la file d’envoi."))
    }

    static func parse(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}
