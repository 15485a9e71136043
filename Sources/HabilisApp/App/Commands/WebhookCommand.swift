import Foundation
import Vapor

/// `habilis webhook add --application CODE --url URL`, `webhook list`, `webhook remove ID`: an application's
/// endpoints for change events, as administrators register them on the application's page. `add` prints
/// `endpoint_id=…` and `secret=whsec_…` on lines of their own; the secret is never shown again.
struct WebhookCommand: AnyAsyncCommand {
    var help: String {
        "Manages the change events' endpoints: webhook add --application CODE --url URL; webhook list; "
            + "webhook remove ENDPOINT_ID"
    }

    func run(using context: inout CommandContext) async throws {
        var arguments = context.input.arguments
        let action = arguments.isEmpty ? "" : arguments.removeFirst()
        let app = context.application
        let console = context.console
        let webhooks = app.portal.webhooks
        switch action {
        case "add":
            let options = try CommandOptions(
                arguments, single: ["application", "url"], repeated: [], flags: [], console: console)
            do {
                let (endpoint, secret) = try await webhooks.add(
                    application: options.single["application"] ?? "", url: options.single["url"] ?? "",
                    by: .system, on: app.db)
                console.print("endpoint_id=\(endpoint.id!.uuidString.lowercased())")
                console.print("secret=\(secret)")
            } catch let refusal as ClientRegistry.Refusal {
                for line in refusal.message.split(separator: "\n") { console.error(String(line)) }
                throw CommandFailure()
            }
        case "list":
            for endpoint in try await webhooks.endpoints(on: app.db) {
                console.print(
                    [endpoint.id!.uuidString.lowercased(), endpoint.application.code, endpoint.url].joined(
                        separator: "\t"))
            }
        case "remove":
            guard let id = arguments.first.flatMap(UUID.init(uuidString:)),
                try await webhooks.remove(id, by: .system, on: app.db)
            else {
                console.error("Donnez l’identifiant d’un point de réception : habilis webhook remove ENDPOINT_ID")
                throw CommandFailure()
            }
            console.print("Point de réception supprimé : \(id.uuidString.lowercased())")
        default:
            console.error("Action inconnue « \(action) » : add, list ou remove.")
            throw CommandFailure()
        }
    }
}
