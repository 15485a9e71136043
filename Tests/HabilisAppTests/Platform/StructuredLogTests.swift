import Foundation
import Logging
import NIOConcurrencyHelpers
import Testing

@testable import HabilisApp

/// `HABILIS_LOG_FORMAT=json`: one JSON object per line with the request's correlation id and no other metadata.
@Suite("Structured logs: one JSON object per line, correlation id, no personal data from metadata")
struct StructuredLogTests {
    @Test("a line is one object with time, level, logger, message and request id; other metadata is dropped")
    func oneObjectPerLine() throws {
        let lines = NIOLockedValueBox<[String]>([])
        var handler = JSONLogHandler(label: "habilis.test", level: .info) { line in
            lines.withLockedValue { $0.append(line) }
        }
        handler[metadataKey: "request-id"] = "3F2A"
        handler.log(
            event: LogEvent(
                level: .warning, message: "première ligne\nseconde ligne \"citée\"",
                metadata: ["email": "a.charenne@lassuranceretraite.fr"], source: "HabilisApp", file: #file,
                function: #function, line: #line))
        let written = lines.withLockedValue { $0 }
        #expect(written.count == 1)
        #expect(!written[0].contains("\n"))
        #expect(!written[0].contains("lassuranceretraite"))
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(written[0].utf8)) as? [String: String])
        #expect(object["level"] == "warning")
        #expect(object["logger"] == "habilis.test")
        #expect(object["message"] == "première ligne\nseconde ligne \"citée\"")
        #expect(object["request_id"] == "3F2A")
        #expect(object["time"]?.hasPrefix("20") == true)
        #expect(Set(object.keys) == ["time", "level", "logger", "message", "request_id", "source"])
    }

    @Test("the server writes its request lines as JSON with the request's id; an unknown format stops the start")
    func serverLogsJSON() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("habilis-log-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let environment = [
            "HABILIS_DATABASE_PATH": "\(folder)/habilis.sqlite", "HABILIS_MAIL_TRANSPORT": "file:\(folder)/mail",
            "HABILIS_DEMO_PASSWORD": demoPassword, "HABILIS_LOG_FORMAT": "json", "LOG_LEVEL": "info",
        ]
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let port = HabilisBinary.freePort()
        let server = try HabilisBinary(
            ["serve", "--hostname", "127.0.0.1", "--port", String(port)], environment: environment)
        #expect(try await server.waitFor("Server started"), "\(server.text)")
        let id = UUID().uuidString
        // curl, not URLSession: the other tests' URLSession calls run at the same time in this process.
        let curl = Process()
        curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        curl.arguments = ["-s", "-o", "/dev/null", "-H", "X-Request-Id: \(id)", "http://127.0.0.1:\(port)/healthz"]
        try curl.run()
        curl.waitUntilExit()
        #expect(try await server.waitFor(id))
        #expect(try await server.stop() == 0)
        let objects = server.text.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String]
        }
        // Log lines only as JSON (the first start in development also prints the demo accounts, which is no log).
        #expect(!server.text.contains("[ INFO ]") && !server.text.contains("[ NOTICE ]"), "\(server.text)")
        #expect(objects.count >= 3)
        #expect(objects.contains { $0["request_id"] == id && $0["message"]?.contains("/healthz") == true })

        let refused = try HabilisBinary(
            ["serve", "--hostname", "127.0.0.1", "--port", String(HabilisBinary.freePort())],
            environment: environment.merging(["HABILIS_LOG_FORMAT": "yaml"]) { $1 })
        #expect(try await refused.exitCode() == 1)
        #expect(refused.text.contains("HABILIS_LOG_FORMAT must be text or json"))
    }
}
