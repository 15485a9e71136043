import Fluent
import Foundation

/// Imports of organismes and agents from CSV, with a dry run: each line is created, updated, left unchanged or
/// rejected with its reason; nothing is written by a dry run, and a real run is one transaction.
struct DirectoryImport: Sendable {
    static let maximumRows = 50_000

    let clock: any Clock
    let audit: AuditLog
    let passwords: PasswordHasher

    /// Organismes: code (key), nom, branche, domaines (separated by spaces or commas), actif (oui/non).
    func organisations(
        csv text: String, dryRun: Bool, by user: CurrentUser, ip: String?, on database: any Database
    )
        async throws -> DirectorsImport.Report
    {
        guard let (columns, lines) = table(text, required: ["code", "nom"]) else {
            return DirectorsImport.Report(dryRun: dryRun, fileError: Self.headerError(["code", "nom"]))
        }
        let now = clock.now
        return try await database.atomically { transaction in
            var report = DirectorsImport.Report(dryRun: dryRun)
            var seen = Set<String>()
            for (number, cells) in lines {
                let value = { (name: String) in Self.cell(cells, columns[name]) }
                var form = OrganisationForm(
                    code: value("code"), name: value("nom"), branch: value("branche") ?? "autre",
                    mailDomains: value("domaines"),
                    active: ["non", "0", "false"].contains(value("actif") ?? "") ? nil : "1")
                form.code = form.code?.uppercased()
                let code = form.code ?? ""
                if let problem = form.validate().list.first?.message {
                    report.reject(number, code, problem)
                    continue
                }
                guard seen.insert(code).inserted else {
                    report.reject(number, code, "code déjà présent plus haut dans le fichier")
                    continue
                }
                let existing = try await Organisation.query(on: transaction).filter(\.$code == code).first()
                let organisation = existing ?? Organisation()
                let before = existing.map { OrganisationForm($0).snapshot } ?? [:]
                organisation.code = code
                organisation.name = form.name!.trimmingCharacters(in: .whitespaces)
                organisation.branch = Organisation.Branch(rawValue: form.branch ?? "") ?? .autre
                organisation.mailDomainsText = form.domains.joined(separator: ",")
                organisation.isActive = form.active == "1"
                if existing == nil { organisation.createdAt = now }
                let changes = AuditLog.changes(before: before, after: OrganisationForm(organisation).snapshot)
                if existing != nil && changes.isEmpty {
                    report.unchanged += 1
                    continue
                }
                report.record(number, key: code, created: existing == nil, name: organisation.name, changes: changes)
                if !dryRun { try await organisation.save(on: transaction) }
            }
            try await audit.record(
                .organisationsImported, by: AuditContext(actorID: user.id, ip: ip), details: report.counts,
                on: transaction)
            return report
        }
    }

    /// Agents: email (key), civilite, prenom, nom, organisme (code), telephone. New accounts get no usable
    /// password: the person chooses one with "mot de passe oublié".
    func agents(
        csv text: String, dryRun: Bool, by user: CurrentUser, ip: String?, on database: any Database
    )
        async throws -> DirectorsImport.Report
    {
        let required = ["email", "prenom", "nom", "organisme"]
        guard let (columns, lines) = table(text, required: required) else {
            return DirectorsImport.Report(dryRun: dryRun, fileError: Self.headerError(required))
        }
        let organisations = try await Organisation.query(on: database).all()
        let unusableHash = try await passwords.hash(SecureToken.generate())
        let now = clock.now
        return try await database.atomically { transaction in
            var report = DirectorsImport.Report(dryRun: dryRun)
            var seen = Set<String>()
            for (number, cells) in lines {
                let value = { (name: String) in Self.cell(cells, columns[name]) }
                guard case .success(let email) = EmailAddress.normalize(value("email") ?? "") else {
                    report.reject(number, value("email") ?? "", "adresse e-mail invalide")
                    continue
                }
                guard seen.insert(email).inserted else {
                    report.reject(number, email, "adresse déjà présente plus haut dans le fichier")
                    continue
                }
                let civility = value("civilite") ?? "Madame"
                guard RegistrationForm.civilities.contains(civility) else {
                    report.reject(number, email, "civilité inconnue (Madame ou Monsieur)")
                    continue
                }
                if let problem = PersonName.problem(value("prenom") ?? "", label: "le prénom", required: true)
                    ?? PersonName.problem(value("nom") ?? "", label: "le nom", required: true)
                {
                    report.reject(number, email, problem)
                    continue
                }
                guard
                    let organisation = organisations.first(where: {
                        $0.code.lowercased() == value("organisme")?.lowercased()
                    })
                else {
                    report.reject(number, email, "organisme inconnu")
                    continue
                }
                var phone: String?
                if let raw = value("telephone") {
                    guard case .success(let digits) = PhoneNumber.normalize(raw) else {
                        report.reject(number, email, "numéro de téléphone invalide")
                        continue
                    }
                    phone = digits
                }
                let existing = try await Agent.query(on: transaction).filter(\.$email == email).first()
                let agent =
                    existing
                    ?? Agent(
                        email: email, passwordHash: unusableHash, civility: civility, firstName: "", lastName: "",
                        organisationID: organisation.id!, status: .active, createdAt: now)
                let before = existing.map(AgentAdminForm.init)?.snapshot ?? [:]
                agent.civility = civility
                agent.firstName = value("prenom")!
                agent.lastName = value("nom")!
                agent.$organisation.id = organisation.id!
                if let phone { agent.phone = phone }
                let changes = AuditLog.changes(before: before, after: AgentAdminForm(agent).snapshot)
                if existing != nil && changes.isEmpty {
                    report.unchanged += 1
                    continue
                }
                report.record(number, key: email, created: existing == nil, name: organisation.name, changes: changes)
                if !dryRun { try await agent.save(on: transaction) }
            }
            try await audit.record(
                .agentsImported, by: AuditContext(actorID: user.id, ip: ip), details: report.counts, on: transaction)
            return report
        }
    }

    /// The header's columns by name and the numbered data lines, or nil when a required column is missing.
    private func table(_ text: String, required: [String]) -> ([String: Int], [(Int, [String])])? {
        let rows = CSV.parse(text)
        guard let header = rows.first?.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }),
            required.allSatisfy(header.contains), rows.count - 1 <= Self.maximumRows
        else { return nil }
        let columns = Dictionary(header.enumerated().map { ($0.element, $0.offset) }) { first, _ in first }
        return (columns, rows.dropFirst().enumerated().map { ($0.offset + 2, $0.element) })
    }

    static func cell(_ cells: [String], _ index: Int?) -> String? {
        guard let index, index < cells.count else { return nil }
        let trimmed = cells[index].trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty ? nil : trimmed
    }

    static func headerError(_ columns: [String]) -> String {
        "Le fichier doit commencer par une ligne d’en-tête avec les colonnes "
            + columns.map { "« \($0) »" }.joined(separator: ", ") + " (50 000 lignes au plus)."
    }
}

extension DirectorsImport.Report {
    /// Counts a created or updated line and describes it: the name created, or the fields changed.
    mutating func record(_ number: Int, key: String, created: Bool, name: String, changes: [String: String]) {
        if created { self.created += 1 } else { updated += 1 }
        let fields = changes.keys.filter { $0.hasSuffix(".after") }.map {
            $0.replacingOccurrences(of: ".after", with: "")
        }
        lines.append(
            .init(
                number: number, email: key, outcome: created ? "créé" : "mis à jour",
                detail: created ? name : fields.sorted().joined(separator: ", ")))
    }

    /// The counts, for the audit trail.
    var counts: [String: String] {
        [
            "dry_run": String(dryRun), "created": String(created), "updated": String(updated),
            "unchanged": String(unchanged), "rejected": String(rejected),
        ]
    }
}
