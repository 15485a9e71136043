import Fluent
import Foundation
import SQLKit
import Vapor

/// "Mes coordonnées": the agent updates their details; a new login e-mail takes effect once proven.
public struct ProfileService: Sendable {
    public static let emailChangeValidity: TimeInterval = 24 * 3600

    let clock: any Clock
    let audit: AuditLog
    let outbox: Outbox
    let mails: MailTemplates
    let passwords: PasswordHasher
    let signInBudgets: SignInBudgets
    let events: WebhookEvents

    /// What saving the form gave.
    enum UpdateOutcome: Sendable, Equatable {
        case saved(pendingEmail: String?)
        case wrongPassword
        /// The current password is checked on the sign-in budgets: a stolen session cannot guess it faster.
        case throttled(message: String)
    }

    /// Saves the details. An ADD's identity is never changed here (a forged post is ignored and audited). A new
    /// login e-mail needs the current password, then a link sent to the new address; the old one is told.
    func update(
        _ user: CurrentUser, posted: ProfileForm, valid: ProfileForm.Valid, ip: String?, on database: any Database
    ) async throws -> UpdateOutcome {
        let agent = user.agent
        let context = AuditContext(actorID: user.id, ip: ip)
        if agent.isDirector || agent.identitySource != nil {
            var attempted = ProfileForm(agent: agent).identityDifferences(from: posted)
            if agent.identitySource != nil, let email = posted.email, email.lowercased() != agent.email {
                attempted.append("email")
            }
            if !attempted.isEmpty {
                try await audit.record(
                    .profileForbiddenChange, outcome: "refused", by: context, target: ("agent", user.id.uuidString),
                    details: ["fields": attempted.joined(separator: ",")], on: database)
            }
        }
        let changesEmail = valid.email != agent.email
        if changesEmail {
            // The password check draws on the sign-in budgets, reserved before the Bcrypt (issue 20).
            let reservation = try await signInBudgets.reserve(email: agent.email, source: ip, on: database)
            if case .refused(let budget, let retryAfter, let isFirst) = reservation {
                if isFirst {
                    try await audit.record(
                        .emailChangeRejected, outcome: "refused", by: context,
                        details: ["reason": "throttled", "budget": "\(budget)"], on: database)
                }
                return .throttled(message: SignInMessages.throttled(budget, retryAfter: retryAfter))
            }
            guard try await passwords.verify(valid.currentPassword, against: agent.passwordHash) else {
                try await audit.record(
                    .emailChangeRejected, outcome: "refused", by: context, details: ["reason": "wrong_password"],
                    on: database)
                return .wrongPassword
            }
            try await signInBudgets.succeeded(email: agent.email, source: ip, on: database)
        }
        return try await database.atomically { transaction in
            let before = Self.snapshot(agent)
            agent.civility = valid.civility
            agent.firstName = valid.firstName
            agent.lastName = valid.lastName
            agent.birthName = valid.birthName
            agent.$secondOrganisation.id = valid.secondOrganisationID
            agent.contactEmail = valid.contactEmail
            agent.phone = valid.phone
            let after = Self.snapshot(agent)
            let changed = before.keys.filter { before[$0] != after[$0] }.sorted()
            if !changed.isEmpty {
                agent.updatedAt = clock.now
                try await agent.update(on: transaction)
                var details: [String: String] = [:]
                for field in changed {
                    details["\(field).before"] = before[field]
                    details["\(field).after"] = after[field]
                }
                try await audit.record(
                    .profileUpdated, by: context, target: ("agent", user.id.uuidString),
                    organisationID: agent.$organisation.id, details: details, on: transaction)
                try await events.publish(.agentUpdated(agent), on: transaction)
            }
            guard changesEmail else { return .saved(pendingEmail: nil) }
            try await EmailChange.query(on: transaction)
                .filter(\.$agent.$id == user.id).filter(\.$usedAt == nil)
                .set(\.$usedAt, to: clock.now).update()
            // An address that is another account's login gets no proof: its owner did not ask for anything, and the
            // requester sees the same answer and gets the same notice, so nothing tells that the address is taken
            // (issue 20, finding 5).
            if let owner = try await Agent.query(on: transaction).filter(\.$email == valid.email).first() {
                let attempt = UUID()
                try await outbox.enqueue(
                    mails.emailChangeToTakenAddress(to: owner.email), key: "email-change:\(attempt):taken",
                    on: transaction)
                try await outbox.enqueue(
                    mails.emailChangeNotice(to: agent.email, name: agent.fullName, newEmail: valid.email),
                    key: "email-change:\(attempt):notice", on: transaction)
                try await audit.record(
                    .emailChangeRejected, outcome: "refused", by: context, target: ("agent", user.id.uuidString),
                    details: ["reason": "address_taken", "to": valid.email], on: transaction)
                return .saved(pendingEmail: valid.email)
            }
            let token = SecureToken.generate()
            let change = EmailChange(
                agentID: user.id, newEmail: valid.email, tokenHash: SecureToken.hash(token), createdAt: clock.now,
                expiresAt: clock.now.addingTimeInterval(Self.emailChangeValidity))
            try await change.create(on: transaction)
            try await outbox.enqueue(
                mails.emailChangeProof(
                    to: valid.email, name: agent.fullName,
                    link: mails.baseURL + Paths.confirmEmailChange + "?jeton=" + token),
                key: "email-change:\(change.id!):proof", on: transaction)
            try await outbox.enqueue(
                mails.emailChangeNotice(to: agent.email, name: agent.fullName, newEmail: valid.email),
                key: "email-change:\(change.id!):notice", on: transaction)
            try await audit.record(
                .emailChangeRequested, by: context, target: ("agent", user.id.uuidString),
                details: ["from": agent.email, "to": valid.email], on: transaction)
            return .saved(pendingEmail: valid.email)
        }
    }

    /// The pending change behind a link, while usable.
    func pendingChange(token: String, on database: any Database) async throws -> EmailChange? {
        guard !token.isEmpty, token.count <= 100 else { return nil }
        return try await EmailChange.query(on: database)
            .filter(\.$tokenHash == SecureToken.hash(token))
            .filter(\.$usedAt == nil)
            .filter(\.$expiresAt > clock.now)
            .with(\.$agent)
            .first()
    }

    /// Makes the proven address the login; false when the link is not usable or the address is now taken.
    func confirmEmailChange(token: String, ip: String?, on database: any Database) async throws -> Bool {
        guard let change = try await pendingChange(token: token, on: database) else { return false }
        return try await database.atomically { transaction in
            let claimed = try await (transaction as! any SQLDatabase).update(EmailChange.schema)
                .set("used_at", to: clock.now)
                .where("id", .equal, change.id!)
                .where("used_at", .is, SQLLiteral.null)
                .returning("id")
                .all()
            guard !claimed.isEmpty else { return false }
            let context = AuditContext(actorID: change.$agent.id, ip: ip)
            let taken = try await Agent.query(on: transaction).filter(\.$email == change.newEmail).count() > 0
            if taken {
                try await audit.record(
                    .emailChangeRejected, outcome: "refused", by: context, details: ["reason": "address_taken"],
                    on: transaction)
                return false
            }
            let agent = change.agent
            let old = agent.email
            agent.email = change.newEmail
            agent.updatedAt = clock.now
            try await agent.update(on: transaction)
            try await outbox.enqueue(
                mails.emailChanged(to: old, name: agent.fullName, newEmail: change.newEmail),
                key: "email-change:\(change.id!):done", on: transaction)
            try await audit.record(
                .emailChangeCompleted, by: context, target: ("agent", agent.id!.uuidString),
                details: ["from": old, "to": change.newEmail], on: transaction)
            try await events.publish(.agentUpdated(agent), on: transaction)
            return true
        }
    }

    static func snapshot(_ agent: Agent) -> [String: String] {
        [
            "civility": agent.civility, "first_name": agent.firstName, "last_name": agent.lastName,
            "birth_name": agent.birthName ?? "", "second_organisation": agent.$secondOrganisation.id?.uuidString ?? "",
            "contact_email": agent.contactEmail ?? "", "phone": agent.phone ?? "",
        ]
    }
}

extension ProfileForm {
    /// The identity fields whose posted value differs from this (stored) form.
    func identityDifferences(from posted: ProfileForm) -> [String] {
        var fields: [String] = []
        if let value = posted.civilite, value != civilite { fields.append("civilite") }
        if let value = posted.prenom, value.trimmingCharacters(in: .whitespaces) != prenom { fields.append("prenom") }
        if let value = posted.nom, value.trimmingCharacters(in: .whitespaces) != nom { fields.append("nom") }
        if let value = posted.nomNaissance, value.trimmingCharacters(in: .whitespaces) != (nomNaissance ?? "") {
            fields.append("nomNaissance")
        }
        return fields
    }
}

/// The e-mails of "Mes coordonnées".
extension MailTemplates {
    func emailChangeProof(to email: String, name: String, link: String) -> MailMessage {
        compose(
            to: email, subject: "Confirmez votre nouvelle adresse de connexion — espace Organismes",
            greeting: "Bonjour \(name),",
            paragraphs: [
                "Vous avez demandé à utiliser cette adresse pour vous connecter à l’espace Organismes.",
                "Pour confirmer ce changement, ouvrez ce lien (valable 24 heures) :",
            ],
            link: link,
            closing: "Tant que vous ne l’avez pas confirmée, votre ancienne adresse reste votre identifiant.")
    }

    /// The neutral notice to the owner of an address someone tried to take as their login, as registration does.
    func emailChangeToTakenAddress(to email: String) -> MailMessage {
        compose(
            to: email, subject: "Tentative d’utilisation de votre adresse — espace Organismes",
            greeting: "Bonjour,",
            paragraphs: [
                "Quelqu’un a essayé de faire de cette adresse l’identifiant d’un autre compte de l’espace Organismes. "
                    + "Ce changement a été refusé : votre adresse reste celle de votre compte, et rien n’a été modifié."
            ],
            link: nil,
            closing: "Si cela vous surprend, écrivez à \(webmasterEmail).")
    }

    func emailChangeNotice(to email: String, name: String, newEmail: String) -> MailMessage {
        compose(
            to: email, subject: "Changement d’adresse de connexion demandé — espace Organismes",
            greeting: "Bonjour \(name),",
            paragraphs: [
                "Un changement de votre adresse de connexion vers \(newEmail) vient d’être demandé depuis votre compte. "
                    + "Il prendra effet lorsque la nouvelle adresse aura été confirmée."
            ],
            link: nil,
            closing: "Si vous n’êtes pas à l’origine de cette demande, écrivez sans attendre à \(webmasterEmail).")
    }

    func emailChanged(to email: String, name: String, newEmail: String) -> MailMessage {
        compose(
            to: email, subject: "Votre adresse de connexion a changé — espace Organismes",
            greeting: "Bonjour \(name),",
            paragraphs: ["Vous vous connectez désormais à l’espace Organismes avec l’adresse \(newEmail)."],
            link: nil,
            closing: "Si vous n’êtes pas à l’origine de ce changement, écrivez sans attendre à \(webmasterEmail).")
    }
}
