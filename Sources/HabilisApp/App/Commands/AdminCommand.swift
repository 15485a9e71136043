import Fluent
import Foundation
import Vapor

/// `habilis admin create --email …`: creates a UCANSS administrator; the password is asked, or read from stdin.
struct AdminCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "create")
        var action: String
        @Option(name: "email", help: "The administrator's e-mail (login).")
        var email: String?
        @Option(name: "first-name", help: "First name (default: Administrateur).")
        var firstName: String?
        @Option(name: "last-name", help: "Last name (default: UCANSS).")
        var lastName: String?
    }

    var help: String { "Manages administrator accounts: habilis admin create --email admin@example.fr" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard signature.action == "create" else {
            context.console.error("Action inconnue « \(signature.action) » : seule « create » existe.")
            throw CommandFailure()
        }
        guard case .success(let email) = EmailAddress.normalize(signature.email ?? "") else {
            context.console.error("Donnez une adresse e-mail valide avec --email.")
            throw CommandFailure()
        }
        let password: String
        if isatty(STDIN_FILENO) != 0 {
            password = context.console.ask("Mot de passe de \(email) :", isSecure: true)
        } else {
            password = readLine(strippingNewline: true) ?? ""
        }
        let firstName = signature.firstName ?? "Administrateur"
        let lastName = signature.lastName ?? "UCANSS"
        let services = app.portal
        if let problem = services.passwordPolicy.problem(
            with: password, contextWords: [firstName, lastName, email], isPrivileged: true)
        {
            context.console.error(problem)
            throw CommandFailure()
        }
        if try await Agent.query(on: app.db).filter(\.$email == email).count() > 0 {
            context.console.error("Un compte existe déjà pour \(email).")
            throw CommandFailure()
        }
        let hash = try await services.passwords.hash(password)
        try await app.db.atomically { database in
            let organisation = try await DemoWorld.ucanss(on: database, now: services.clock.now)
            let agent = Agent(
                email: email, passwordHash: hash, civility: "Madame", firstName: firstName, lastName: lastName,
                organisationID: organisation.id!, status: .active, createdAt: services.clock.now)
            agent.isAdministrator = true
            try await agent.create(on: database)
            try await services.audit.record(
                .administratorCreated, by: .system, target: ("agent", agent.id!.uuidString),
                details: ["email": email, "via": "command"], on: database)
        }
        context.console.success("Administrateur créé : \(email)")
    }
}
