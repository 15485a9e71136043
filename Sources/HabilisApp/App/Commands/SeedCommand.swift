import Vapor

/// `habilis seed --demo`: adds the demo world to a migrated database (never in production).
struct SeedCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Flag(name: "demo", help: "Seed the demo world (organismes, applications, accounts).")
        var demo: Bool
    }

    var help: String { "Seeds data into the database." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard signature.demo else {
            context.console.error("Précisez ce qu’il faut créer : habilis seed --demo")
            throw CommandFailure()
        }
        guard !app.settings.isProduction else {
            context.console.error("Les données de démonstration ne sont jamais créées en production.")
            throw CommandFailure()
        }
        try await app.autoMigrate()
        guard try await Organisation.query(on: app.db).count() == 0 else {
            context.console.warning("La base contient déjà des organismes : rien n’a été ajouté.")
            return
        }
        let password = try await DemoWorld.seed(app)
        DemoWorld.printAccounts(password: password, generated: app.settings.demoPassword == nil)
    }
}

/// A command refused what it was asked; the message has been printed.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String { "La commande a échoué." }
}
