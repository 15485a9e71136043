import Foundation

/// A PostgreSQL 15 server of one test's own, which the test may stop and start (the shared test server must stay
/// up for the other tests). Needs Debian's `postgresql` package, which `scripts/test` installs.
final class PrivatePostgres: @unchecked Sendable {
    static let binaries = "/usr/lib/postgresql/15/bin"

    let directory: String
    let port: Int
    var url: String { "postgres://postgres@127.0.0.1:\(port)/postgres" }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Creates the cluster in a scratch folder and starts it.
    init() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binaries + "/initdb") else {
            throw Failure(description: "PostgreSQL 15 is not installed (apt-get install postgresql)")
        }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("habilis-pg-\(UUID())").path
        port = HabilisBinary.freePort()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Self.shell("chown postgres '\(directory)' 2>/dev/null || true")
        try Self.shell(asPostgres("'\(Self.binaries)/initdb' -D '\(directory)/data' -A trust -U postgres"))
        try start()
    }

    func start() throws {
        try Self.shell(
            asPostgres(
                "'\(Self.binaries)/pg_ctl' -D '\(directory)/data' -l '\(directory)/log' -w -o "
                    + "\"-p \(port) -k \(directory) -c listen_addresses=127.0.0.1 -c fsync=off\" start"))
    }

    /// Stops the server as a crash would: no checkpoint, connections cut.
    func crash() throws {
        try Self.shell(asPostgres("'\(Self.binaries)/pg_ctl' -D '\(directory)/data' -m immediate stop"))
    }

    func destroy() {
        try? crash()
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func asPostgres(_ command: String) -> String {
        getuid() == 0
            ? "runuser -u postgres -- sh -c \"\(command.replacingOccurrences(of: "\"", with: "\\\""))\"" : command
    }

    /// Runs a shell command with its output in a file. Bash (dash keeps its own descriptor 10) first closes every descriptor it inherited
    /// beyond the standard three: Foundation learns that a child ended through one of them, and the server that
    /// pg_ctl leaves running would otherwise hold it open for its whole life.
    private static func shell(_ command: String) throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("pg-shell-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        let closeInherited = "for fd in $(ls /proc/$$/fd); do [ \"$fd\" -gt 2 ] && eval \"exec $fd>&-\"; done"
        process.arguments = ["-c", "\(closeInherited) 2>/dev/null; (\(command)) > '\(output)' 2>&1"]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
            throw Failure(description: "`\(command)` failed: \(text)")
        }
    }
}
