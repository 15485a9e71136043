import Fluent
import Foundation

/// The import of Agents de Direction from a CSV export of the Référentiel des Agents de Direction: upsert by e-mail
/// of the identity fields, with a report of what changed and what was rejected. A dry run writes nothing.
struct DirectorsImport: Sendable {
    static let maximumRows = 50_000

    /// What happened to one line.
    struct Line: Encodable, Sendable {
        let number: Int
        let email: String
        let outcome: String
        let detail: String
    }

    /// The report shown after an import or a dry run.
    struct Report: Encodable, Sendable {
        var created = 0
        var updated = 0
        var unchanged = 0
        var rejected = 0
        var lines: [Line] = []
        var dryRun = false
        var fileError: String?

        init(dryRun: Bool = false, fileError: String? = nil) {
            self.dryRun = dryRun
            self.fileError = fileError
        }
    }

    let clock: any Clock
    let audit: AuditLog
    let passwords: PasswordHasher

    /// Reads the file and applies it (unless `dryRun`), all in one transaction.
    func run(
        csv text: String, dryRun: Bool, by user: CurrentUser, ip: String?, on database: any Database
    )
        async throws -> Report
    {
        var report = Report(dryRun: dryRun)
        let rows = CSV.parse(text)
        guard let header = rows.first?.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }),
            let emailColumn = header.firstIndex(of: "email")
        else {
            report.fileError =
                "Le fichier doit commencer par une ligne d’en-tête contenant au moins la colonne « email »."
            return report
        }
        guard rows.count - 1 <= Self.maximumRows else {
            report.fileError = "Le fichier dépasse \(Self.maximumRows) lignes : découpez-le."
            return report
        }
        let columns = Dictionary(header.enumerated().map { ($0.element, $0.offset) }) { first, _ in first }
        let organisations = try await Organisation.query(on: database).filter(\.$isActive == true).all()
        let unusableHash = try await passwords.hash(SecureToken.generate())
        let data = rows.dropFirst().enumerated().map { (number: $0.offset + 2, cells: $0.element) }
        let now = clock.now
        return try await database.atomically { transaction in
            var report = Report(dryRun: dryRun)
            var seen = Set<String>()
            for (number, cells) in data {
                func value(_ name: String) -> String? {
                    guard let index = columns[name], index < cells.count else { return nil }
                    let trimmed = cells[index].trimmingCharacters(in: .whitespaces)
                    return trimmed.isEmpty ? nil : trimmed
                }
                let rawEmail = emailColumn < cells.count ? cells[emailColumn] : ""
                guard case .success(let email) = EmailAddress.normalize(rawEmail) else {
                    report.reject(number, rawEmail, "adresse e-mail invalide")
                    continue
                }
                guard seen.insert(email).inserted else {
                    report.reject(number, email, "adresse déjà présente plus haut dans le fichier")
                    continue
                }
                let civility = value("civilite")
                if let civility, !RegistrationForm.civilities.contains(civility) {
                    report.reject(number, email, "civilité inconnue (Madame ou Monsieur)")
                    continue
                }
                var problem: String?
                for (field, label, required) in [
                    ("prenom", "le prénom", true), ("nom", "le nom", true),
                    ("nom_naissance", "le nom de naissance", false),
                ] {
                    if let message = PersonName.problem(value(field) ?? "", label: label, required: required) {
                        problem = message
                        break
                    }
                }
                if let problem {
                    report.reject(number, email, problem)
                    continue
                }
                let agent = try await Agent.query(on: transaction).filter(\.$email == email).first()
                if let agent {
                    var changes: [String] = []
                    func apply(_ label: String, _ old: String?, _ new: String?, _ set: (String?) -> Void) {
                        if (old ?? "") != (new ?? "") {
                            changes.append("\(label) : « \(old ?? "") » → « \(new ?? "") »")
                            set(new)
                        }
                    }
                    apply("civilité", agent.civility, civility ?? agent.civility) {
                        agent.civility = $0 ?? agent.civility
                    }
                    apply("prénom", agent.firstName, value("prenom")) { agent.firstName = $0 ?? agent.firstName }
                    apply("nom", agent.lastName, value("nom")) { agent.lastName = $0 ?? agent.lastName }
                    apply("nom de naissance", agent.birthName, value("nom_naissance")) { agent.birthName = $0 }
                    if !agent.isDirector {
                        changes.append("devient Agent de Direction")
                        agent.isDirector = true
                    }
                    if changes.isEmpty {
                        report.unchanged += 1
                    } else {
                        report.updated += 1
                        report.lines.append(
                            Line(
                                number: number, email: email, outcome: "mis à jour",
                                detail: changes.joined(separator: " ; ")))
                        if !dryRun { try await agent.update(on: transaction) }
                    }
                } else {
                    guard let code = value("organisme"),
                        let organisation = organisations.first(where: { $0.code.lowercased() == code.lowercased() })
                    else {
                        report.reject(number, email, "aucun compte pour cette adresse, et organisme absent ou inconnu")
                        continue
                    }
                    report.created += 1
                    report.lines.append(
                        Line(
                            number: number, email: email, outcome: "créé",
                            detail: "compte créé pour \(organisation.name)"))
                    if !dryRun {
                        // No usable password: the person sets one with "mot de passe oublié".
                        let created = Agent(
                            email: email, passwordHash: unusableHash, civility: civility ?? "Madame",
                            firstName: value("prenom")!, lastName: value("nom")!, organisationID: organisation.id!,
                            status: .active, createdAt: now)
                        created.birthName = value("nom_naissance")
                        created.isDirector = true
                        try await created.create(on: transaction)
                    }
                }
            }
            try await audit.record(
                .directorsImported, by: AuditContext(actorID: user.id, ip: ip),
                details: [
                    "dry_run": String(dryRun), "created": String(report.created), "updated": String(report.updated),
                    "unchanged": String(report.unchanged), "rejected": String(report.rejected),
                ], on: transaction)
            return report
        }
    }
}

extension DirectorsImport.Report {
    mutating func reject(_ number: Int, _ email: String, _ reason: String) {
        rejected += 1
        lines.append(.init(number: number, email: String(email.prefix(254)), outcome: "rejeté", detail: reason))
    }
}
