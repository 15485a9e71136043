import Foundation
import Logging
import NIOConcurrencyHelpers

/// Counts the SQL statements each request runs, by the request id its logger carries (`X-Request-Id`).
enum QueryCounter {
    static let counts = NIOLockedValueBox<[String: Int]>([:])

    /// Counts the statements of `context`'s requests from now on: they inherit the application's logger, which now
    /// counts at `debug`, the level of "Executing query". The rest of the process keeps its own loggers.
    static func watch(_ context: TestContext) {
        var logger = Logger(label: "habilis.query-counter", factory: { CountingLogHandler(label: $0) })
        logger.logLevel = .debug
        context.app.logger = logger
    }

    static func count(for requestID: String) -> Int {
        counts.withLockedValue { $0[requestID] ?? 0 }
    }
}

/// Records "Executing query" messages per request id; everything else is dropped (the tests stay quiet).
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
