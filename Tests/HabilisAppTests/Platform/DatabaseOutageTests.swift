import FluentSQLiteDriver
import Foundation
import HTTPTypes
import NIOConcurrencyHelpers
import NIOPosix
import OpenAPIRuntime
import Testing
import Vapor

@testable import HabilisApp
@testable import PostgresNIO

/// SECURITY.md R8 and L5: while the database cannot answer, pages say so with a 503 and `Retry-After`, never a 500,
/// a stack or a driver's message; the server keeps running and serves again once the database is back.
@Suite("Database outage", .serialized)
struct DatabaseOutageTests {
    /// What a person sees instead of the page, and what must never be shown.
    func expectOutagePage(_ status: Int, _ body: String, retryAfter: String?) {
        #expect(status == 503)
        #expect(body.contains("Service indisponible"))
        #expect(body.contains("Le service est momentanément indisponible. Réessayez dans quelques minutes."))
        #expect(retryAfter == "30")
        for leak in ["PSQLError", "SQLiteError", "Connection refused", "busy", "database is locked", "Fluent"] {
            #expect(!body.contains(leak), "the page shows \(leak)")
        }
    }

    func expectOutagePage(_ page: Page) {
        expectOutagePage(Int(page.status.code), page.html, retryAfter: page.headers.first(name: .retryAfter))
    }

    @Test("a request never answered (a wedged database connection) gets the 503 page at the deadline")
    func deadline() async throws {
        let shortDeadline: (inout Settings) -> Void = { $0.requestDeadlineSeconds = 2 }
        try await withTestApp(settings: shortDeadline) { context in
            // Stands for a query on a connection that never answers, as in the soak's PostgreSQL restart.
            let finished = NIOLockedValueBox(false)
            context.app.get("attente-sans-fin") { _ async throws -> String in
                try await Task.sleep(for: .seconds(5))
                finished.withLockedValue { $0 = true }
                return "trop tard"
            }
            // Every other test answers through the same deadline (50 s), and in time.
            expectOutagePage(try await context.browser().get("/attente-sans-fin"))
            // The late work goes on after the answer, through the middlewares that read the portal's services, and
            // is counted until it ends; the application's shutdown waits for it (`LateWork.Drain`). Shut down under
            // it, the services were gone and the test process stopped on `configure(_:) has not run` (seen twice
            // on PostgreSQL, where a loaded start made the settings' read outlast the deadline).
            let lateWork = try #require(context.app.lateWork)
            #expect(lateWork.count == 1)
            #expect(await !lateWork.drained(within: .milliseconds(100)))
            #expect(await lateWork.drained(within: .seconds(60)))
            #expect(finished.withLockedValue { $0 })
        }
    }

    @Test("a server shutdown caught between a query's end and its ready-for-query gives the 503 page, not a 500")
    func shutdownAfterCommandComplete() async throws {
        // What PostgresNIO throws when FATAL 57P01 arrives after CommandComplete, as in the soak's `pg_ctl restart`.
        @Sendable func fatal(_ state: String) -> PSQLError {
            .unexpectedBackendMessage(
                .error(.init(fields: [.severity: "FATAL", .sqlState: state, .message: "terminating connection"])))
        }
        try await withTestApp { context in
            context.app.get("arret-du-serveur") { _ async throws -> String in throw fatal("57P01") }
            context.app.get("erreur-de-requete") { _ async throws -> String in throw fatal("42601") }
            context.app.get("protocole-rompu") { _ async throws -> String in
                throw PSQLError.unexpectedBackendMessage(.parseComplete)
            }
            let browser = context.browser()
            expectOutagePage(try await browser.get("/arret-du-serveur"))
            // A fault of the request or of the protocol stays a fault, so that it is seen and fixed.
            for path in ["/erreur-de-requete", "/protocole-rompu"] {
                let page = try await browser.get(path)
                #expect(page.status == .internalServerError, "\(path)")
                #expect(page.headers.first(name: .retryAfter) == nil)
            }
        }
    }

    @Test("a PostgreSQL server that refuses connections gives the 503 page to a signed-in person and to a sign-in")
    func unreachablePostgres() async throws {
        // Nothing listens on this port: every connection is refused, as when the server is down.
        let url = "postgres://postgres@127.0.0.1:\(HabilisBinary.freePort())/habilis"
        let unreachable: (inout Settings) -> Void = { $0.databaseURL = url }
        try await withTestApp(seedDemo: false, migrate: false, settings: unreachable) { context in
            let browser = context.browser()
            let form = try await browser.get(Paths.signIn)
            expectOutagePage(form)

            let signIn = try await browser.post(
                Paths.signInPassword, [("email", DemoWorld.agentEmail), ("password", demoPassword)])
            expectOutagePage(signIn)
            #expect(signIn.contains("Si le problème persiste, écrivez à"))

            browser.setCookie("habilis_session", SecureToken.generate())
            let catalogue = try await browser.get("/")
            expectOutagePage(catalogue)
        }
    }

    @Test("an SQLite file locked by another writer past the busy timeout gives the 503 page, then works again")
    func lockedSQLiteFile() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("habilis-\(UUID()).sqlite").path
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        let shortBusyTimeout: (inout Settings) -> Void = {
            $0.databasePath = path
            $0.sqliteBusyTimeoutMilliseconds = 300
        }
        try await withTestApp(settings: shortBusyTimeout) { context in
            // Another process's writer, e.g. an operator's shell left inside a transaction.
            let pool = NIOThreadPool(numberOfThreads: 1)
            pool.start()
            let other = try await SQLiteConnection.open(
                storage: .file(path: path), threadPool: pool, on: context.app.eventLoopGroup.any()
            ).get()
            _ = try await other.query("BEGIN IMMEDIATE").get()

            let browser = context.browser()
            let refused = try await browser.signIn(DemoWorld.agentEmail)
            expectOutagePage(refused)

            _ = try await other.query("ROLLBACK").get()
            try await other.close().get()
            try await pool.shutdownGracefully()

            #expect(try await browser.signIn(DemoWorld.agentEmail).status == .seeOther)
            let catalogue = try await browser.get("/")
            #expect(catalogue.status == .ok)
            #expect(catalogue.contains("Applications"))
        }
    }

    @Test("the API and SCIM answer a locked database with their own 503 and Retry-After, never HTML or a 400")
    func integrationsDuringOutage() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("habilis-\(UUID()).sqlite").path
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        let shortBusyTimeout: (inout Settings) -> Void = {
            $0.databasePath = path
            $0.sqliteBusyTimeoutMilliseconds = 300
        }
        try await withTestApp(settings: shortBusyTimeout) { context in
            let caller = try await MachineCaller.register(context, application: nil, scopes: [.rightsWrite, .scim])
            let stranger = UUID()
            #expect(try await caller.call(.DELETE, "/applications/GREVE/rights/\(stranger)").0.status == .notFound)

            let pool = NIOThreadPool(numberOfThreads: 1)
            pool.start()
            let other = try await SQLiteConnection.open(
                storage: .file(path: path), threadPool: pool, on: context.app.eventLoopGroup.any()
            ).get()
            _ = try await other.query("BEGIN IMMEDIATE").get()
            let (api, problem) = try await caller.call(.DELETE, "/applications/GREVE/rights/\(stranger)")
            #expect(api.status == .serviceUnavailable, "\(api.html)")
            #expect(api.headers.first(name: .contentType) == "application/problem+json")
            #expect(api.headers.first(name: .retryAfter) == "30")
            #expect(problem["title"] as? String == "Service indisponible.")
            let (scim, error) = try await caller.scim(.GET, "/Users?count=1")
            #expect(scim.status == .serviceUnavailable, "\(scim.html)")
            #expect(scim.headers.first(name: .contentType) == "application/scim+json")
            #expect(scim.headers.first(name: .retryAfter) == "30")
            #expect(error["status"] as? String == "503")

            _ = try await other.query("ROLLBACK").get()
            try await other.close().get()
            try await pool.shutdownGracefully()
            #expect(try await caller.call(.DELETE, "/applications/GREVE/rights/\(stranger)").0.status == .notFound)
        }
    }

    @Test("the generated server's wrapping of a handler's error keeps an outage a 503 and a fault a 500")
    func wrappedHandlerErrors() throws {
        // What swift-openapi-runtime hands the gate: every error in a ServerError, with the operation's input once
        // the request decoded (the soak saw a 400 « Requête invalide » for a revocation during a restart).
        func wrapped(_ error: any Error, decoded: Bool) -> ServerError {
            ServerError(
                operationID: "revokeRight",
                request: HTTPRequest(method: .delete, scheme: nil, authority: nil, path: "/"),
                requestBody: nil, requestMetadata: .init(), operationInput: decoded ? "input" : nil,
                causeDescription: "Unknown", underlyingError: error)
        }
        let shutdown = PSQLError.unexpectedBackendMessage(
            .error(.init(fields: [.severity: "FATAL", .sqlState: "57P01", .message: "terminating connection"])))
        let outage = APIGate.problem(for: wrapped(shutdown, decoded: true))
        #expect(outage.status == .serviceUnavailable)
        #expect(outage.headers.contains { $0 == ("Retry-After", "30") })
        #expect(APIGate.problem(for: shutdown).status == .serviceUnavailable)
        struct HandlerBug: Error {}
        #expect(APIGate.problem(for: wrapped(HandlerBug(), decoded: true)).status == .internalServerError)
        let undecodable = DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "not JSON"))
        #expect(APIGate.problem(for: wrapped(undecodable, decoded: false)).status == .badRequest)
        let refusal = APIProblem(.conflict, "Habilitation déjà détenue.")
        #expect(APIGate.problem(for: wrapped(refusal, decoded: true)).status == .conflict)
    }

    @Test("the server outlives a crash of its PostgreSQL server: 503 while it is down, pages again once it is back")
    func postgresRestart() async throws {
        let postgres = try PrivatePostgres()
        defer { postgres.destroy() }
        let mail = FileManager.default.temporaryDirectory.appendingPathComponent("outage-mail-\(UUID())").path
        let environment = ["DATABASE_URL": postgres.url, "HABILIS_MAIL_TRANSPORT": "file:\(mail)"]
        #expect(try await HabilisBinary(["migrate", "--yes"], environment: environment).exitCode() == 0)
        let port = HabilisBinary.freePort()
        let base = "http://127.0.0.1:\(port)"
        let server = try HabilisBinary(
            ["serve", "--hostname", "127.0.0.1", "--port", String(port)], environment: environment)
        #expect(try await server.waitFor("Server started"), "\(server.text)")
        // A session cookie makes every page look its session up in the database.
        let cookie = "habilis_session=\(SecureToken.generate())"
        #expect(try await HabilisBinary.get(base + "/connexion", cookie: cookie).0 == 200)

        try postgres.crash()
        let (status, body, headers) = try await HabilisBinary.getWithHeaders(base + "/connexion", cookie: cookie)
        expectOutagePage(status, body, retryAfter: headers["retry-after"])
        #expect(try await HabilisBinary.get(base + "/readyz").0 == 503)
        #expect(server.process.isRunning)
        // The background jobs (every 5 seconds) say it once, however many of their rounds fail.
        let outageLine = "database unavailable, background jobs wait for it"
        #expect(try await server.waitFor(outageLine, timeout: 15))
        try await Task.sleep(for: .seconds(6))
        #expect(server.text.components(separatedBy: outageLine).count == 2, "\(server.text)")

        try postgres.start()
        // The pool drops the connections the crash cut and opens new ones: no restart of the portal.
        var recovered = false
        for _ in 0..<50 where !recovered {
            recovered = try await HabilisBinary.get(base + "/connexion", cookie: cookie).0 == 200
            if !recovered { try await Task.sleep(for: .milliseconds(200)) }
        }
        #expect(recovered)
        #expect(try await HabilisBinary.get(base + "/readyz").0 == 200)
        #expect(try await server.waitFor("database available again, background jobs resume", timeout: 15))
        #expect(try await server.stop() == 0, "\(server.text)")
        try? FileManager.default.removeItem(atPath: mail)
    }
}
