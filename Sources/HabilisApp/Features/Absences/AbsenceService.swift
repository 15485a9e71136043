import Fluent
import Foundation
import SQLKit

/// Absences of correspondents and their deputies (« suppléance »). During an absence the deputy sees, decides and
/// is told what the absent correspondent would be (`Authorization.designations`, `DeciderDirectory`); without a
/// deputy, an organisme whose correspondents are all away routes to the administrators. The sweep routes again the
/// pending requests of an organisme when one of its absences begins.
struct AbsenceService: Sendable {
    let clock: any Clock
    let audit: AuditLog
    let notifier: Notifier
    let mails: MailTemplates
    let routing: Routing

    /// Records the absence of `absent` over `period`, tells the deputy, and routes again at once when it has begun;
    /// false, and nothing written, when another absence of theirs overlaps it.
    func declare(
        for absent: Agent, period: Range<Date>, deputy: Agent?, by user: CurrentUser, ip: String?,
        on database: any Database
    ) async throws -> Bool {
        let now = clock.now
        let declared = try await database.atomically { transaction in
            // The same form sent twice at once: the second waits, then finds the first's absence.
            try await transaction.lockRow(Agent.schema, id: absent.id!)
            let overlapping = try await Absence.query(on: transaction).filter(\.$agent.$id == absent.id!)
                .filter(\.$endsAt > period.lowerBound).filter(\.$startsAt < period.upperBound).count()
            guard overlapping == 0 else { return false }
            let absence = Absence(
                agentID: absent.id!, startsAt: period.lowerBound, endsAt: period.upperBound, deputyID: deputy?.id,
                createdByID: user.id, createdAt: now)
            try await absence.create(on: transaction)
            if let deputy {
                let lastDay = RightValidity.lastDay(of: period.upperBound)
                let firstDay = ParisCalendar.longDate(period.lowerBound)
                try await notifier.notify(
                    deputy,
                    message: "Vous suppléez \(absent.fullName) du \(firstDay) au \(lastDay) : ses demandes à "
                        + "traiter et ses revues vous reviennent pendant cette période.",
                    link: Paths.requestsToDecide,
                    mail: mails.deputyNamed(to: deputy, absent: absent, firstDay: firstDay, lastDay: lastDay),
                    key: "absence:\(absence.id!):deputy", on: transaction)
            }
            try await audit.record(
                .absenceDeclared, by: AuditContext(actorID: user.id, ip: ip), target: ("agent", absent.id!.uuidString),
                organisationID: absent.$organisation.id,
                details: [
                    "absence": absence.id!.uuidString,
                    "starts_at": ISO8601DateFormatter().string(from: period.lowerBound),
                    "ends_at": ISO8601DateFormatter().string(from: period.upperBound),
                    "deputy": deputy?.email ?? "",
                ], on: transaction)
            return true
        }
        if declared, period.lowerBound <= now { _ = try await rerouteStarted(asOf: now, on: database) }
        return declared
    }

    /// Ends an absence now (or cancels one not begun); false when it was over already.
    func end(_ absence: Absence, by user: CurrentUser, ip: String?, on database: any Database) async throws -> Bool {
        let now = clock.now
        return try await database.atomically { transaction in
            let sql = transaction as! any SQLDatabase
            let changed: Int
            if absence.startsAt > now {
                changed = try await sql.raw(
                    "DELETE FROM absences WHERE id = \(bind: absence.id!) RETURNING id"
                ).all().count
            } else {
                changed = try await sql.raw(
                    """
                    UPDATE absences SET ends_at = \(bind: now) WHERE id = \(bind: absence.id!) AND ends_at > \(bind: now)
                    RETURNING id
                    """
                ).all().count
            }
            guard changed > 0 else { return false }
            try await audit.record(
                .absenceEnded, by: AuditContext(actorID: user.id, ip: ip),
                target: ("agent", absence.$agent.id.uuidString),
                details: ["absence": absence.id!.uuidString], on: transaction)
            return true
        }
    }

    /// Routes again the pending requests of the organismes of every absence begun and not yet taken into account:
    /// those of correspondents now all away without a deputy go to the administrators. Each absence is claimed by a
    /// conditional update, so two instances do it once.
    func rerouteStarted(asOf instant: Date, on database: any Database) async throws -> Int {
        let sql = database as! any SQLDatabase
        let begun = try await sql.raw(
            """
            UPDATE absences SET rerouted_at = \(bind: instant)
            WHERE rerouted_at IS NULL AND starts_at <= \(bind: instant) AND ends_at > \(bind: instant)
            RETURNING agent_id
            """
        ).all().map { try $0.decode(column: "agent_id", as: UUID.self) }
        guard !begun.isEmpty else { return 0 }
        let organisations = try await Correspondent.query(on: database).filter(\.$agent.$id ~~ Set(begun)).all()
            .map(\.$organisation.id)
        var rerouted = 0
        for organisationID in Set(organisations) {
            rerouted += try await routing.reroutePending(of: organisationID, on: database)
        }
        return rerouted
    }
}
