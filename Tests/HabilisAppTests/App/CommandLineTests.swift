import Fluent
import Foundation
import Testing
import Vapor

@testable import HabilisApp

/// Black-box tests of the `habilis` executable: the commands README.md gives to a newcomer and an operator.
@Suite("The habilis executable", .serialized)
struct CommandLineTests {
    func scratchDatabase() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("habilis-\(UUID()).sqlite").path
    }

    @Test("the first start on an empty SQLite file migrates, seeds the demo world and prints the accounts once")
    func embeddedDefault() async throws {
        let database = scratchDatabase()
        let port = HabilisBinary.freePort()
        let environment = ["HABILIS_DATABASE_PATH": database, "HABILIS_MAIL_TRANSPORT": "file:/tmp/habilis-cli-mail"]
        let first = try HabilisBinary(["serve", "--port", String(port)], environment: environment)
        #expect(try await first.waitFor("Server started"))
        #expect(first.text.contains("monde de démonstration créé"))
        #expect(first.text.contains("admin@ucanss.fr"))
        #expect(first.text.contains("m.durand@lassuranceretraite.fr"))
        #expect(first.text.contains("affiché une seule fois"))
        #expect(first.text.contains("Client OpenID Connect de démonstration"))
        #expect(first.text.contains("client_secret="))
        #expect(first.text.contains("Client machine de démonstration (API, toute la fédération"))
        #expect(first.text.components(separatedBy: "client_secret=").count == 3)
        let (status, body) = try await HabilisBinary.get("http://127.0.0.1:\(port)/connexion")
        #expect(status == 200)
        #expect(body.contains("Entrez votre adresse <strong>e-mail professionnelle</strong>"))
        #expect(try await first.stop() == 0)

        let second = try HabilisBinary(["serve", "--port", String(port)], environment: environment)
        #expect(try await second.waitFor("Server started"))
        #expect(!second.text.contains("monde de démonstration"))
        // Answering a request shows that start-up is over (signal handlers in place) before it is stopped.
        #expect(try await HabilisBinary.get("http://127.0.0.1:\(port)/readyz").0 == 200)
        let code = try await second.stop()
        #expect(code == 0, "\(second.text)")
        // The server created its signing keys at its first start: one to sign with per algorithm, kept after.
        let onThatFile: (inout Settings) -> Void = { $0.databasePath = database }
        try await withTestApp(seedDemo: false, settings: onThatFile) { context in
            let keys = try await OIDCSigningKey.query(on: context.db).all()
            #expect(keys.map(\.algorithm).sorted() == ["ES256", "RS256"])
        }
        try? FileManager.default.removeItem(atPath: database)
    }

    @Test("production refuses to start with insecure settings, one line per problem")
    func productionRefusesInsecureSettings() async throws {
        let run = try HabilisBinary(
            ["serve", "--env", "production"],
            environment: [
                "HABILIS_BASE_URL": "http://portail.example.fr", "HABILIS_DEMO_PASSWORD": "demo-habilis-2026",
            ])
        #expect(try await run.exitCode() != 0)
        #expect(run.text.contains("HABILIS_BASE_URL must be an https:// URL in production"))
        #expect(run.text.contains("HABILIS_DEMO_PASSWORD must not be set in production"))
        #expect(run.text.contains("HABILIS_MAIL_TRANSPORT must be an smtp:// URL in production"))
        #expect(run.text.contains("DATABASE_URL must name the PostgreSQL database in production"))
    }

    @Test("started away from Public/ and Resources/, it refuses to start and names HABILIS_WORKING_DIRECTORY")
    func refusesAWrongWorkingDirectory() async throws {
        let elsewhere = FileManager.default.temporaryDirectory.appendingPathComponent("habilis-nowhere").path
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        let run = try HabilisBinary(
            ["serve", "--port", String(HabilisBinary.freePort())],
            environment: ["HABILIS_WORKING_DIRECTORY": elsewhere, "HABILIS_DATABASE_PATH": scratchDatabase()])
        #expect(try await run.exitCode() != 0)
        #expect(run.text.contains("Public/static/habilis.css"))
        #expect(run.text.contains("Resources/Security/common-passwords.txt"))
        #expect(run.text.contains("HABILIS_WORKING_DIRECTORY"))
        #expect(!run.text.contains("Server started"))
    }

    @Test("admin create reads the password from stdin and refuses a weak one")
    func adminCreate() async throws {
        let database = scratchDatabase()
        let environment = ["HABILIS_DATABASE_PATH": database]
        let migrate = try HabilisBinary(["migrate", "--yes"], environment: environment)
        #expect(try await migrate.exitCode() == 0)

        let weak = try HabilisBinary(
            ["admin", "create", "--email", "chef@ucanss.fr"], environment: environment, stdin: "motdepasse123456")
        #expect(try await weak.exitCode() != 0)
        #expect(weak.text.contains("trop courant"))

        let short = try HabilisBinary(
            ["admin", "create", "--email", "chef@ucanss.fr"], environment: environment, stdin: "zèbres pâles x")
        #expect(try await short.exitCode() != 0)
        #expect(short.text.contains("administrateur ou d’un correspondant local doit contenir au moins 16 caractères"))

        let strong = try HabilisBinary(
            ["admin", "create", "--email", "Chef@Ucanss.fr"], environment: environment,
            stdin: "une longue phrase de passe")
        #expect(try await strong.exitCode() == 0)
        #expect(strong.text.contains("Administrateur créé : chef@ucanss.fr"))

        let onThatFile: (inout Settings) -> Void = { $0.databasePath = database }
        try await withTestApp(seedDemo: false, settings: onThatFile) { context in
            let admin = try #require(
                try await Agent.query(on: context.db).filter(\.$email == "chef@ucanss.fr").first())
            #expect(admin.isAdministrator)
            #expect(admin.status == .active)
            #expect(try await context.auditActions() == ["administrator.created"])
            let page = try await context.browser().signIn("chef@ucanss.fr", password: "une longue phrase de passe")
            #expect(page.status == .seeOther)
        }
        try? FileManager.default.removeItem(atPath: database)
    }

    @Test("on SIGTERM the server keeps answering while /readyz says 503, then exits 0")
    func drainsOnSIGTERM() async throws {
        let database = scratchDatabase()
        let port = HabilisBinary.freePort()
        let server = try HabilisBinary(
            ["serve", "--port", String(port)],
            environment: [
                "HABILIS_DATABASE_PATH": database, "HABILIS_MAIL_TRANSPORT": "file:/tmp/habilis-cli-mail",
                "HABILIS_DRAIN_SECONDS": "3",
            ])
        #expect(try await server.waitFor("Server started"))
        #expect(try await HabilisBinary.get("http://127.0.0.1:\(port)/readyz").0 == 200)
        server.process.terminate()
        #expect(try await server.waitFor("/readyz answers 503"))
        let (ready, body) = try await HabilisBinary.get("http://127.0.0.1:\(port)/readyz")
        #expect(ready == 503 && body == "draining")
        #expect(try await HabilisBinary.get("http://127.0.0.1:\(port)/connexion").0 == 200)
        let started = Date()
        #expect(try await server.exitCode(timeout: 20) == 0)
        #expect(Date().timeIntervalSince(started) < 15)
        try? FileManager.default.removeItem(atPath: database)
    }

    @Test("oidc-client adds, lists, rotates and removes clients; oidc-keys rotates; mistakes are told in French")
    func oidcCommands() async throws {
        let database = scratchDatabase()
        let environment = ["HABILIS_DATABASE_PATH": database, "HABILIS_DEMO_PASSWORD": "demo-habilis-2026"]
        #expect(try await HabilisBinary(["seed", "--demo"], environment: environment).exitCode() == 0)
        func run(_ arguments: [String]) async throws -> (Int32, String) {
            let process = try HabilisBinary(arguments, environment: environment)
            let code = try await process.exitCode()
            return (code, process.text)
        }
        let (added, output) = try await run([
            "oidc-client", "add", "--application", "GREVE", "--redirect-uri", "https://greve.ucanss.fr/callback",
            "--redirect-uri", "http://127.0.0.1:8080/callback", "--backchannel-logout-uri",
            "https://greve.ucanss.fr/logout", "--algorithm", "ES256",
        ])
        #expect(added == 0, "\(output)")
        let lines = output.split(separator: "\n").map(String.init)
        let clientID = try #require(lines.first { $0.hasPrefix("client_id=") }?.dropFirst(10)).description
        let secret = try #require(lines.first { $0.hasPrefix("client_secret=") }?.dropFirst(14)).description
        #expect(secret.count >= 43)
        let (_, publicOutput) = try await run([
            "oidc-client", "add", "--application", "GREVE", "--redirect-uri", "http://127.0.0.1:8080/cb", "--public",
        ])
        #expect(publicOutput.contains("client_id="))
        #expect(!publicOutput.contains("client_secret="))

        let (refused, refusal) = try await run([
            "oidc-client", "add", "--application", "GREVE", "--redirect-uri", "ftp://greve.ucanss.fr/cb",
        ])
        #expect(refused != 0)
        #expect(refusal.contains("doit commencer par https://"))
        let (unknown, unknownText) = try await run([
            "oidc-client", "add", "--application", "INCONNUE", "--redirect-uri", "https://x.fr/cb",
        ])
        #expect(unknown != 0)
        #expect(unknownText.contains("Aucune application n’a le code « INCONNUE »"))
        #expect(
            try await run(["oidc-client", "add", "--application", "GREVE", "--bizarre", "x"]).1.contains(
                "Option inconnue"))

        let (machineAdded, machineOutput) = try await run([
            "oidc-client", "add", "--machine", "--application", "GREVE", "--scope", "rights:read", "--scope",
            "rights:write",
        ])
        #expect(machineAdded == 0, "\(machineOutput)")
        let machineID = try #require(
            machineOutput.split(separator: "\n").first { $0.hasPrefix("client_id=") }?.dropFirst(10)
        ).description
        #expect(machineOutput.contains("client_secret="))
        let (federationAdded, federationOutput) = try await run([
            "oidc-client", "add", "--machine", "--federation", "--scope", "directory:read",
        ])
        #expect(federationAdded == 0, "\(federationOutput)")
        let (neither, neitherText) = try await run(["oidc-client", "add", "--machine", "--scope", "scim"])
        #expect(neither != 0)
        #expect(neitherText.contains("Donnez --application CODE ou --federation"))
        let (badScope, badScopeText) = try await run([
            "oidc-client", "add", "--machine", "--federation", "--scope", "tout",
        ])
        #expect(badScope != 0)
        #expect(badScopeText.contains("Portée inconnue"))

        let (_, listed) = try await run(["oidc-client", "list"])
        #expect(listed.contains("\(clientID)\tGREVE\tconfidential\tES256"))
        #expect(listed.contains("\(machineID)\tGREVE\tmachine\trights:read rights:write"))
        #expect(listed.contains("(fédération)\tmachine\tdirectory:read"))
        #expect(try await run(["oidc-client", "rotate-secret", machineID]).1.contains("client_secret="))
        #expect(try await run(["oidc-client", "remove", machineID]).0 == 0)
        let (_, rotated) = try await run(["oidc-client", "rotate-secret", clientID])
        #expect(rotated.contains("client_secret="))
        #expect(!rotated.contains(secret))
        #expect(try await run(["oidc-client", "remove", clientID]).0 == 0)
        #expect(try await run(["oidc-client", "remove", clientID]).0 != 0)
        #expect(!(try await run(["oidc-client", "list"]).1.contains(clientID)))

        let (keysCode, keysText) = try await run(["oidc-keys", "rotate", "--algorithm", "ES256"])
        #expect(keysCode == 0, "\(keysText)")
        #expect(keysText.contains("kid=es256-"))
        #expect(
            try await run(["oidc-keys", "list"]).1.split(separator: "\n").filter { $0.contains("es256-") }.count == 2)

        let onThatFile: (inout Settings) -> Void = { $0.databasePath = database }
        try await withTestApp(seedDemo: false, settings: onThatFile) { context in
            let actions = try await context.auditActions()
            for action in [
                "oidc_client.registered", "oidc_client.secret_rotated", "oidc_client.removed", "oidc_key.rotated",
                "machine_client.registered", "machine_client.secret_rotated", "machine_client.removed",
            ] {
                #expect(actions.contains(action), "\(action)")
            }
        }
        try? FileManager.default.removeItem(atPath: database)
    }

    @Test("seed --demo fills a migrated database once and never runs in production")
    func seedDemo() async throws {
        let database = scratchDatabase()
        let environment = ["HABILIS_DATABASE_PATH": database, "HABILIS_DEMO_PASSWORD": "demo-habilis-2026"]
        let seed = try HabilisBinary(["seed", "--demo"], environment: environment)
        #expect(try await seed.exitCode() == 0)
        #expect(seed.text.contains("mot de passe commun : demo-habilis-2026"))
        let again = try HabilisBinary(["seed", "--demo"], environment: environment)
        #expect(try await again.exitCode() == 0)
        #expect(again.text.contains("rien n’a été ajouté"))
        try? FileManager.default.removeItem(atPath: database)
    }

    @Test("seed --scale adds a skewed federation to the demo world, which keeps working")
    func seedScale() async throws {
        let database = scratchDatabase()
        let environment = ["HABILIS_DATABASE_PATH": database, "HABILIS_DEMO_PASSWORD": "demo-habilis-2026"]
        let seed = try HabilisBinary(
            [
                "seed", "--scale", "--organismes", "12", "--agents", "600", "--applications", "8", "--requests",
                "3000", "--rights", "900", "--pending", "400",
            ], environment: environment)
        #expect(try await seed.exitCode() == 0)
        #expect(seed.text.contains("12 organismes, 600 agents, 8 applications, 3000 demandes historiques"))

        let onThatFile: (inout Settings) -> Void = { $0.databasePath = database }
        try await withTestApp(seedDemo: false, settings: onThatFile) { context in
            let scaleAgents = try await Agent.query(on: context.db).filter(\.$email ~~ "@scale-").all()
            #expect(scaleAgents.count == 600)
            // Sizes are skewed: the largest organisme has many times the agents of the smallest.
            let sizes = Dictionary(grouping: scaleAgents, by: { $0.$organisation.id }).values.map(\.count).sorted()
            #expect(sizes.count == 12)
            #expect(sizes.last! >= 4 * sizes.first!)
            // The demo agent has his 200 historical requests; rights and pending requests are all there.
            let demo = try #require(
                try await Agent.query(on: context.db).filter(\.$email == DemoWorld.agentEmail).first())
            #expect(try await AccessRequest.query(on: context.db).filter(\.$agent.$id == demo.id!).count() >= 200)
            let pending = try await AccessRequest.query(on: context.db).filter(\.$status == .pending).all()
            #expect(pending.count >= 400)
            #expect(Set(pending.map { "\($0.$agent.id)-\($0.$application.id)" }).count == pending.count)
            #expect(pending.contains { $0.dueAt <= Date() })
            // The largest organisme's correspondent has a queue, none of it already due.
            let correspondent = try #require(
                try await Agent.query(on: context.db).filter(\.$email == "correspondant@scale-0.fr").first())
            let queue = pending.filter { $0.$organisation.id == correspondent.$organisation.id }
            #expect(!queue.isEmpty)
            #expect(queue.allSatisfy { $0.dueAt > Date() })
            #expect(try await Grant.query(on: context.db).count() >= 900)
            // Single sign-on as a live federation has it: a client per application, sign-ins for a quarter of the
            // rights, each with four refresh tokens of which one stands, held by agents who have the right.
            #expect(seed.text.contains("225 connexions aux applications"))
            #expect(try await OIDCClient.query(on: context.db).filter(\.$clientID ~~ "scale-app-").count() == 8)
            let signIns = try await ApplicationSignIn.query(on: context.db).with(\.$client).all()
            #expect(signIns.count == 225)
            #expect(try await OIDCRefreshToken.query(on: context.db).count() == 900)
            #expect(try await OIDCRefreshToken.query(on: context.db).filter(\.$usedAt == nil).count() == 225)
            let held = Set(try await Grant.query(on: context.db).all().map { "\($0.$agent.id)-\($0.$application.id)" })
            #expect(signIns.allSatisfy { held.contains("\($0.$agent.id)-\($0.client.$application.id)") })
            let page = try await context.browser().signIn(DemoWorld.agentEmail, password: "demo-habilis-2026")
            #expect(page.status == .seeOther)
            let queuePage = try await context.browser()
            try await queuePage.signIn("correspondant@scale-0.fr", password: "demo-habilis-2026")
            #expect(try await queuePage.get(Paths.requestsToDecide).contains("Demandes à traiter"))
        }
        try? FileManager.default.removeItem(atPath: database)
    }
}

@Suite("habilis sweep from the command line", .serialized)
struct SweepCommandTests {
    @Test("two sweeps at once from two processes accept, end rights and close a review once, with one mail each")
    func twoProcesses() async throws {
        let postgres = try await TestDatabase.make()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("habilis-\(UUID()).sqlite").path
        let mailDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-mail-\(UUID())").path
        let onShared: (inout Settings) -> Void = { settings in
            if let postgres { settings.databaseURL = postgres.url } else { settings.databasePath = file }
        }
        try await withTestApp(settings: onShared) { context in
            // A right that ends on its own in 3 days, and a review of Accords locaux that removes what nobody
            // reviewed by 7 March: Charenne's right (the demo one) and Leroy's, which will have ended by then.
            let accords = try await Given.application("ACCORDS-LOCAUX", on: context.db)
            try await Grant(
                agentID: try await Given.agent(DemoWorld.directorEmail, on: context.db).id!,
                applicationID: accords.id!, grantedAt: context.clock.now, grantedByID: nil, accessRequestID: nil,
                expiresAt: context.clock.now.addingTimeInterval(3 * 86_400)
            ).create(on: context.db)
            let administrator = context.browser()
            try await administrator.signIn(DemoWorld.administratorEmail)
            let opened = try await administrator.post(
                Paths.adminReviews,
                [
                    ("nom", "Revue Accords locaux"), ("fin", "2026-03-07"), ("regle", "retirer"),
                    ("applications[]", accords.id!.uuidString),
                ])
            #expect(opened.status == .seeOther)
            for email in [DemoWorld.agentEmail, DemoWorld.directorEmail, DemoWorld.cafAgentEmail] {
                for code in ["GREVE", "DROIT-SYNDICAL", "ELECTIONS-PRO", "TDB-RH", "REMUNERATIONS"] {
                    try await requestAccess(code, as: email, context: context)
                }
            }
            #expect(try await AccessRequest.query(on: context.db).filter(\.$status == .pending).count() == 15)
        }
        let environment =
            postgres.map { ["DATABASE_URL": $0.url] } ?? ["HABILIS_DATABASE_PATH": file]
        let asOf = ISO8601DateFormatter().string(from: testEpoch.addingTimeInterval(11 * 86_400))
        let runs = try (0..<2).map { _ in
            try HabilisBinary(
                ["sweep", "--as-of", asOf],
                environment: environment.merging(["HABILIS_MAIL_TRANSPORT": "file:\(mailDirectory)"]) { $1 })
        }
        for run in runs { #expect(try await run.exitCode() == 0) }
        // The two processes may share the work: what each did adds up to what was due, never more.
        func done(_ what: String) -> Int {
            runs.compactMap { run in
                run.text.firstMatch(of: try! Regex("([0-9]+) " + what))
                    .flatMap { Int($0.output[1].substring ?? "") }
            }.reduce(0, +)
        }
        #expect(done("demande\\(s\\) acceptée\\(s\\) automatiquement") == 15)
        #expect(done("campagne\\(s\\) de revue close\\(s\\)") == 1)
        #expect(runs.allSatisfy { $0.text.contains("événement(s) d’audit de plus de 365 jours supprimé(s)") })

        try await withTestApp(seedDemo: false, settings: onShared) { context in
            #expect(try await AccessRequest.query(on: context.db).filter(\.$status == .autoAccepted).count() == 15)
            // 15 accepted and the demo right, plus Leroy's, less the one ended and the one removed by the review.
            #expect(try await Grant.query(on: context.db).filter(\.$revokedAt == nil).count() == 15)
            let actions = try await context.auditActions()
            #expect(actions.filter { $0 == "grant.expired" }.count == 1)
            #expect(actions.filter { $0 == "review.removed" }.count == 1)
            #expect(actions.filter { $0 == "review.closed" }.count == 1)
            let outbox = try await OutboxMessage.query(on: context.db).all()
            #expect(outbox.allSatisfy { $0.status == .sent })
            let files = try Mailbox(directory: mailDirectory).all()
            #expect(files.count == outbox.count)
            #expect(Set(files.compactMap { $0.header("Message-ID") }).count == files.count)
            #expect(
                files.filter { $0.text.contains("acceptée automatiquement") && $0.recipient == DemoWorld.agentEmail }
                    .count == 5)
            #expect(
                files.filter {
                    $0.subject == "Votre habilitation à Accords locaux (profil « Consultation ») a été retirée"
                }.map(\.recipient)
                    == [DemoWorld.agentEmail])
            #expect(
                files.filter { $0.subject == "Votre habilitation à Accords locaux a pris fin" }.map(\.recipient)
                    == [DemoWorld.directorEmail])
        }
        try await postgres?.drop()
        try? FileManager.default.removeItem(atPath: file)
        try? FileManager.default.removeItem(atPath: mailDirectory)
    }

    @Test("an invalid --as-of is refused")
    func invalidInstant() async throws {
        let run = try HabilisBinary(
            ["sweep", "--as-of", "demain"],
            environment: ["HABILIS_DATABASE_PATH": FileManager.default.temporaryDirectory.path + "/x-\(UUID()).sqlite"])
        #expect(try await run.exitCode() != 0)
        #expect(run.text.contains("instant ISO 8601 attendu"))
    }
}
