import Fluent
import Foundation

/// Rights granted from a CSV file (a migration from another system, a new application's first users), with a dry
/// run: email and application (codes) required, profil (a code) on an application with profiles, its default one
/// when empty. Each right is granted as an administrator grants it on the agent's page — the agent is told, the
/// event is sent, the audit trail names the importer — and a right already held is left as it is. The file never
/// withdraws anything: a right missing from it stays. One transaction: every line or none.
struct RightsImport: Sendable {
    let rights: AccessRequestService
    let audit: AuditLog

    static let columns = ["email", "application"]

    func run(
        csv text: String, dryRun: Bool, by user: CurrentUser, ip: String?, on database: any Database
    ) async throws -> DirectorsImport.Report {
        let rows = CSV.parse(text)
        guard let header = rows.first?.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }),
            Self.columns.allSatisfy(header.contains), rows.count - 1 <= DirectoryImport.maximumRows
        else {
            return DirectorsImport.Report(
                dryRun: dryRun, fileError: DirectoryImport.headerError(Self.columns + ["profil (facultative)"]))
        }
        let columns = Dictionary(header.enumerated().map { ($0.element, $0.offset) }) { first, _ in first }
        let applications = Dictionary(
            try await BusinessApplication.query(on: database).filter(\.$isActive == true).all().map {
                ($0.code.uppercased(), $0)
            }
        ) { first, _ in first }
        let profiles = try await ProfileDirectory.byApplication(on: database)
        let actor = AccessRequestService.RightActor(
            context: AuditContext(actorID: user.id, ip: ip), agentID: user.id, name: user.agent.fullName,
            details: ["import": "csv"])
        return try await database.atomically { transaction in
            var report = DirectorsImport.Report(dryRun: dryRun)
            var seen = Set<String>()
            for (offset, cells) in rows.dropFirst().enumerated() {
                let number = offset + 2
                let value = { (name: String) in DirectoryImport.cell(cells, columns[name]) }
                guard case .success(let email) = EmailAddress.normalize(value("email") ?? "") else {
                    report.reject(number, value("email") ?? "", "adresse e-mail invalide")
                    continue
                }
                guard let application = applications[(value("application") ?? "").uppercased()] else {
                    report.reject(number, email, "application inconnue ou fermée")
                    continue
                }
                let ofApplication = profiles[application.id!] ?? []
                var profile: ApplicationProfile?
                if let code = value("profil") {
                    guard let named = ofApplication.first(where: { $0.code == code.uppercased() }) else {
                        report.reject(
                            number, email,
                            ofApplication.isEmpty
                                ? "cette application n’a pas de profil"
                                : "profil inconnu (profils : \(ofApplication.map(\.code).joined(separator: ", ")))")
                        continue
                    }
                    profile = named
                } else {
                    profile = ofApplication.first(where: \.isDefault) ?? ofApplication.first
                }
                let right = RightName.of(application.name, profile: profile?.label)
                guard seen.insert("\(email) \(right)").inserted else {
                    report.reject(number, email, "habilitation déjà présente plus haut dans le fichier")
                    continue
                }
                guard let agent = try await Agent.query(on: transaction).filter(\.$email == email).first(),
                    agent.status == .active
                else {
                    report.reject(number, email, "aucun compte actif à cette adresse")
                    continue
                }
                let held = try await Grant.query(on: transaction).filter(\.$agent.$id == agent.id!)
                    .filter(\.$application.$id == application.id!).filter(\.$profile.$id == profile?.id)
                    .filter(\.$revokedAt == nil).count()
                if held > 0 {
                    report.unchanged += 1
                    continue
                }
                report.created += 1
                report.lines.append(.init(number: number, email: email, outcome: "attribuée", detail: right))
                if !dryRun {
                    let pending = try await rights.pendingRequest(
                        of: agent.id!, applicationID: application.id!, on: transaction)
                    _ = try await rights.grantDirectly(
                        application, profile: profile, to: agent, by: actor, accepting: pending, on: transaction)
                }
            }
            try await audit.record(
                .rightsImported, by: AuditContext(actorID: user.id, ip: ip), details: report.counts, on: transaction)
            return report
        }
    }
}
