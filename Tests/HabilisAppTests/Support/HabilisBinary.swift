import Foundation
import NIOConcurrencyHelpers

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The built `habilis` executable, run as a newcomer or an operator would run it.
final class HabilisBinary: @unchecked Sendable {
    static let path = packageRoot + "/.build/debug/habilis"

    let process = Process()
    private let output = NIOLockedValueBox(Data())
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
        try process.run()
        // A thread of its own reads until the end of the output. `readabilityHandler` is a dispatch source on
        // Linux: its fd closed at the end of the process while the source is still registered crashed
        // libdispatch's manager thread (swift-subprocess issue #47 shows the same crash).
        let reader = pipe.fileHandleForReading
        Thread.detachNewThread { [output] in
            while case let data = reader.availableData, !data.isEmpty {
                output.withLockedValue { $0.append(data) }
            }
        }
        if let stdin {
            input.fileHandleForWriting.write(Data((stdin + "\n").utf8))
        }
        try? input.fileHandleForWriting.close()
    }

    var text: String { output.withLockedValue { String(decoding: $0, as: UTF8.self) } }

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

    /// A TCP port free on loopback, below Linux's ephemeral range (32768 and up), where the parallel tests'
    /// client connections take their local ports: a server bound there could collide with one of them.
    static func freePort() -> Int {
        while true {
            let port = Int.random(in: 20_000..<32_768)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            close(fd)
            if bound == 0 { return port }
        }
    }

    /// GET on the running server; returns status and body.
    static func get(_ url: String, cookie: String? = nil) async throws -> (Int, String) {
        let (status, body, _) = try await getWithHeaders(url, cookie: cookie)
        return (status, body)
    }

    /// GET on the running server; returns status, body and the response's headers.
    static func getWithHeaders(_ url: String, cookie: String? = nil) async throws -> (Int, String, [String: String]) {
        var request = URLRequest(url: URL(string: url)!)
        if let cookie { request.setValue(cookie, forHTTPHeaderField: "Cookie") }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as? HTTPURLResponse
        let headers = (http?.allHeaderFields ?? [:]).reduce(into: [String: String]()) {
            $0[String(describing: $1.key).lowercased()] = String(describing: $1.value)
        }
        return (http?.statusCode ?? 0, String(decoding: data, as: UTF8.self), headers)
    }
}
