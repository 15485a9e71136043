import Foundation
import Vapor

/// `habilis oidc-client add|list|remove|rotate-secret`: registers the OpenID Connect clients of an application
/// from scripts and tests, as administrators do on the application's page; with `--machine`, a machine client of
/// the API and SCIM (client-credentials grant), bound to an application or federation-wide. `add` prints `client_id=…` and, for a
/// confidential client, `client_secret=…` on lines of their own; the secret is never shown again.
/// Options may repeat (`--redirect-uri` several times), which ConsoleKit's signatures cannot say: they are read here.
struct OIDCClientCommand: AnyAsyncCommand {
    var help: String {
        "Manages OpenID Connect clients: oidc-client add --application CODE --redirect-uri URI [--redirect-uri URI…] "
            + "[--post-logout-redirect-uri URI] [--backchannel-logout-uri URI] [--initiate-login-uri URI] [--public] "
            + "[--no-pkce] [--algorithm RS256|ES256] [--name NAME]; "
            + "oidc-client add --machine (--application CODE | --federation) --scope SCOPE [--scope SCOPE…] [--name NAME]; "
            + "oidc-client list; oidc-client remove CLIENT_ID; "
            + "oidc-client rotate-secret CLIENT_ID"
    }

    func run(using context: inout CommandContext) async throws {
        var arguments = context.input.arguments
        let action = arguments.isEmpty ? "" : arguments.removeFirst()
        let app = context.application
        let console = context.console
        let clients = app.portal.clients
        let via = AuditContext.system
        switch action {
        case "add" where arguments.contains("--machine"):
            try await addMachineClient(arguments, app: app, console: console)
        case "add":
            let options = try CommandOptions(
                arguments,
                single: [
                    "application", "post-logout-redirect-uri", "backchannel-logout-uri",
                    "initiate-login-uri", "algorithm", "name",
                ], repeated: ["redirect-uri", "post-logout-redirect-uri"],
                flags: ["public", "no-pkce"], console: console)
            var registration = ClientRegistry.Registration(
                applicationCode: options.single["application"] ?? "",
                redirectURIs: options.repeated["redirect-uri"] ?? [])
            registration.postLogoutRedirectURIs = options.repeated["post-logout-redirect-uri"] ?? []
            registration.backchannelLogoutURI = options.single["backchannel-logout-uri"]
            registration.initiateLoginURI = options.single["initiate-login-uri"]
            registration.isPublic = options.flags.contains("public")
            registration.requiresPKCE = !options.flags.contains("no-pkce")
            registration.name = options.single["name"]
            if let text = options.single["algorithm"] {
                guard let algorithm = SigningKeys.Algorithm(rawValue: text.uppercased()) else {
                    console.error("--algorithm : RS256 ou ES256.")
                    throw CommandFailure()
                }
                registration.algorithm = algorithm
            }
            do {
                let (client, secret) = try await clients.register(registration, by: via, on: app.db)
                console.print("client_id=\(client.clientID)")
                if let secret { console.print("client_secret=\(secret)") }
            } catch let refusal as ClientRegistry.Refusal {
                for line in refusal.message.split(separator: "\n") { console.error(String(line)) }
                throw CommandFailure()
            }
        case "list":
            for client in try await clients.list(on: app.db) {
                console.print(
                    [
                        client.clientID, client.application.code, client.isPublic ? "public" : "confidential",
                        client.signingAlgorithm, client.redirectURIs.joined(separator: " "),
                    ].joined(separator: "\t"))
            }
            for client in try await app.portal.machineClients.list(on: app.db) {
                console.print(
                    [client.clientID, client.application?.code ?? "(fédération)", "machine", client.scopeList]
                        .joined(separator: "\t"))
            }
        case "remove", "rotate-secret":
            guard let clientID = arguments.first, !clientID.hasPrefix("-") else {
                console.error("Donnez l’identifiant du client : habilis oidc-client \(action) CLIENT_ID")
                throw CommandFailure()
            }
            let machines = app.portal.machineClients
            if action == "remove" {
                var removed = try await clients.remove(clientID, by: via, on: app.db)
                if !removed { removed = try await machines.remove(clientID, by: via, on: app.db) }
                guard removed else {
                    console.error("Aucun client n’a l’identifiant « \(clientID) ».")
                    throw CommandFailure()
                }
                console.print("Client supprimé : \(clientID)")
            } else {
                var secret = try await clients.rotateSecret(of: clientID, by: via, on: app.db)
                if secret == nil { secret = try await machines.rotateSecret(of: clientID, by: via, on: app.db) }
                guard let secret else {
                    console.error("Aucun client confidentiel n’a l’identifiant « \(clientID) ».")
                    throw CommandFailure()
                }
                console.print("client_secret=\(secret)")
            }
        default:
            console.error("Action inconnue « \(action) » : add, list, remove ou rotate-secret.")
            throw CommandFailure()
        }
    }

    private func addMachineClient(_ arguments: [String], app: Application, console: any Console) async throws {
        let options = try CommandOptions(
            arguments, single: ["application", "name"], repeated: ["scope"], flags: ["machine", "federation"],
            console: console)
        let application = options.single["application"]
        guard (application == nil) == options.flags.contains("federation") else {
            console.error("Donnez --application CODE ou --federation (l’un des deux).")
            throw CommandFailure()
        }
        let registration = MachineClientRegistry.Registration(
            applicationCode: application, name: options.single["name"], scopes: options.repeated["scope"] ?? [])
        do {
            let (client, secret) = try await app.portal.machineClients.register(
                registration, by: .system, on: app.db)
            console.print("client_id=\(client.clientID)")
            console.print("client_secret=\(secret)")
        } catch let refusal as ClientRegistry.Refusal {
            for line in refusal.message.split(separator: "\n") { console.error(String(line)) }
            throw CommandFailure()
        }
    }
}

/// `habilis oidc-keys rotate [--algorithm RS256|ES256] [--signs-in SECONDS]` and `habilis oidc-keys list`: the
/// provider's signing keys. A new key signs after 10 minutes unless told otherwise: relying parties that cache the
/// JWKS meet it first.
struct OIDCKeysCommand: AnyAsyncCommand {
    var help: String {
        "Manages the OpenID Connect signing keys: oidc-keys rotate [--algorithm RS256|ES256] [--signs-in SECONDS]; "
            + "oidc-keys list"
    }

    func run(using context: inout CommandContext) async throws {
        var arguments = context.input.arguments
        let action = arguments.isEmpty ? "" : arguments.removeFirst()
        let app = context.application
        let keys = app.portal.signingKeys
        switch action {
        case "rotate":
            let options = try CommandOptions(
                arguments, single: ["algorithm", "signs-in"], repeated: [], flags: [], console: context.console)
            var signsIn: TimeInterval?
            if let text = options.single["signs-in"] {
                guard let seconds = Int(text), (0...86_400).contains(seconds) else {
                    context.console.error("--signs-in : un nombre de secondes entre 0 et 86400.")
                    throw CommandFailure()
                }
                signsIn = TimeInterval(seconds)
            }
            let algorithms =
                try options.single["algorithm"].map { text in
                    guard let algorithm = SigningKeys.Algorithm(rawValue: text.uppercased()) else {
                        context.console.error("--algorithm : RS256 ou ES256.")
                        throw CommandFailure()
                    }
                    return [algorithm]
                } ?? SigningKeys.Algorithm.allCases
            try await keys.ensure(on: app.db)
            for algorithm in algorithms {
                let key = try await keys.rotate(algorithm, signsIn: signsIn, on: app.db)
                try await app.portal.audit.record(
                    .oidcKeyRotated, by: .system, target: ("oidc_key", key.kid),
                    details: ["algorithm": key.algorithm], on: app.db)
                context.console.print(
                    "kid=\(key.kid) (\(key.algorithm)) publiée, signe à partir du "
                        + ISO8601DateFormatter().string(from: key.signsFrom))
            }
        case "list":
            for key in try await keys.published(on: app.db) {
                context.console.print(
                    "\(key.kid)\t\(key.algorithm)\t\(ISO8601DateFormatter().string(from: key.signsFrom))")
            }
        default:
            context.console.error("Action inconnue « \(action) » : rotate ou list.")
            throw CommandFailure()
        }
    }
}

/// `--name value` options, some of which may repeat, and `--flag`s; anything else is refused by name.
struct CommandOptions {
    var single: [String: String] = [:]
    var repeated: [String: [String]] = [:]
    var flags: Set<String> = []

    init(
        _ arguments: [String], single: Set<String>, repeated: Set<String>, flags: Set<String>, console: any Console
    )
        throws
    {
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            let name = String(argument.drop { $0 == "-" })
            guard argument.hasPrefix("--") else {
                console.error("Argument inattendu « \(argument) ».")
                throw CommandFailure()
            }
            if flags.contains(name) {
                self.flags.insert(name)
                continue
            }
            guard single.contains(name) || repeated.contains(name) else {
                console.error("Option inconnue « \(argument) ».")
                throw CommandFailure()
            }
            guard let value = remaining.popFirst() else {
                console.error("L’option \(argument) attend une valeur.")
                throw CommandFailure()
            }
            if repeated.contains(name) { self.repeated[name, default: []].append(value) }
            self.single[name] = value
        }
    }
}
