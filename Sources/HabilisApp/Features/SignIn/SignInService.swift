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
        case throttled
    }

    let clock: any Clock
    let audit: AuditLog
    let sessions: SessionStore
    let throttle: Throttle
    let passwords: PasswordHasher
    let secondFactors: SecondFactorService
    /// A hash that unknown accounts are checked against, so that they take as long as known ones.
    let decoyHash: String

    init(
        clock: any Clock, audit: AuditLog, sessions: SessionStore, throttle: Throttle, passwords: PasswordHasher,
        secondFactors: SecondFactorService
    ) {
        self.clock = clock
        self.audit = audit
        self.sessions = sessions
        self.throttle = throttle
        self.passwords = passwords
        self.secondFactors = secondFactors
        self.decoyHash = passwords.decoyHash()
    }

    /// One attempt with a normalised e-mail address.
    public func signIn(
        email: String, password: String, ip: String?, on database: any Database
    ) async throws
        -> Outcome
    {
        let accountKey = "sign_in:account:\(email)"
        let sourceKey = "sign_in:source:\(ip ?? "unknown")"
        let context = AuditContext(actorID: nil, ip: ip)
        let agent = try await Agent.query(on: database).filter(\.$email == email).first()
        let accountExhausted = try await throttle.isExhausted(accountKey, Throttle.signInPerAccount, on: database)
        let sourceExhausted = try await throttle.isExhausted(sourceKey, Throttle.signInPerAddress, on: database)
        let throttled = accountExhausted || sourceExhausted
        // The hash is always computed, even when throttled or unknown: timing says nothing.
        let matches = try await passwords.verify(password, against: agent?.passwordHash ?? decoyHash)
        if throttled {
            try await audit.record(
                .signInThrottled, outcome: "refused", by: AuditContext(actorID: agent?.id, ip: ip),
                details: ["email": email], on: database)
            return .throttled
        }
        guard let agent, matches, agent.status == .active, let agentID = agent.id else {
            let reason = agent == nil ? "unknown_account" : !matches ? "wrong_password" : "account_\(agent!.status)"
            try await database.atomically { transaction in
                try await throttle.hit(accountKey, Throttle.signInPerAccount, on: transaction)
                try await throttle.hit(sourceKey, Throttle.signInPerAddress, on: transaction)
                try await audit.record(
                    .signInFailed, outcome: "refused", by: AuditContext(actorID: agent?.id, ip: ip),
                    details: ["email": email, "reason": reason], on: transaction)
            }
            return .refused
        }
        if try await secondFactors.isEnabled(for: agentID, on: database) {
            return try await database.atomically { transaction in
                try await throttle.clear(accountKey, on: transaction)
                return .secondFactorRequired(
                    challengeToken: try await secondFactors.openChallenge(for: agentID, on: transaction))
            }
        }
        let token = try await database.atomically { transaction in
            try await throttle.clear(accountKey, on: transaction)
            agent.lastSignInAt = clock.now
            try await agent.update(on: transaction)
            try await audit.record(
                .signInSucceeded, by: AuditContext(actorID: agentID, ip: context.ip), on: transaction)
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
