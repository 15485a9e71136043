import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import NIOSSL
import SQLKit
import Vapor

/// Wires the application: database, views, middleware, services, routes and commands. Shared by `main` and tests.
public func configure(
    _ app: Application, settings: Settings, clock: any Clock = SystemClock(), mailer: (any Mailer)? = nil
) async throws {
    app.settings = settings
    try WorkingDirectory.check(settings.workingDirectory)
    app.directory = DirectoryConfiguration(workingDirectory: settings.workingDirectory + "/")
    // SQLite runs its statements on the application's thread pool, and a writer waiting for the lock holds its
    // thread for up to the busy timeout. On the process-wide pool (one thread per core) two waiters, from two
    // applications in one process (the tests) or a sweep and a request, left no thread for the holder's COMMIT:
    // everyone waited out the timeout, again and again. A pool of our own, one thread per connection (one per
    // event loop) and one more, always leaves the holder a thread. Set before Fluent first reads the pool.
    if settings.databaseURL == nil {
        app.threadPool = NIOThreadPool(
            numberOfThreads: app.eventLoopGroup.makeIterator().reduce(0) { n, _ in n + 1 } + 1)
    }

    if let url = settings.databaseURL {
        // The pages' pool, and the timed work's own (`DatabaseID.background`), on the same database.
        let pools: [(DatabaseID, Int)] = [
            (.psql, settings.postgresConnectionsPerEventLoop), (.background, settings.sweepLanes),
        ]
        // One configuration for both: with TLS, making it reads the system's certificate authorities.
        let configuration = try SQLPostgresConfiguration(url: url)
        for (id, connections) in pools {
            app.databases.use(
                .postgres(
                    configuration: configuration, maxConnectionsPerEventLoop: connections,
                    connectionPoolTimeout: .seconds(settings.databasePoolTimeout)),
                as: id, isDefault: id == .psql)
        }
    } else {
        let inMemory = settings.databasePath == ":memory:"
        // FluentSQLiteDriver keeps one connection per event loop whatever is asked.
        app.databases.use(.sqlite(inMemory ? .memory : .file(settings.databasePath)), as: .sqlite)
        // WAL: readers never wait for the writer, and a committed transaction survives a crash of the process.
        if !inMemory { _ = try await (app.db as! any SQLDatabase).raw("PRAGMA journal_mode=WAL").all() }
        // Each event loop's one connection is opened here, with the application's logger: one a request opened
        // would log every later transaction's statements under that request's id. Then its own settings: the
        // page cache (2 MB by default) is too small for the indexes the hot pages walk at federation scale; every
        // miss is a read system call.
        for eventLoop in app.eventLoopGroup.makeIterator() {
            let connection = app.databases.database(.sqlite, logger: app.logger, on: eventLoop)!
            _ = try await (connection as! any SQLDatabase)
                .raw("PRAGMA cache_size=\(unsafeRaw: String(-settings.sqliteCacheKilobytes))").all()
            // A writer waits for the other connection's transaction (a sweep batch) instead of failing at once.
            _ = try await (connection as! any SQLDatabase)
                .raw("PRAGMA busy_timeout=\(unsafeRaw: String(settings.sqliteBusyTimeoutMilliseconds))").all()
            if !inMemory { try await SQLiteCheckpointer.configure(connection as! any SQLDatabase) }
        }
        if !inMemory { app.lifecycle.use(SQLiteCheckpointer(path: settings.databasePath)) }
    }
    app.migrations.add(Migrations.all)
    if let file = settings.httpCAFile {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.additionalTrustRoots = [.file(file)]
        app.http.client.configuration.tlsConfiguration = tls
    }

    // Forms are small; oversized fields are refused one by one with a message, larger bodies get 413.
    app.routes.defaultMaxBodySize = "256kb"

    app.middleware = Middlewares()
    app.middleware.use(MetricsMiddleware(metrics: app.metrics))
    app.middleware.use(SecurityHeadersMiddleware(servesHTTPS: settings.usesSecureCookies))
    // One line per request at info, below production's default level (notice): the reverse proxy keeps the access
    // log there, and `LOG_LEVEL=info` brings these back when needed.
    app.middleware.use(RouteLoggingMiddleware(logLevel: .info))
    app.middleware.use(ErrorPageMiddleware())
    app.middleware.use(NulCharacterGuard())
    let lateWork = LateWork()
    app.lateWork = lateWork
    app.middleware.use(RequestDeadlineMiddleware(seconds: settings.requestDeadlineSeconds, lateWork: lateWork))
    app.middleware.use(
        StaticFilesMiddleware(files: FileMiddleware(publicDirectory: app.directory.publicDirectory)))
    app.middleware.use(RuntimeSettingsMiddleware())
    app.middleware.use(SessionMiddleware())
    app.middleware.use(CSRFMiddleware(secureCookies: settings.usesSecureCookies))
    app.middleware.use(SecondFactorRequirement())

    let transport = mailer ?? makeMailer(settings: settings, app: app)
    // Bcrypt gets threads of its own: on the shared pool it would queue behind SQLite's statements and disk syncs,
    // and they behind it, so that sign-ins would fall well under the raw Bcrypt rate of the machine.
    let hashingPool = NIOThreadPool(numberOfThreads: System.coreCount)
    hashingPool.start()
    app.lifecycle.use(ThreadPoolShutdown(pool: hashingPool))
    app.portal = PortalServices(
        settings: settings, clock: clock, mailer: transport, threadPool: hashingPool,
        hashingThreads: System.coreCount)

    try routes(app)

    app.asyncCommands.use(SeedCommand(), as: "seed")
    app.asyncCommands.use(AdminCommand(), as: "admin")
    app.asyncCommands.use(SweepCommand(), as: "sweep")
    app.asyncCommands.use(BackupCommand(), as: "backup")
    app.asyncCommands.use(RestoreCommand(), as: "restore")
    app.asyncCommands.use(BcryptRateCommand(), as: "bcrypt-rate")
    app.asyncCommands.use(OIDCClientCommand(), as: "oidc-client")
    app.asyncCommands.use(OIDCKeysCommand(), as: "oidc-keys")
    app.asyncCommands.use(WebhookCommand(), as: "webhook")
    if settings.runsBackgroundJobs {
        app.lifecycle.use(BackgroundJobs())
    }
    // Registered last, so run first at shutdown: before the jobs, the pools and the storage go.
    app.lifecycle.use(LateWork.Drain(work: lateWork, limit: .seconds(30)))
}

/// Stops a thread pool of ours when the application shuts down.
struct ThreadPoolShutdown: LifecycleHandler {
    let pool: NIOThreadPool

    func shutdown(_ application: Application) {
        try? pool.syncShutdownGracefully()
    }

    func shutdownAsync(_ application: Application) async {
        try? await pool.shutdownGracefully()
    }
}

/// The transport named by `HABILIS_MAIL_TRANSPORT`.
func makeMailer(settings: Settings, app: Application) -> any Mailer {
    switch settings.mailTransport {
    case .file(let directory):
        let absolute = directory.hasPrefix("/") ? directory : settings.workingDirectory + "/" + directory
        return FileMailer(directory: absolute)
    case .smtp(let host, let port, let username, let password):
        return SMTPMailer(
            host: host, port: port, username: username, password: password, requiresTLS: settings.isProduction,
            trustRootsFile: ProcessInfo.processInfo.environment["HABILIS_SMTP_CA_FILE"],
            eventLoopGroup: app.eventLoopGroup, connections: settings.smtpConnections)
    }
}
