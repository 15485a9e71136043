import Foundation
import Vapor

/// The typed configuration of Habilis, read once from the environment at start.
public struct Settings: Sendable {
    /// Where outgoing mail goes.
    public enum MailTransport: Sendable, Equatable {
        case file(directory: String)
        case smtp(host: String, port: Int, username: String?, password: String?)
    }

    public var databasePath: String
    public var databaseURL: String?
    public var baseURL: String
    public var mailTransport: MailTransport
    public var mailFrom: String
    public var demoPassword: String?
    public var webmasterEmail: String
    public var addProfileURL: String
    public var addContactEmail: String
    public var workingDirectory: String
    public var isProduction: Bool
    /// A pending access request is accepted automatically this many days after it was made.
    public var autoAcceptDays: Int
    /// Validators are reminded this many days before the automatic acceptance.
    public var reminderDays: Int
    /// The link proving a registration's address is valid this many hours; unproven requests are then purged.
    public var proofValidityHours: Int
    /// Account requests undecided this many days after their proof are escalated to the administrators.
    public var accountEscalationDays: Int
    /// Proxies whose X-Forwarded-For is believed (throttling and audit then use the real client address).
    public var trustedProxies: [String]
    /// Bcrypt cost (`HABILIS_BCRYPT_COST`, 12 by default; 10 to 14 in production, OWASP's floor being 10): each
    /// step up doubles the time of a sign-in. Stored hashes below it are raised at their next sign-in.
    public var bcryptCost: Int
    /// Whether the outbox dispatcher and the sweeps run on timers inside the server.
    public var runsBackgroundJobs: Bool
    /// How long a request waits for a database connection before failing (raised by the tests on busy machines).
    public var databasePoolTimeout: Int64 = 10
    /// PostgreSQL connections of each event loop (there is one event loop per core; `HABILIS_DATABASE_CONNECTIONS`,
    /// 4 by default). SQLite always has one.
    public var postgresConnectionsPerEventLoop = 4
    /// Connections each instance keeps open to the SMTP relay while the outbox sends (`HABILIS_SMTP_CONNECTIONS`, 4
    /// by default): a relay that takes a second per message still gets four a second from each instance.
    public var smtpConnections = 4
    /// Audit events are kept this many days, then deleted by the sweep (`HABILIS_AUDIT_RETENTION_DAYS`, 365 by
    /// default): the CNIL recommends six months to a year for access logs, three years only with a documented reason.
    public var auditRetentionDays = 365
    /// `HABILIS_METRICS_TOKEN`: the bearer token `/metrics` answers to (32 characters at least); without it,
    /// `/metrics` is not found.
    public var metricsToken: String?
    /// Extra PEM trust roots for the portal's outgoing HTTPS (change events, back-channel logouts), beside the
    /// system's (`HABILIS_HTTP_CA_FILE`): applications of a federation often serve certificates of its own PKI.
    public var httpCAFile: String?
    /// Calls of one machine client to the API per minute (`HABILIS_API_CALLS_PER_MINUTE`, 1,200 by default), then
    /// 429 with `Retry-After` until the minute ends.
    public var apiCallsPerMinute = 1_200
    /// How delays count until an administrator chooses in « Paramètres » (`HABILIS_DAY_COUNTING`: `calendar`, the
    /// guide's calendar days, by default; or `working`, French working days).
    public var dayCounting = DayCounting.calendar
    /// On SIGTERM, `/readyz` answers 503 for this many seconds while the instance still serves, so that the load
    /// balancer stops sending it requests; then it stops accepting, finishes what is in flight and exits 0
    /// (`HABILIS_DRAIN_SECONDS`, 0 to 60; 5 in production, 0 otherwise).
    public var drainSeconds = 0
    /// A request still unanswered after this many seconds is answered 503 (`HABILIS_REQUEST_DEADLINE_SECONDS`, 5 to
    /// 600, 50 by default: under the usual 60 s of load balancers, so that they never time out on an instance).
    public var requestDeadlineSeconds = 50
    /// SQLite page cache of each connection (`HABILIS_SQLITE_CACHE_KB`, 16 MB by default; one connection per core).
    public var sqliteCacheKilobytes = 16_384
    /// How long an SQLite writer waits for another connection's transaction (a sweep batch, an operator's shell)
    /// before the request is answered 503; shortened only by the tests.
    public var sqliteBusyTimeoutMilliseconds = 10_000
    /// Administrators and local correspondents must set up a second factor before anything else
    /// (`HABILIS_REQUIRE_SECOND_FACTOR`, on by default in production, off for the demo world and development).
    public var requiresSecondFactorForPrivilegedRoles = false
    /// `HABILIS_DATABASE_PATH` was set: a single-instance SQLite deployment is a deliberate choice.
    public var sqliteChosenExplicitly = false

    /// Batches of the sweep written at once, each in its own transaction: on PostgreSQL one more than the cores, so
    /// that the database's processes and ours stay busy while a batch waits on a round trip (measured when rounds
    /// were taken by due date: 100,000 acceptances in 19 s with one, 11.5 s with two, 10.5–11.3 s with three on 2
    /// cores; 8.0–9.3 s with three in agent order). They share the pool of one event loop, hence the bound. SQLite
    /// has one writer.
    public var sweepLanes: Int {
        databaseURL == nil ? 1 : min(System.coreCount + 1, postgresConnectionsPerEventLoop)
    }

    /// Session cookies carry `Secure` and the `__Host-` prefix whenever the portal is served over https.
    public var usesSecureCookies: Bool { baseURL.lowercased().hasPrefix("https://") }

    /// Reads the settings from environment variables; `environment` is Vapor's (development, testing, production).
    public static func fromEnvironment(
        _ env: [String: String] = ProcessInfo.processInfo.environment,
        isProduction: Bool
    ) throws -> Settings {
        func value(_ key: String) -> String? {
            guard let raw = env[key]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
            return raw
        }
        var settings = Settings(
            databasePath: value("HABILIS_DATABASE_PATH") ?? "./habilis.sqlite",
            databaseURL: value("DATABASE_URL"),
            baseURL: (value("HABILIS_BASE_URL") ?? "http://127.0.0.1:8080").trimmingTrailingSlashes,
            mailTransport: try MailTransport.parse(value("HABILIS_MAIL_TRANSPORT") ?? "file:./mail"),
            mailFrom: value("HABILIS_MAIL_FROM") ?? "Espace Organismes UCANSS <no-reply@ucanss.fr>",
            demoPassword: value("HABILIS_DEMO_PASSWORD"),
            webmasterEmail: value("HABILIS_WEBMASTER_EMAIL") ?? "webmaster@ucanss.fr",
            addProfileURL: value("HABILIS_ADD_PROFILE_URL")
                ?? "http://ucanss.fr/portail/auth/portal/default/Pcarriere",
            addContactEmail: value("HABILIS_ADD_CONTACT_EMAIL") ?? "labdd@ucanss.fr",
            workingDirectory: value("HABILIS_WORKING_DIRECTORY") ?? FileManager.default.currentDirectoryPath,
            isProduction: isProduction,
            autoAcceptDays: try boundedNumber(
                value("HABILIS_AUTO_ACCEPT_DAYS"), default: 10, name: "HABILIS_AUTO_ACCEPT_DAYS"),
            reminderDays: try boundedNumber(value("HABILIS_REMINDER_DAYS"), default: 2, name: "HABILIS_REMINDER_DAYS"),
            proofValidityHours: try boundedNumber(
                value("HABILIS_PROOF_VALIDITY_HOURS"), default: 24, name: "HABILIS_PROOF_VALIDITY_HOURS"),
            accountEscalationDays: try boundedNumber(
                value("HABILIS_ACCOUNT_ESCALATION_DAYS"), default: 10, name: "HABILIS_ACCOUNT_ESCALATION_DAYS"),
            trustedProxies: (value("HABILIS_TRUSTED_PROXIES") ?? "").split(separator: ",").map {
                $0.trimmingCharacters(in: .whitespaces)
            },
            bcryptCost: 12,
            runsBackgroundJobs: true
        )
        settings.sqliteChosenExplicitly = value("HABILIS_DATABASE_PATH") != nil
        switch value("HABILIS_REQUIRE_SECOND_FACTOR")?.lowercased() {
        case nil: settings.requiresSecondFactorForPrivilegedRoles = isProduction
        case "true": settings.requiresSecondFactorForPrivilegedRoles = true
        case "false": settings.requiresSecondFactorForPrivilegedRoles = false
        default: throw SettingsError(problems: ["HABILIS_REQUIRE_SECOND_FACTOR must be true or false"])
        }
        if let text = value("HABILIS_SQLITE_CACHE_KB") {
            guard let kilobytes = Int(text), (512...4_194_304).contains(kilobytes) else {
                throw SettingsError(problems: [
                    "HABILIS_SQLITE_CACHE_KB must be a number of kilobytes between 512 and 4194304"
                ])
            }
            settings.sqliteCacheKilobytes = kilobytes
        }
        if let text = value("HABILIS_AUDIT_RETENTION_DAYS") {
            guard let days = Int(text), (180...1_095).contains(days) else {
                throw SettingsError(problems: [
                    "HABILIS_AUDIT_RETENTION_DAYS must be a number of days between 180 and 1095 (six months to three years)"
                ])
            }
            settings.auditRetentionDays = days
        }
        if let token = value("HABILIS_METRICS_TOKEN") {
            guard token.utf8.count >= 32 else {
                throw SettingsError(problems: [
                    "HABILIS_METRICS_TOKEN must be 32 characters at least (e.g. openssl rand -base64 32)"
                ])
            }
            settings.metricsToken = token
        }
        if let text = value("HABILIS_BCRYPT_COST") {
            // Development may go lower, for quick local runs; production never under OWASP's floor.
            let allowed = isProduction ? 10...14 : 4...14
            guard let cost = Int(text), allowed.contains(cost) else {
                throw SettingsError(problems: [
                    "HABILIS_BCRYPT_COST must be a number from \(allowed.lowerBound) to \(allowed.upperBound)"
                        + (isProduction ? " in production (OWASP's floor is 10)" : "")
                ])
            }
            settings.bcryptCost = cost
        }
        settings.drainSeconds = isProduction ? 5 : 0
        if let text = value("HABILIS_DAY_COUNTING") {
            guard let counting = DayCounting(rawValue: text) else {
                throw SettingsError(problems: ["HABILIS_DAY_COUNTING must be calendar or working"])
            }
            settings.dayCounting = counting
        }
        if let text = value("HABILIS_DRAIN_SECONDS") {
            guard let seconds = Int(text), (0...60).contains(seconds) else {
                throw SettingsError(problems: ["HABILIS_DRAIN_SECONDS must be a number of seconds between 0 and 60"])
            }
            settings.drainSeconds = seconds
        }
        if let text = value("HABILIS_REQUEST_DEADLINE_SECONDS") {
            guard let seconds = Int(text), (5...600).contains(seconds) else {
                throw SettingsError(problems: ["HABILIS_REQUEST_DEADLINE_SECONDS must be a number between 5 and 600"])
            }
            settings.requestDeadlineSeconds = seconds
        }
        if let text = value("HABILIS_API_CALLS_PER_MINUTE") {
            guard let calls = Int(text), (1...100_000).contains(calls) else {
                throw SettingsError(problems: ["HABILIS_API_CALLS_PER_MINUTE must be a number between 1 and 100000"])
            }
            settings.apiCallsPerMinute = calls
        }
        if let text = value("HABILIS_DATABASE_CONNECTIONS") {
            guard let connections = Int(text), (1...64).contains(connections) else {
                throw SettingsError(problems: ["HABILIS_DATABASE_CONNECTIONS must be a number between 1 and 64"])
            }
            settings.postgresConnectionsPerEventLoop = connections
        }
        if let path = value("HABILIS_HTTP_CA_FILE") {
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw SettingsError(problems: ["HABILIS_HTTP_CA_FILE must name a readable PEM file"])
            }
            settings.httpCAFile = path
        }
        if let text = value("HABILIS_SMTP_CONNECTIONS") {
            guard let connections = Int(text), (1...32).contains(connections) else {
                throw SettingsError(problems: ["HABILIS_SMTP_CONNECTIONS must be a number between 1 and 32"])
            }
            settings.smtpConnections = connections
        }
        try settings.validate()
        return settings
    }

    /// Production refuses to start with insecure or missing values, one line per problem.
    public func validate() throws {
        guard isProduction else { return }
        var problems: [String] = []
        if !baseURL.lowercased().hasPrefix("https://") {
            problems.append("HABILIS_BASE_URL must be an https:// URL in production")
        }
        if demoPassword != nil {
            problems.append("HABILIS_DEMO_PASSWORD must not be set in production (no demo accounts)")
        }
        if case .file = mailTransport {
            problems.append("HABILIS_MAIL_TRANSPORT must be an smtp:// URL in production")
        }
        if databaseURL == nil && !sqliteChosenExplicitly {
            problems.append(
                "DATABASE_URL must name the PostgreSQL database in production (or set HABILIS_DATABASE_PATH to run "
                    + "one instance on SQLite deliberately)")
        }
        if !problems.isEmpty {
            throw SettingsError(problems: problems)
        }
    }
}

/// The reasons the settings were refused.
public struct SettingsError: Error, CustomStringConvertible {
    public let problems: [String]
    public var description: String {
        "Habilis refuses to start:\n" + problems.map { "- \($0)" }.joined(separator: "\n")
    }
}

extension Settings.MailTransport {
    /// Parses `file:DIR` or `smtp://[user:password@]host:port`.
    static func parse(_ text: String) throws -> Self {
        if text.hasPrefix("file:") {
            let directory = String(text.dropFirst("file:".count))
            guard !directory.isEmpty else { throw SettingsError(problems: ["HABILIS_MAIL_TRANSPORT: empty directory"]) }
            return .file(directory: directory)
        }
        if let url = URLComponents(string: text), url.scheme == "smtp", let host = url.host, !host.isEmpty {
            return .smtp(
                host: host,
                port: url.port ?? 25,
                username: url.user?.removingPercentEncoding,
                password: url.password?.removingPercentEncoding
            )
        }
        throw SettingsError(problems: ["HABILIS_MAIL_TRANSPORT must be file:DIR or smtp://[user:password@]host:port"])
    }
}

/// A whole number (of days or hours) between 1 and 365.
private func boundedNumber(_ text: String?, default fallback: Int, name: String) throws -> Int {
    guard let text else { return fallback }
    guard let value = Int(text), (1...365).contains(value) else {
        throw SettingsError(problems: ["\(name) must be a whole number between 1 and 365"])
    }
    return value
}

extension String {
    fileprivate var trimmingTrailingSlashes: String {
        var copy = self
        while copy.hasSuffix("/") { copy.removeLast() }
        return copy
    }
}
