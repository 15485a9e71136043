import Foundation
import Logging
import NIOConcurrencyHelpers

/// Counts the SQL statements each request runs, by the request id its logger carries (`X-Request-Id`).
enum QueryCounter {
    static let counts = NIOLockedValueBox<[String: Int]>([:])

    /// Installs the counting log handler once for the test process.
    static let installed: Void = {
        LoggingSystem.bootstrap { label in CountingLogHandler(label: label) }
    }()

    /// Counts the statements of `context`'s requests from now on.
    static func watch(_ context: TestContext) {
        context.app.logger.logLevel = .debug
    }

    static func count(for requestID: String) -> Int {
        counts.withLockedValue { $0[requestID] ?? 0 }
    }
}

/// Records "Executing query" messages per request id; everything else is dropped (the tests stay quiet).
///
/// Each logger keeps the level it is given: a counting test sets its application's logger, which its requests
/// inherit, to `debug`, the level of "Executing query". Logging everything at `trace`, as this handler once did, made
/// every logger of the process format every message of the PostgreSQL driver: a tenth of the PostgreSQL test run's
/// processor.
struct CountingLogHandler: LogHandler {
    let label: String
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(
        level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?, source: String,
        file: String, function: String, line: UInt
    ) {
        guard message.description == "Executing query" else { return }
        // The runtime settings are re-read every few seconds of wall time, whatever the data: not counted.
        if case .string(let sql)? = explicit?["sql"], sql.contains("\"settings\"") { return }
        guard case .string(let id)? = explicit?["request-id"] ?? metadata["request-id"] else { return }
        QueryCounter.counts.withLockedValue { $0[id, default: 0] += 1 }
    }
}
