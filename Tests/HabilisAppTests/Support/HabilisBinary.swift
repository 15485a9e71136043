import Foundation
import NIOConcurrencyHelpers

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The built `habilis` executable, run as a newcomer or an operator would run it.
final class HabilisBinary: @unchecked Sendable {
    static let path = packageRoot + "/.build/debug/habilis"

    let process = Process()
    private let output = NIOLockedValueBox("")
    private let input = Pipe()

    /// Starts `habilis <arguments>` in a scratch folder with the given environment added to a clean one.
    init(_ arguments: [String], environment: [String: String], stdin: String? = nil) throws {
        process.executableURL = URL(fileURLWithPath: Self.path)
        process.arguments = arguments
        process.environment = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HABILIS_WORKING_DIRECTORY": packageRoot,
        ].merging(environment) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = input
        pipe.fileHandleForReading.readabilityHandler = { [output] handle in
            let text = String(decoding: handle.availableData, as: UTF8.self)
            output.withLockedValue { $0 += text }
        }
        try process.run()
        if let stdin {
            input.fileHandleForWriting.write(Data((stdin + "\n").utf8))
        }
        try? input.fileHandleForWriting.close()
    }

    var text: String { output.withLockedValue { $0 } }

    /// Waits until the output contains `snippet` or the process ends; false after `timeout` seconds.
    func waitFor(_ snippet: String, timeout: TimeInterval = 30) async throws -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if text.contains(snippet) { return true }
            if !process.isRunning { return text.contains(snippet) }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    /// Waits for the process to end and returns its exit code.
    func exitCode(timeout: TimeInterval = 60) async throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// SIGTERM, as a service manager stops it.
    func stop() async throws -> Int32 {
        if process.isRunning { process.terminate() }
        return try await exitCode()
    }

    /// A free TCP port on loopback.
    static func freePort() -> Int {
        Int.random(in: 20_000..<60_000)
    }

    /// GET on the running server; returns status and body.
    static func get(_ url: String) async throws -> (Int, String) {
        let (data, response) = try await URLSession.shared.data(from: URL(string: url)!)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }
}
