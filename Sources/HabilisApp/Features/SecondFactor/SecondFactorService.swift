import Fluent
import Foundation
import SQLKit
import Vapor

/// The second factor: setting up an authenticator application, asking its code after the password, and taking it
/// away (by its owner with a code, or by an administrator when the phone is lost). SECURITY.md A15.
public struct SecondFactorService: Sendable {
    /// How long a sign-in waits for its code.
    static let challengeValidity: TimeInterval = 5 * 60
    /// Wrong codes one sign-in may try before the password must be typed again.
    static let attemptsPerChallenge = 5
    /// Wrong codes one account may try, whatever the sign-ins: each right password gives five more tries, so the
    /// account needs a bound of its own (10 in 15 minutes leaves about 1 chance in 3,000 a day to guess a code).
    static let wrongCodesPerAccount = Throttle.Limit(attempts: 10, window: 15 * 60)

    let clock: any Clock
    let audit: AuditLog
    let sessions: SessionStore
    let throttle: Throttle
    let secureCookies: Bool
    /// Whether administrators and local correspondents must set one up before anything else
    /// (`HABILIS_REQUIRE_SECOND_FACTOR`).
    let isRequiredForPrivilegedRoles: Bool
    /// The name shown in authenticator applications.
    let issuer = "UCANSS Espace Organismes"

    var cookieName: String { secureCookies ? "__Host-habilis_second_factor" : "habilis_second_factor" }

    // MARK: Setting up

    /// The agent's factor, confirmed or still being set up.
    public func factor(of agentID: UUID, on database: any Database) async throws -> SecondFactor? {
        try await SecondFactor.query(on: database).filter(\.$agent.$id == agentID).first()
    }

    public func isEnabled(for agentID: UUID, on database: any Database) async throws -> Bool {
        try await factor(of: agentID, on: database)?.confirmedAt != nil
    }

    /// Whether this person must have one (and so may not turn it off).
    func isRequired(for user: CurrentUser) -> Bool {
        isRequiredForPrivilegedRoles && user.isPrivileged
    }

    /// Draws a new secret for an agent without a confirmed factor; a confirmed one is kept as it is.
    public func startSetup(for agentID: UUID, on database: any Database) async throws {
        try await database.atomically { transaction in
            // « Configurer » sent twice at once: the second waits, then replaces the first's secret.
            try await transaction.lockRow(Agent.schema, id: agentID)
            if let existing = try await factor(of: agentID, on: transaction) {
                guard existing.confirmedAt == nil else { return }
                try await existing.delete(on: transaction)
            }
            try await SecondFactor(
                agentID: agentID, secret: Base32.encode(TOTP.generateSecret()), createdAt: clock.now
            ).create(on: transaction)
        }
    }

    /// The address authenticator applications open (Key Uri Format), with the account's login as its label.
    func provisioningURI(secret: String, email: String) -> String {
        let allowed = CharacterSet.urlQueryAllowed.subtracting(CharacterSet(charactersIn: ":@&=+/?#"))
        let label = "\(issuer):\(email)".addingPercentEncoding(withAllowedCharacters: allowed) ?? email
        let issuerParameter = issuer.addingPercentEncoding(withAllowedCharacters: allowed) ?? issuer
        return "otpauth://totp/\(label)?secret=\(secret)&issuer=\(issuerParameter)&algorithm=SHA1&digits=6&period=30"
    }

    /// The first code proves the application computes the same codes: from now on it is asked at every sign-in.
    public func confirmSetup(
        for agentID: UUID, code: String, by context: AuditContext, on database: any Database
    ) async throws -> Bool {
        guard let factor = try await factor(of: agentID, on: database), factor.confirmedAt == nil,
            let step = factor.totp?.matchingStep(for: code, at: clock.now, after: nil)
        else { return false }
        let now = clock.now
        return try await database.atomically { transaction in
            let confirmed = try await (transaction as! any SQLDatabase).update(SecondFactor.schema)
                .set("confirmed_at", to: now).set("last_used_step", to: step)
                .where("id", .equal, factor.id!).where("confirmed_at", .is, SQLLiteral.null)
                .returning("id").all()
            guard !confirmed.isEmpty else { return false }
            try await audit.record(
                .secondFactorEnabled, by: context, target: ("agent", agentID.uuidString), on: transaction)
            return true
        }
    }

    /// The owner takes it away, proving with a current code that the application is still theirs. Tells whether
    /// it is now off: a factor already gone (the first of a double click took it) needs no code.
    public func disable(
        for agentID: UUID, code: String, by context: AuditContext, on database: any Database
    ) async throws -> Bool {
        guard let factor = try await factor(of: agentID, on: database), factor.confirmedAt != nil else { return true }
        guard factor.totp?.matchingStep(for: code, at: clock.now, after: factor.lastUsedStep) != nil else {
            return false
        }
        try await database.atomically { transaction in
            guard try await transaction.deleteRow(SecondFactor.schema, id: factor.id!) else { return }
            try await audit.record(
                .secondFactorDisabled, by: context, target: ("agent", agentID.uuidString), on: transaction)
        }
        return true
    }

    /// An administrator takes it away (lost or replaced phone): the person signs in with the password alone and
    /// sets up a new one. Tells whether there was one.
    public func reset(for agentID: UUID, by context: AuditContext, on database: any Database) async throws -> Bool {
        try await database.atomically { transaction in
            let removed = try await (transaction as! any SQLDatabase).delete(from: SecondFactor.schema)
                .where("agent_id", .equal, agentID).returning("id").all()
            guard !removed.isEmpty else { return false }
            try await SecondFactorChallenge.query(on: transaction).filter(\.$agent.$id == agentID).delete()
            try await audit.record(
                .secondFactorResetByAdministrator, by: context, target: ("agent", agentID.uuidString),
                on: transaction)
            return true
        }
    }

    // MARK: Signing in

    /// After the right password of an account with a confirmed factor: the sign-in waits for a code. Returns the
    /// token of the browser's cookie.
    func openChallenge(for agentID: UUID, on database: any Database) async throws -> String {
        let token = SecureToken.generate()
        let now = clock.now
        try await SecondFactorChallenge(
            agentID: agentID, tokenHash: SecureToken.hash(token), createdAt: now,
            expiresAt: now.addingTimeInterval(Self.challengeValidity)
        ).create(on: database)
        return token
    }

    /// A sign-in waiting for its code, if the cookie names one still open.
    func challenge(token: String?, on database: any Database) async throws -> SecondFactorChallenge? {
        guard let token, !token.isEmpty, token.count <= 100 else { return nil }
        guard
            let challenge = try await SecondFactorChallenge.query(on: database)
                .filter(\.$tokenHash == SecureToken.hash(token)).first(),
            challenge.expiresAt > clock.now
        else { return nil }
        return challenge
    }

    /// What a code typed at sign-in gives.
    public enum Answer: Sendable {
        case signedIn(sessionToken: String)
        case wrongCode
        /// Too slow, too many wrong codes, or a factor taken away meanwhile: the sign-in starts again.
        case startAgain
        case throttled
    }

    /// Checks the code of a waiting sign-in and opens the session when it is right; runs to its end when the client
    /// goes away, so that a reserved attempt is never left half done.
    public func answer(
        challengeToken: String?, code: String, ip: String?, on database: any Database
    ) async throws -> Answer {
        try await runToTheEnd { try await check(challengeToken: challengeToken, code: code, ip: ip, on: database) }
    }

    private func check(
        challengeToken: String?, code: String, ip: String?, on database: any Database
    ) async throws -> Answer {
        guard let challenge = try await challenge(token: challengeToken, on: database) else { return .startAgain }
        let agentID = challenge.$agent.id
        let context = AuditContext(actorID: agentID, ip: ip)
        let throttleKey = "second_factor:account:\(agentID)"
        // Both budgets are reserved before the code is checked, each in one statement: codes posted at the same
        // instant, on any instance, cannot all be checked (issue 20, finding 1).
        let sql = database as! any SQLDatabase
        let reserved = try await sql.raw(
            """
            UPDATE second_factor_challenges SET failed_attempts = failed_attempts + 1
            WHERE id = \(bind: challenge.id!) AND failed_attempts < \(bind: Self.attemptsPerChallenge)
              AND expires_at > \(bind: clock.now)
            RETURNING failed_attempts
            """
        ).first()?.decode(column: "failed_attempts", as: Int.self)
        guard let attempt = reserved else {
            try await sql.delete(from: SecondFactorChallenge.schema).where("id", .equal, challenge.id!).run()
            return .startAgain
        }
        let verdict = try await throttle.reserve(throttleKey, Self.wrongCodesPerAccount, on: database)
        if case .refused(_, let isFirst) = verdict {
            if isFirst {
                try await audit.record(
                    .signInThrottled, outcome: "refused", by: context, details: ["step": "second_factor"],
                    on: database)
            }
            return .throttled
        }
        guard let factor = try await factor(of: agentID, on: database), factor.confirmedAt != nil,
            let agent = try await Agent.find(agentID, on: database), agent.status == .active
        else {
            try await challenge.delete(on: database)
            return .startAgain
        }
        guard let step = factor.totp?.matchingStep(for: code, at: clock.now, after: factor.lastUsedStep) else {
            try await audit.record(.signInSecondFactorFailed, outcome: "refused", by: context, on: database)
            guard attempt < Self.attemptsPerChallenge else {
                try await sql.delete(from: SecondFactorChallenge.schema).where("id", .equal, challenge.id!).run()
                return .startAgain
            }
            return .wrongCode
        }
        let now = clock.now
        return try await database.atomically { transaction in
            let sql = transaction as! any SQLDatabase
            // One use of the challenge and of the code, even when the form is posted twice at once.
            let claimed = try await sql.delete(from: SecondFactorChallenge.schema)
                .where("id", .equal, challenge.id!).returning("id").all()
            let used = try await sql.update(SecondFactor.schema).set("last_used_step", to: step)
                .where("id", .equal, factor.id!)
                .where { $0.where("last_used_step", .is, SQLLiteral.null).orWhere("last_used_step", .lessThan, step) }
                .returning("id").all()
            guard !claimed.isEmpty, !used.isEmpty else { return .startAgain }
            try await throttle.clear(throttleKey, on: transaction)
            agent.lastSignInAt = now
            try await agent.update(on: transaction)
            try await audit.record(
                .signInSucceeded, by: context, details: ["second_factor": "totp"], on: transaction)
            return .signedIn(
                sessionToken: try await sessions.open(for: agentID, ip: ip, amr: "pwd otp mfa", on: transaction))
        }
    }

    /// The cookie of a sign-in waiting for its code: the session's, for the time the code may be typed.
    func cookie(_ token: String) -> HTTPCookies.Value {
        sessions.cookie(token, maxAge: Int(Self.challengeValidity))
    }

    /// The same attributes as the session's: the browser forgets a cookie of the same name, path and flags.
    var expiredCookie: HTTPCookies.Value { sessions.expiredCookie }
}
