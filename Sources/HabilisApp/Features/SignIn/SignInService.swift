import Fluent
import Foundation
import Vapor

/// Checks a login and password, throttles failures, and opens the session.
public struct SignInService: Sendable {
    /// What a sign-in attempt gives.
    public enum Outcome: Sendable {
        case signedIn(agentID: UUID, sessionToken: String)
        /// The password is right and the account has a second factor: the sign-in waits for its code.
        case secondFactorRequired(challengeToken: String)
        /// Wrong password, unknown account or account not active: the visitor is told the same thing.
        case refused
        /// A budget is spent: no password was checked.
        case throttled(SignInBudgets.Budget, retryAfter: TimeInterval)
    }

    let clock: any Clock
    let audit: AuditLog
    let sessions: SessionStore
    let budgets: SignInBudgets
    let passwords: PasswordHasher
    let secondFactors: SecondFactorService
    /// A hash that unknown accounts are checked against, so that they take as long as known ones.
    let decoyHash: String

    init(
        clock: any Clock, audit: AuditLog, sessions: SessionStore, budgets: SignInBudgets, passwords: PasswordHasher,
        secondFactors: SecondFactorService
    ) {
        self.clock = clock
        self.audit = audit
        self.sessions = sessions
        self.budgets = budgets
        self.passwords = passwords
        self.secondFactors = secondFactors
        self.decoyHash = passwords.decoyHash()
    }

    /// One attempt with a normalised e-mail address. The attempt is reserved on every budget before anything is
    /// checked; a throttled attempt is answered without a Bcrypt (unknown accounts are throttled alike, so the
    /// quicker answer says nothing about the account). Throws `HashingOverloaded` when no hashing slot is free. Runs
    /// to its end when the client goes away: the attempt is then counted or given back, never left reserved.
    public func signIn(
        email: String, password: String, ip: String?, on database: any Database
    ) async throws
        -> Outcome
    {
        try await runToTheEnd { try await attempt(email: email, password: password, ip: ip, on: database) }
    }

    private func attempt(
        email: String, password: String, ip: String?, on database: any Database
    ) async throws
        -> Outcome
    {
        let agent = try await Agent.query(on: database).filter(\.$email == email).first()
        let context = AuditContext(actorID: agent?.id, ip: ip)
        if case .refused(let budget, let retryAfter, let isFirst) = try await budgets.reserve(
            email: email, source: ip, on: database)
        {
            // Once per window and budget: an attack must not flood the audit trail.
            if isFirst {
                try await audit.record(
                    .signInThrottled, outcome: "refused", by: context,
                    details: ["email": email, "budget": "\(budget)"], on: database)
            }
            return .throttled(budget, retryAfter: retryAfter)
        }
        let matches: Bool
        do {
            matches = try await passwords.verify(
                password, against: agent?.passwordHash ?? decoyHash, source: ip ?? "unknown")
        } catch let overloaded as HashingOverloaded {
            try await budgets.giveBack(email: email, source: ip, on: database)
            throw overloaded
        }
        guard let agent, matches, agent.status == .active, let agentID = agent.id else {
            let reason = agent == nil ? "unknown_account" : !matches ? "wrong_password" : "account_\(agent!.status)"
            // The reservation stays: it is the failure's count.
            try await audit.record(
                .signInFailed, outcome: "refused", by: context, details: ["email": email, "reason": reason],
                on: database)
            return .refused
        }
        let upgradedHash = await passwords.upgrade(password, stored: agent.passwordHash)
        if let upgradedHash { agent.passwordHash = upgradedHash }
        if try await secondFactors.isEnabled(for: agentID, on: database) {
            return try await database.atomically { transaction in
                try await budgets.succeeded(email: email, source: ip, on: transaction)
                if upgradedHash != nil { try await agent.update(on: transaction) }
                return .secondFactorRequired(
                    challengeToken: try await secondFactors.openChallenge(for: agentID, on: transaction))
            }
        }
        let token = try await database.atomically { transaction in
            try await budgets.succeeded(email: email, source: ip, on: transaction)
            agent.lastSignInAt = clock.now
            try await agent.update(on: transaction)
            try await audit.record(.signInSucceeded, by: context, on: transaction)
            return try await sessions.open(for: agentID, ip: ip, on: transaction)
        }
        return .signedIn(agentID: agentID, sessionToken: token)
    }

    /// Ends the session of the person signing out.
    public func signOut(_ user: CurrentUser, ip: String?, on database: any Database) async throws {
        try await database.atomically { transaction in
            try await sessions.close(user.session, on: transaction)
            try await audit.record(.signedOut, by: AuditContext(actorID: user.id, ip: ip), on: transaction)
        }
    }
}
