import Foundation
import Logging

/// `HABILIS_LOG_FORMAT=json`: one JSON object per line, for a log collector. It carries the request's correlation
/// id and nothing else of the metadata: metadata may hold what a request sent, and the logs must hold no personal
/// data beyond an account id (which the messages name when they need one).
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    /// Where lines go: standard output, or a test's buffer.
    let write: @Sendable (String) -> Void

    /// The only metadata written: Vapor's per-request correlation id.
    static let keptKeys = ["request-id"]

    init(
        label: String, level: Logger.Level, write: @escaping @Sendable (String) -> Void = JSONLogHandler.standardOutput
    ) {
        self.label = label
        self.logLevel = level
        self.write = write
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        var entry: [String: String] = [
            "time": Self.timestamp(Date()), "level": event.level.rawValue, "logger": label,
            "message": event.message.description, "source": event.source,
        ]
        if case .string(let id)? = merged["request-id"] { entry["request_id"] = id }
        guard let data = try? Self.encoder.encode(entry) else { return }
        write(String(decoding: data, as: UTF8.self))
    }

    /// Sorted keys and escaped control characters: a line is one object whatever a message holds.
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    private static func timestamp(_ date: Date) -> String {
        date.formatted(
            .iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }

    @Sendable static func standardOutput(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}

/// The log format chosen by `HABILIS_LOG_FORMAT`: `text` (Vapor's console lines, the default) or `json`.
enum LogFormat: String {
    case text
    case json

    /// Reads the format; nil for an unknown value, which the executable refuses.
    static func from(_ environment: [String: String]) -> LogFormat? {
        guard let value = environment["HABILIS_LOG_FORMAT"]?.trimmingCharacters(in: .whitespaces).lowercased(),
            !value.isEmpty
        else { return .text }
        return LogFormat(rawValue: value)
    }
}
