import FluentSQLiteDriver
import NIOConcurrencyHelpers
import Vapor

/// Copies SQLite's write-ahead log into the database file from a connection and a thread of its own, every 50 ms,
/// as SQLite's documentation suggests for busy writers. By default the connection that commits does it inside its
/// commit, so that writers paid for it in turn: the sweep of 100,000 acceptances took 12.4 s that way and
/// 11.1–11.9 s with this (a threshold left to the writers as a safety net, even at 100 MB, brought the time back,
/// since one sweep batch writes more log than that). Every process with a file database runs one, the server and
/// the commands alike, and it is closed before Fluent's connections so that the last of those removes the log.
final class SQLiteCheckpointer: LifecycleHandler, Sendable {
    /// The log file is cut back to 64 MB once checkpointed, so that one large transaction does not keep it large.
    static let logSizeLimitBytes = 64 << 20

    private let path: String
    private let interval: Duration
    private let threadPool = NIOThreadPool(numberOfThreads: 1)
    private let running = NIOLockedValueBox<(task: Task<Void, Never>, connection: SQLiteConnection)?>(nil)

    init(path: String, interval: Duration = .milliseconds(50)) {
        self.path = path
        self.interval = interval
    }

    /// The settings of every connection of the application: no checkpoint at commit, a bounded log file.
    static func configure(_ connection: any SQLDatabase) async throws {
        _ = try await connection.raw("PRAGMA wal_autocheckpoint=0").all()
        _ = try await connection.raw("PRAGMA journal_size_limit=\(unsafeRaw: String(logSizeLimitBytes))").all()
    }

    func didBootAsync(_ application: Application) async throws {
        threadPool.start()
        let connection = try await SQLiteConnection.open(
            storage: .file(path: path), threadPool: threadPool, logger: application.logger,
            on: application.eventLoopGroup.any())
        let interval = interval
        let logger = application.logger
        let task = Task {
            while !Task.isCancelled {
                do {
                    // PASSIVE copies what no reader still needs and never waits for readers or writers.
                    try await connection.query("PRAGMA wal_checkpoint(PASSIVE)", []) { _ in }
                } catch {
                    logger.warning("SQLite checkpoint failed: \(String(describing: error))")
                }
                try? await Task.sleep(for: interval)
            }
        }
        running.withLockedValue { $0 = (task, connection) }
    }

    /// Closed outside the cancelled task (the thread pool refuses work from a cancelled task), so that the last
    /// connection to close, Fluent's, finds the log copied and removes it.
    func shutdownAsync(_ application: Application) async {
        guard let (task, connection) = running.withLockedValue({ $0 }) else { return }
        task.cancel()
        await task.value
        do {
            try await connection.close()
        } catch {
            application.logger.warning("SQLite checkpointer not closed: \(String(describing: error))")
        }
        try? await threadPool.shutdownGracefully()
    }
}
