import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import HabilisApp

/// The root of the package, so that templates and resources are found whatever the working directory.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().path

/// 2026-03-02 09:00 UTC, a Monday: the instant every test starts from.
let testEpoch = Date(timeIntervalSince1970: 1_772_442_000)

/// The demo password used by tests; `TestWorld` accounts all have it.
let demoPassword = "demo-habilis-2026"

/// What a test gets: the running application, its clock, its mail folder.
struct TestContext: Sendable {
    let app: Application
    let clock: FixedClock
    let mailbox: Mailbox

    var db: any Database { app.db }
    var sql: any SQLDatabase { app.db as! any SQLDatabase }

    /// A browser with its own cookie jar.
    func browser(live: Bool = false) -> TestBrowser { TestBrowser(app: app, live: live) }
    /// An in-memory browser at a client address of its own.
    func browser(from source: String) -> TestBrowser { TestBrowser(app: app, source: source) }

    /// Runs the outbox dispatcher, as the server's timer would, and returns the mails now in the folder.
    @discardableResult
    func deliverMail() async throws -> [ParsedMail] {
        try await app.portal.dispatcher.dispatchDue(on: app.db)
        return try mailbox.all()
    }

    /// The audit actions recorded so far, oldest first.
    func auditActions() async throws -> [String] {
        try await AuditEvent.query(on: db).sort(\.$occurredAt).all().map(\.action)
    }
}

/// Runs `body` against a fresh application on its own database: an in-memory SQLite database, or, when
/// `HABILIS_TEST_POSTGRES_URL` is set, a PostgreSQL database copied from a migrated template. A database the test
/// names itself is migrated unless `migrate` is false (one that cannot be reached).
func withTestApp(
    seedDemo: Bool = true, migrate: Bool = true, settings adjust: (inout Settings) -> Void = { _ in },
    _ body: (TestContext) async throws -> Void
) async throws {
    let clock = FixedClock(testEpoch)
    let mailDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("habilis-mail-\(UUID())").path
    var settings = try Settings.fromEnvironment(
        ["HABILIS_WORKING_DIRECTORY": packageRoot, "HABILIS_MAIL_TRANSPORT": "file:\(mailDirectory)"],
        isProduction: false)
    settings.databasePath = ":memory:"
    settings.bcryptCost = 4
    settings.runsBackgroundJobs = false
    settings.demoPassword = demoPassword
    settings.databasePoolTimeout = 120
    // Tests run in parallel against one PostgreSQL server: one connection per event loop keeps them under its limit.
    settings.postgresConnectionsPerEventLoop = 1
    adjust(&settings)
    // A test that names an SQLite file (one the executable wrote) reads it; the others get their own database.
    let ownDatabase = settings.databasePath == ":memory:" && settings.databaseURL == nil
    let database = ownDatabase ? try await TestDatabase.make() : nil
    if let database { settings.databaseURL = database.url }

    let app = try await Application.make(.testing)
    app.logger.logLevel = .warning
    do {
        try await configure(app, settings: settings, clock: clock)
        // An in-memory database gets the run's migrated SQLite schema; a PostgreSQL one was copied from its migrated
        // template; a file the test names is migrated as the executable would.
        if database == nil, migrate {
            if ownDatabase {
                try await SQLiteTemplate.shared.copy(into: app.db)
            } else {
                try await app.autoMigrate()
            }
        }
        if seedDemo { _ = try await DemoWorld.seed(app) }
        try await body(TestContext(app: app, clock: clock, mailbox: Mailbox(directory: mailDirectory)))
    } catch {
        try await app.asyncShutdown()
        try? await database?.drop()
        try? FileManager.default.removeItem(atPath: mailDirectory)
        throw error
    }
    try await app.asyncShutdown()
    try await database?.drop()
    try? FileManager.default.removeItem(atPath: mailDirectory)
}
