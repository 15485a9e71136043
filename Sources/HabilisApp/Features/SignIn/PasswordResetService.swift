import Fluent
import Foundation
import SQLKit

/// "Mot de passe oublié": sends a single-use link valid one hour, then sets the new password and ends every session.
public struct PasswordResetService: Sendable {
    public static let linkValidity: TimeInterval = 60 * 60

    let clock: any Clock
    let audit: AuditLog
    let sessions: SessionStore
    let throttle: Throttle
    let signInBudgets: SignInBudgets
    let passwords: PasswordHasher
    let policy: PasswordPolicy
    let outbox: Outbox
    let mails: MailTemplates

    /// Sends a link when the address belongs to an active account; the visitor sees the same page in every case.
    public func requestReset(email: String, ip: String?, on database: any Database) async throws {
        try await database.atomically { transaction in
            let context = AuditContext(actorID: nil, ip: ip)
            let sourceAllowed = try await throttle.reserve(
                "reset:source:\(ip ?? "unknown")", Throttle.formsPerSource, on: transaction
            ).isAllowed
            let agent = try await Agent.query(on: transaction).filter(\.$email == email).first()
            guard let agent, let agentID = agent.id, agent.status == .active else {
                try await audit.record(
                    .passwordResetRequested, outcome: "ignored", by: context,
                    details: ["email": email, "reason": agent == nil ? "unknown_account" : "account_not_active"],
                    on: transaction)
                return
            }
            guard sourceAllowed,
                try await throttle.reserve("reset:mail:\(email)", Throttle.mailsPerAddress, on: transaction).isAllowed
            else {
                try await audit.record(
                    .passwordResetThrottled, outcome: "refused", by: AuditContext(actorID: agentID, ip: ip),
                    on: transaction)
                return
            }
            // A newer link kills the older ones.
            try await PasswordResetToken.query(on: transaction)
                .filter(\.$agent.$id == agentID)
                .filter(\.$usedAt == nil)
                .set(\.$usedAt, to: clock.now)
                .update()
            let token = SecureToken.generate()
            let row = PasswordResetToken(
                agentID: agentID, tokenHash: SecureToken.hash(token), createdAt: clock.now,
                expiresAt: clock.now.addingTimeInterval(Self.linkValidity))
            try await row.create(on: transaction)
            let link = mails.baseURL + Paths.resetPassword + "?jeton=" + token
            try await outbox.enqueue(
                mails.passwordReset(
                    to: agent.email, name: agent.fullName, link: link, validMinutes: Int(Self.linkValidity / 60)),
                key: "password-reset:\(row.id!)", on: transaction)
            try await audit.record(
                .passwordResetRequested, by: AuditContext(actorID: agentID, ip: ip), on: transaction)
        }
    }

    /// The agent a link is for, when the link is still usable.
    public func agent(forToken token: String, on database: any Database) async throws -> Agent? {
        guard let row = try await usableToken(token, on: database) else { return nil }
        return try await row.$agent.get(on: database)
    }

    /// Administrators and local correspondents choose longer passwords (`PasswordPolicy`).
    public func isPrivileged(_ agent: Agent, on database: any Database) async throws -> Bool {
        if agent.isAdministrator { return true }
        return try await Correspondent.query(on: database).filter(\.$agent.$id == agent.id!).count() > 0
    }

    /// Outcome of choosing a new password.
    public enum ResetOutcome: Sendable {
        case done
        case invalidLink
        case rejected(FormErrors)
    }

    /// Sets the new password if the link is still usable and the password meets the policy.
    public func reset(
        token: String, password: String, confirmation: String, ip: String?, on database: any Database
    )
        async throws -> ResetOutcome
    {
        guard let row = try await usableToken(token, on: database) else {
            try await audit.record(
                .passwordResetRejected, outcome: "refused", by: .init(actorID: nil, ip: ip), on: database)
            return .invalidLink
        }
        let agent = try await row.$agent.get(on: database)
        let organisation = try await agent.$organisation.get(on: database)
        var errors = FormErrors()
        let isPrivileged = try await isPrivileged(agent, on: database)
        if let problem = policy.problem(
            with: password,
            contextWords: [agent.firstName, agent.lastName, agent.birthName ?? "", agent.email, organisation.name],
            isPrivileged: isPrivileged)
        {
            errors.add("password", problem)
        } else if password != confirmation {
            errors.add("confirmation", "Les deux mots de passe ne sont pas identiques.")
        }
        guard errors.isEmpty else { return .rejected(errors) }
        let hash = try await passwords.hash(password)
        let now = clock.now
        return try await database.atomically { transaction in
            // Single use even when the form is posted twice at once: only one update finds the link unused.
            let claimed = try await (transaction as! any SQLDatabase).update(PasswordResetToken.schema)
                .set("used_at", to: now)
                .where("id", .equal, row.id!)
                .where("used_at", .is, SQLLiteral.null)
                .returning("id")
                .all()
            guard !claimed.isEmpty else { return .invalidLink }
            agent.passwordHash = hash
            try await agent.update(on: transaction)
            try await sessions.closeAll(of: agent.id!, on: transaction)
            // The owner proved the address: whoever made the sign-in hold it no longer (issue 20, finding 4).
            try await signInBudgets.forgetAccount(email: agent.email, on: transaction)
            try await audit.record(
                .passwordResetCompleted, by: AuditContext(actorID: agent.id, ip: ip), on: transaction)
            try await outbox.enqueue(
                mails.passwordChanged(to: agent.email, name: agent.fullName),
                key: "password-changed:\(row.id!)", on: transaction)
            return .done
        }
    }

    private func usableToken(_ token: String, on database: any Database) async throws -> PasswordResetToken? {
        guard !token.isEmpty, token.count <= 100 else { return nil }
        guard
            let row = try await PasswordResetToken.query(on: database)
                .filter(\.$tokenHash == SecureToken.hash(token))
                .with(\.$agent)
                .first(),
            row.usedAt == nil, row.expiresAt > clock.now, row.agent.status == .active
        else { return nil }
        return row
    }
}
