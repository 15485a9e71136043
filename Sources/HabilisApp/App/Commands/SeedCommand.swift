import Fluent
import Foundation
import Vapor

/// `habilis seed --demo`: adds the demo world to a migrated database (never in production).
struct SeedCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Flag(name: "demo", help: "Seed the demo world (organismes, applications, accounts).")
        var demo: Bool
        @Flag(name: "scale", help: "Add a federation-sized data set to the demo world (benchmarks).")
        var scale: Bool
        @Option(name: "organismes", help: "Number of organismes (300).")
        var organisations: Int?
        @Option(name: "agents", help: "Number of agents (200000).")
        var agents: Int?
        @Option(name: "applications", help: "Number of applications (60).")
        var applications: Int?
        @Option(name: "requests", help: "Number of historical requests (2000000).")
        var requests: Int?
        @Option(name: "rights", help: "Number of rights (400000).")
        var rights: Int?
        @Option(name: "pending", help: "Number of pending requests (100000), 20 % already due.")
        var pending: Int?
    }

    var help: String { "Seeds data into the database." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard signature.demo || signature.scale else {
            context.console.error("Précisez ce qu’il faut créer : habilis seed --demo ou habilis seed --scale")
            throw CommandFailure()
        }
        guard !app.settings.isProduction else {
            context.console.error("Les données de démonstration ne sont jamais créées en production.")
            throw CommandFailure()
        }
        try await app.autoMigrate()
        if signature.scale {
            try await seedScale(signature, context: context)
            return
        }
        guard try await Organisation.query(on: app.db).count() == 0 else {
            context.console.warning("La base contient déjà des organismes : rien n’a été ajouté.")
            return
        }
        let password = try await DemoWorld.seed(app)
        DemoWorld.printAccounts(
            password: password, generated: app.settings.demoPassword == nil,
            client: try await DemoWorld.registerDemoClient(app))
    }
}

extension SeedCommand {
    /// Adds the scale world to the demo world (seeded first when the database is empty).
    func seedScale(_ signature: Signature, context: CommandContext) async throws {
        let app = context.application
        if try await Organisation.query(on: app.db).count() == 0 {
            let password = try await DemoWorld.seed(app)
            DemoWorld.printAccounts(
                password: password, generated: app.settings.demoPassword == nil,
                client: try await DemoWorld.registerDemoClient(app))
        }
        guard try await Organisation.query(on: app.db).filter(\.$code == "SCALE-0").count() == 0 else {
            context.console.warning("Les données d’échelle sont déjà présentes : rien n’a été ajouté.")
            return
        }
        guard let demoAgent = try await Agent.query(on: app.db).filter(\.$email == DemoWorld.agentEmail).first() else {
            context.console.error("Le compte de démonstration \(DemoWorld.agentEmail) est introuvable.")
            throw CommandFailure()
        }
        var options = ScaleWorld.Options(demoAgentID: demoAgent.id!, demoOrganisationID: demoAgent.$organisation.id)
        if let value = signature.organisations { options.organisations = max(1, value) }
        if let value = signature.agents { options.agents = max(2, value) }
        if let value = signature.applications { options.applications = max(5, value) }
        if let value = signature.requests { options.requests = max(200, value) }
        if let value = signature.rights { options.rights = max(0, value) }
        if let value = signature.pending { options.pending = max(0, value) }
        options.queueOfLargestOrganisation = min(options.queueOfLargestOrganisation, options.pending / 20)
        let capacity = (options.agents - 1) * options.applications
        guard options.rights + options.pending < capacity / 2 else {
            context.console.error(
                "Trop d’habilitations et de demandes en attente pour ce nombre d’agents et d’applications.")
            throw CommandFailure()
        }
        let started = Date()
        let world = ScaleWorld(options: options, now: app.portal.clock.now, passwordHash: demoAgent.passwordHash)
        let report = try await world.run(on: app.db) { context.console.print("  \($0)") }
        context.console.success(
            "Données d’échelle ajoutées en \(Int(Date().timeIntervalSince(started))) s : \(report.organisations) organismes, "
                + "\(report.agents) agents, \(report.applications) applications, \(report.requests) demandes historiques, "
                + "\(report.rights) habilitations, \(report.pending) demandes en attente, \(report.signIns) connexions aux "
                + "applications. Correspondant de la plus "
                + "grande file : correspondant@scale-0.fr (mot de passe de démonstration).")
    }
}

/// A command refused what it was asked; the message has been printed.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String { "La commande a échoué." }
}
