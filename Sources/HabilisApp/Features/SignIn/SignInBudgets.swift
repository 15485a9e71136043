import Fluent
import Foundation

/// The three budgets a password attempt draws on, reserved before the password is checked (issue 20). They keep an
/// attacker who knows an address from locking its owner out, as Microsoft's smart lock-out and ASVS 2.2.1 intend:
/// a tight budget for one source on one account, a budget for one source across accounts, and a looser budget of the
/// account across sources that slows everyone down once spent instead of shutting the door.
public struct SignInBudgets: Sendable {
    /// Which budget refused an attempt: each has its own message.
    public enum Budget: Sendable {
        case accountFromSource, source, account
    }

    /// Failures of one account from one source: 10 per 15 minutes, then refused until the window ends.
    static let perAccountAndSource = Throttle.Limit(attempts: 10, window: 15 * 60)
    /// Failures from one source across accounts: 50 per 15 minutes, then one attempt at a time, 1 s, 2 s, 4 s… apart
    /// (at most 5 minutes).
    static let perSource = Throttle.Limit(
        attempts: 50, window: 15 * 60, slowdown: .init(firstDelay: 1, longestDelay: 5 * 60))
    /// Failures of one account across sources: 100 per hour (ASVS 4.0.3 2.2.1), then one attempt at a time for
    /// everyone, 1 s, 2 s, 4 s… apart (at most a minute): the owner is slowed down, never shut out.
    static let perAccount = Throttle.Limit(
        attempts: 100, window: 60 * 60, slowdown: .init(firstDelay: 1, longestDelay: 60))

    let throttle: Throttle

    /// What a reservation gives: go on, or the budget that refused and when to try again.
    enum Reservation: Sendable {
        case allowed
        case refused(Budget, retryAfter: TimeInterval, isFirst: Bool)
    }

    /// Reserves one attempt of `email` from `source` on the three budgets, in order.
    func reserve(email: String, source: String?, on database: any Database) async throws -> Reservation {
        let keys = Keys(email: email, source: source)
        let (verdict, refusedKey) = try await throttle.reserve(
            [
                (keys.accountFromSource, Self.perAccountAndSource), (keys.source, Self.perSource),
                (keys.account, Self.perAccount),
            ], on: database)
        guard case .refused(let retryAfter, let isFirst) = verdict else { return .allowed }
        let budget: Budget =
            switch refusedKey {
            case keys.accountFromSource: .accountFromSource
            case keys.source: .source
            default: .account
            }
        return .refused(budget, retryAfter: retryAfter, isFirst: isFirst)
    }

    /// The attempt could not be checked (hashing overloaded): it counts against nothing.
    func giveBack(email: String, source: String?, on database: any Database) async throws {
        let keys = Keys(email: email, source: source)
        for key in [keys.accountFromSource, keys.source, keys.account] {
            try await throttle.release(key, on: database)
        }
    }

    /// The right password: this source's failures on the account are forgotten, and the attempt is given back to
    /// the other budgets (which keep the failures of others).
    func succeeded(email: String, source: String?, on database: any Database) async throws {
        let keys = Keys(email: email, source: source)
        try await throttle.clear(keys.accountFromSource, on: database)
        try await throttle.release(keys.source, on: database)
        try await throttle.release(keys.account, on: database)
    }

    /// A completed password reset: the account's failures from every source are forgotten (issue 20, finding 4).
    func forgetAccount(email: String, on database: any Database) async throws {
        try await throttle.clear(Keys.account(email), on: database)
        try await throttle.clear(prefix: Keys.accountFromSourcePrefix(email), on: database)
    }

    /// The bucket keys; the address comes last in the pair key so that an account's pairs share a prefix.
    private struct Keys {
        let accountFromSource: String
        let source: String
        let account: String

        init(email: String, source: String?) {
            accountFromSource = Keys.accountFromSourcePrefix(email) + (source ?? "unknown")
            self.source = "sign_in:source:\(source ?? "unknown")"
            account = Keys.account(email)
        }

        static func account(_ email: String) -> String { "sign_in:account:\(email)" }
        static func accountFromSourcePrefix(_ email: String) -> String { "sign_in:pair:\(email)|" }
    }
}

extension SignInMessages {
    /// Says exactly which budget is spent, when to try again, and whether a new password lifts the hold.
    static func throttled(_ budget: SignInBudgets.Budget, retryAfter: TimeInterval) -> String {
        let delay = frenchDelay(retryAfter)
        return switch budget {
        case .accountFromSource:
            "Trop de tentatives de connexion à ce compte depuis votre poste. Pour votre sécurité, réessayez dans "
                + "\(delay), ou créez un nouveau mot de passe : cela lève ce blocage."
        case .source:
            "Trop de tentatives de connexion depuis votre réseau. Pour votre sécurité, réessayez dans \(delay)."
        case .account:
            "Trop de tentatives de connexion à ce compte. Pour votre sécurité, les essais sont ralentis : "
                + "réessayez dans \(delay), ou créez un nouveau mot de passe."
        }
    }

    /// "45 secondes", "1 minute", "15 minutes": rounded up, so that trying again then works.
    static func frenchDelay(_ seconds: TimeInterval) -> String {
        let whole = max(1, Int(seconds.rounded(.up)))
        if whole < 60 { return whole == 1 ? "1 seconde" : "\(whole) secondes" }
        let minutes = (whole + 59) / 60
        return minutes == 1 ? "1 minute" : "\(minutes) minutes"
    }
}
