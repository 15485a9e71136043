import Foundation
import NIOCore
import Testing
import Vapor

@testable import HabilisApp

@Suite("Settings are read once from the environment and checked")
struct SettingsTests {
    @Test("development has safe defaults")
    func defaults() throws {
        let settings = try Settings.fromEnvironment([:], isProduction: false)
        #expect(settings.databasePath == "./habilis.sqlite")
        #expect(settings.databaseURL == nil)
        #expect(settings.mailTransport == .file(directory: "./mail"))
        #expect(settings.webmasterEmail == "webmaster@ucanss.fr")
        #expect(settings.addContactEmail == "labdd@ucanss.fr")
        #expect(!settings.usesSecureCookies)
    }

    @Test("the SQLite page cache is a bounded number of kilobytes")
    func sqliteCache() throws {
        #expect(try Settings.fromEnvironment([:], isProduction: false).sqliteCacheKilobytes == 16_384)
        let settings = try Settings.fromEnvironment(["HABILIS_SQLITE_CACHE_KB": "8192"], isProduction: false)
        #expect(settings.sqliteCacheKilobytes == 8_192)
        for refused in ["huge", "0", "99999999"] {
            #expect(throws: SettingsError.self) {
                try Settings.fromEnvironment(["HABILIS_SQLITE_CACHE_KB": refused], isProduction: false)
            }
        }
    }

    @Test("PostgreSQL connections are bounded; the sweep writes batches side by side only on PostgreSQL")
    func connectionsAndSweepLanes() throws {
        let sqlite = try Settings.fromEnvironment([:], isProduction: false)
        #expect(sqlite.postgresConnectionsPerEventLoop == 4)
        #expect(sqlite.sweepLanes == 1)
        let postgres = try Settings.fromEnvironment(
            ["DATABASE_URL": "postgres://habilis@db/habilis", "HABILIS_DATABASE_CONNECTIONS": "8"], isProduction: false)
        #expect(postgres.postgresConnectionsPerEventLoop == 8)
        #expect(postgres.sweepLanes == System.coreCount + 1)
        let single = try Settings.fromEnvironment(
            ["DATABASE_URL": "postgres://habilis@db/habilis", "HABILIS_DATABASE_CONNECTIONS": "1"], isProduction: false)
        #expect(single.sweepLanes == 1)
        for refused in ["many", "0", "65"] {
            #expect(throws: SettingsError.self) {
                try Settings.fromEnvironment(["HABILIS_DATABASE_CONNECTIONS": refused], isProduction: false)
            }
        }
    }

    @Test("the connections to the SMTP relay: 4 by default, 1 to 32")
    func smtpConnections() async throws {
        #expect(try Settings.fromEnvironment([:], isProduction: false).smtpConnections == 4)
        let many = try Settings.fromEnvironment(
            ["HABILIS_SMTP_CONNECTIONS": "12", "HABILIS_MAIL_TRANSPORT": "smtp://relais:25"], isProduction: false)
        let app = try await Application.make(.testing)
        #expect(makeMailer(settings: many, app: app).parallelSessions == 12)
        try await app.asyncShutdown()
        for refused in ["several", "0", "33"] {
            #expect(throws: SettingsError.self) {
                try Settings.fromEnvironment(["HABILIS_SMTP_CONNECTIONS": refused], isProduction: false)
            }
        }
    }

    @Test("an SMTP URL gives host, port and credentials")
    func smtp() throws {
        let settings = try Settings.fromEnvironment(
            ["HABILIS_MAIL_TRANSPORT": "smtp://relais:s%40cret@mail.example.fr:587"], isProduction: false)
        #expect(
            settings.mailTransport == .smtp(host: "mail.example.fr", port: 587, username: "relais", password: "s@cret"))
        #expect(throws: SettingsError.self) {
            try Settings.fromEnvironment(["HABILIS_MAIL_TRANSPORT": "ftp://x"], isProduction: false)
        }
    }

    @Test("production accepts https, SMTP and PostgreSQL")
    func secureProduction() throws {
        let settings = try Settings.fromEnvironment(
            [
                "HABILIS_BASE_URL": "https://habilis.ucanss.fr/", "HABILIS_MAIL_TRANSPORT": "smtp://relais:25",
                "DATABASE_URL": "postgres://habilis@db/habilis",
            ], isProduction: true)
        #expect(settings.baseURL == "https://habilis.ucanss.fr")
        #expect(settings.usesSecureCookies)
    }

    @Test("production refuses a demo password or plain http")
    func insecureProduction() {
        #expect(throws: SettingsError.self) {
            try Settings.fromEnvironment(
                [
                    "HABILIS_BASE_URL": "https://habilis.ucanss.fr", "HABILIS_MAIL_TRANSPORT": "smtp://relais:25",
                    "DATABASE_URL": "postgres://db/habilis", "HABILIS_DEMO_PASSWORD": "x",
                ], isProduction: true)
        }
    }
}
