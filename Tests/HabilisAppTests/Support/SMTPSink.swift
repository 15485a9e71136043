import Foundation

/// A real SMTP server (aiosmtpd, from PyPI) started for one test, storing what it receives in a Maildir.
final class SMTPSink: @unchecked Sendable {
    let port: Int
    let directory: String
    private let process: Process
    private let input = Pipe()

    /// Starts the server; `failFirst` messages are refused with 451, `refusedRecipient` always with 550; each message
    /// takes `delay` seconds, and the first waits up to `companyWait` seconds more for a second one held at once; a
    /// connection is dropped after `closeAfter` messages (0: never); `tls` gives (certificate, key) for STARTTLS.
    init(
        failFirst: Int = 0, refusedRecipient: String? = nil, delay: Double = 0, companyWait: Double = 0,
        closeAfter: Int = 0, tls: (String, String)? = nil
    ) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("smtp-\(UUID())").path
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        var arguments = [
            "python3", packageRoot + "/Tests/HabilisAppTests/Fixtures/smtp_sink.py", "--dir", directory,
            "--fail-first", String(failFirst),
        ]
        if let refusedRecipient { arguments += ["--refuse-recipient", refusedRecipient] }
        arguments += [
            "--delay", String(delay), "--company-wait", String(companyWait), "--close-after", String(closeAfter),
        ]
        if let (certificate, key) = tls { arguments += ["--cert", certificate, "--key", key] }
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardInput = input
        try process.run()
        let line = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        guard
            let port = Int(
                line.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "PORT ", with: ""))
        else {
            try? input.fileHandleForWriting.close()
            throw SMTPSinkError(output: line)
        }
        self.port = port
    }

    /// The raw messages received so far.
    func messages() -> [String] {
        let folder = directory + "/new"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.sorted().compactMap { try? String(contentsOfFile: folder + "/" + $0, encoding: .utf8) }
    }

    /// One entry per message received, in the order received.
    func received() -> [Received] {
        let text = (try? String(contentsOfFile: directory + "/received.log", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count == 4, let port = Int(fields[0]), let most = Int(fields[1]) else { return nil }
            return Received(
                clientPort: port, mostAtOnce: most, recipient: String(fields[2]), messageID: String(fields[3]))
        }
    }

    /// A message as the server saw it arrive.
    struct Received {
        /// The client's port: one per connection.
        let clientPort: Int
        /// The most messages the server was receiving at once, so far.
        let mostAtOnce: Int
        let recipient: String
        let messageID: String
    }

    func stop() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// A self-signed certificate for `localhost` (and 127.0.0.1 with `namingAddress`), made with openssl; returns
    /// (certificate, key) paths.
    static func makeCertificate(namingAddress: Bool = true) throws -> (String, String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tls-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        openssl.arguments = [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost" + (namingAddress ? ",IP:127.0.0.1" : ""), "-keyout",
            folder + "/key.pem", "-out", folder + "/cert.pem",
        ]
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        return (folder + "/cert.pem", folder + "/key.pem")
    }
}

struct SMTPSinkError: Error {
    let output: String
}
