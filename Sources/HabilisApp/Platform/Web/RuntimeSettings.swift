import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// The settings administrators change without restart: stored in the database (shared by every instance), read
/// through a cache of a few seconds, falling back to the environment's values.
public final class RuntimeSettings: Sendable {
    /// What an administrator can set.
    public struct Values: Sendable, Equatable {
        public var autoAcceptDays: Int
        public var reminderDays: Int
        public var webmasterEmail: String
        public var directorContactEmail: String
        /// Whether the delays count calendar days or working days (issue 19).
        public var dayCounting: DayCounting = .calendar
    }

    enum Key: String, CaseIterable {
        case autoAcceptDays = "auto_accept_days"
        case reminderDays = "reminder_days"
        case webmasterEmail = "webmaster_email"
        case directorContactEmail = "add_contact_email"
        case dayCounting = "day_counting"
    }

    static let cacheLifetime: TimeInterval = 5

    let defaults: Values
    private let cache = NIOLockedValueBox<(values: Values, readAt: Date)?>(nil)

    init(settings: Settings) {
        defaults = Values(
            autoAcceptDays: settings.autoAcceptDays, reminderDays: settings.reminderDays,
            webmasterEmail: settings.webmasterEmail, directorContactEmail: settings.addContactEmail,
            dayCounting: settings.dayCounting)
    }

    /// The effective values, at most a few seconds old.
    public func current(on database: any Database) async throws -> Values {
        if let values = fresh() { return values }
        let rows = try await StoredSetting.query(on: database).all()
        var values = defaults
        for row in rows {
            switch Key(rawValue: row.key) {
            case .autoAcceptDays: values.autoAcceptDays = Int(row.value) ?? values.autoAcceptDays
            case .reminderDays: values.reminderDays = Int(row.value) ?? values.reminderDays
            case .webmasterEmail: values.webmasterEmail = row.value
            case .directorContactEmail: values.directorContactEmail = row.value
            case .dayCounting: values.dayCounting = DayCounting(rawValue: row.value) ?? values.dayCounting
            case nil: continue
            }
        }
        cache.withLockedValue { $0 = (values, Date()) }
        return values
    }

    /// Stores new values (in the caller's transaction) and forgets the cache of this instance.
    func store(_ values: Values, now: Date, on database: any Database) async throws {
        let pairs: [(Key, String)] = [
            (.autoAcceptDays, String(values.autoAcceptDays)), (.reminderDays, String(values.reminderDays)),
            (.webmasterEmail, values.webmasterEmail), (.directorContactEmail, values.directorContactEmail),
            (.dayCounting, values.dayCounting.rawValue),
        ]
        // One upsert per setting: two administrators saving at once both succeed, the last one's values stay.
        for (key, value) in pairs {
            try await (database as! any SQLDatabase).insert(into: StoredSetting.schema)
                .columns("id", "setting_key", "value", "updated_at")
                .values(SQLBind(UUID()), SQLBind(key.rawValue), SQLBind(value), SQLBind(now))
                .onConflict(with: ["setting_key"]) {
                    $0.set(excludedValueOf: "value").set(excludedValueOf: "updated_at")
                }
                .run()
        }
        invalidate()
    }

    func invalidate() { cache.withLockedValue { $0 = nil } }

    /// The cached values while they are at most a few seconds old, else nil.
    func fresh() -> Values? {
        guard let cached = cache.withLockedValue({ $0 }), Date().timeIntervalSince(cached.readAt) < Self.cacheLifetime
        else { return nil }
        return cached.values
    }
}

private struct RuntimeValuesKey: StorageKey {
    typealias Value = RuntimeSettings.Values
}

extension Request {
    /// The runtime settings of this request, loaded once by `RuntimeSettingsMiddleware`.
    var runtimeSettings: RuntimeSettings.Values {
        get { storage[RuntimeValuesKey.self] ?? application.portal.runtimeSettings.defaults }
        set { storage[RuntimeValuesKey.self] = newValue }
    }
}

/// Loads the runtime settings for the pages (footer address, ADD contact). Future-based: the values are read from
/// the database once every few seconds, and only then does a request pay for a task.
struct RuntimeSettingsMiddleware: Middleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        // Read once: Vapor rewrites the path's text at each read of `url.path`.
        let path = request.url.path
        guard !path.hasPrefix("/static/"), path != Paths.health else { return next.respond(to: request) }
        let settings = request.portal.runtimeSettings
        if let values = settings.fresh() {
            request.runtimeSettings = values
            return next.respond(to: request)
        }
        return request.eventLoop.makeFutureWithTask { try await settings.current(on: request.db) }
            .flatMap { values in
                request.runtimeSettings = values
                return next.respond(to: request)
            }
    }
}
