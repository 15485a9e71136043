import Fluent
import Foundation
import Logging
import Vapor

/// The `habilis` executable: reads the settings, configures the application, runs the command (serve by default).
public enum HabilisMain {
    public static func run() async {
        #if os(Linux)
            // glibc gives each thread that allocates its own heap arena; with event loops, SQLite's and Bcrypt's
            // pools that is a dozen mostly empty arenas kept resident. Two are enough for this server.
            _ = glibcMallopt(glibcArenaMax, 2)
        #endif
        do {
            var environment = try Environment.detect()
            switch LogFormat.from(ProcessInfo.processInfo.environment) {
            case .text?: try LoggingSystem.bootstrap(from: &environment)
            case .json?:
                try LoggingSystem.bootstrap(from: &environment) { level in
                    { label in JSONLogHandler(label: label, level: level) }
                }
            case nil:
                FileHandle.standardError.write(Data("HABILIS_LOG_FORMAT must be text or json\n".utf8))
                exit(1)
            }
            let command = environment.arguments.dropFirst().first ?? "serve"
            let serves = command == "serve" || command.hasPrefix("-")
            var settings: Settings
            do {
                settings = try Settings.fromEnvironment(isProduction: environment == .production)
            } catch {
                FileHandle.standardError.write(Data("\(error)\n".utf8))
                exit(1)
            }
            settings.runsBackgroundJobs = serves
            let app = try await Application.make(environment)
            do {
                try await configure(app, settings: settings)
                if serves, !settings.isProduction, settings.databaseURL == nil {
                    try await EmbeddedDefault.prepare(app)
                }
                if serves {
                    // Tokens are signed with keys every instance shares: no server starts without one.
                    try await app.portal.signingKeys.ensure(on: app.db)
                }
                try await app.execute()
                if serves { await Draining.drain(app, for: settings.drainSeconds) }
            } catch {
                app.logger.critical("\(String(reflecting: error))")
                try? await app.asyncShutdown()
                exit(1)
            }
            try await app.asyncShutdown()
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            exit(1)
        }
    }
}

#if os(Linux)
    /// `mallopt(3)`, which the Glibc module does not export (malloc.h is not in its module map).
    @_silgen_name("mallopt")
    private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
    /// `M_ARENA_MAX` of malloc.h.
    private let glibcArenaMax: Int32 = -8
#endif

/// The embedded default: a development server on SQLite migrates itself and seeds the demo world on first start.
enum EmbeddedDefault {
    static func prepare(_ app: Application) async throws {
        try await app.autoMigrate()
        if try await Organisation.query(on: app.db).count() == 0 {
            let password = try await DemoWorld.seed(app)
            DemoWorld.printAccounts(
                password: password, generated: app.settings.demoPassword == nil,
                client: try await DemoWorld.registerDemoClient(app))
        }
    }
}
