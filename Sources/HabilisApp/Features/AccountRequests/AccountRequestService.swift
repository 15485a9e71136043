import Fluent
import Foundation
import SQLKit
import Vapor

/// "Demander un accès à l'espace Organismes": registration, proof of the address, routing to the correspondents of
/// the organisme (or the administrators), decision, expiry and escalation. Never accepted automatically.
public struct AccountRequestService: Sendable {
    let clock: any Clock
    let audit: AuditLog
    let routing: Routing
    let authorization: Authorization
    let notifier: Notifier
    let outbox: Outbox
    let throttle: Throttle
    let passwords: PasswordHasher
    let mails: MailTemplates
    let proofValidityHours: Int
    let escalationDays: Int
    /// Whether the escalation delay counts calendar or working days (« Paramètres »).
    let runtimeSettings: RuntimeSettings

    /// Who will decide, told to the visitor without naming anybody: "au correspondant local de CARSAT Rhône-Alpes".
    public func decidersDescription(organisationID: UUID, on database: any Database) async throws -> String {
        let decision = try await routing.route(organisationID: organisationID, application: nil, on: database)
        switch decision.deciders {
        case .administrators:
            return "à un administrateur de l’UCANSS (votre organisme ne dispose pas de correspondant local)"
        case .correspondents: return "à un correspondant local de \(decision.organisationName)"
        }
    }

    /// Records the registration and mails the proof link. An address that already has an account, or an open
    /// request, gets the same screen and a mail that tells its owner; a refresh or double click updates the same
    /// request instead of making a second one.
    func submit(_ input: RegistrationForm.Valid, ip: String?, on database: any Database) async throws {
        let hash = try await passwords.hash(input.password)
        try await database.atomically { transaction in
            let context = AuditContext(actorID: nil, ip: ip)
            let sourceAllowed = try await throttle.reserve(
                "registration:source:\(ip ?? "unknown")", Throttle.formsPerSource, on: transaction
            ).isAllowed
            let addressAllowed = try await throttle.reserve(
                "registration:mail:\(input.email)", Throttle.mailsPerAddress, on: transaction
            ).isAllowed
            guard sourceAllowed, addressAllowed else {
                try await audit.record(
                    .accountRequestThrottled, outcome: "refused", by: context, details: ["email": input.email],
                    on: transaction)
                return
            }
            let now = clock.now
            if try await Agent.query(on: transaction).filter(\.$email == input.email).count() > 0 {
                try await outbox.enqueue(
                    mails.registrationForExistingAccount(to: input.email),
                    key: "registration-existing:\(input.email):\(now.timeIntervalSince1970)", on: transaction)
                try await audit.record(
                    .accountRequestForExistingAccount, by: context, details: ["email": input.email], on: transaction)
                return
            }
            let open = try await AccountRequest.query(on: transaction)
                .filter(\.$email == input.email)
                .filter(\.$status ~~ [.awaitingProof, .pending])
                .first()
            if let open, open.status == .pending {
                try await outbox.enqueue(
                    mails.registrationAlreadyPending(to: input.email),
                    key: "registration-pending:\(open.id!):\(now.timeIntervalSince1970)", on: transaction)
                return
            }
            let organisation = try await Organisation.find(input.organisationID, on: transaction)
            let request = open ?? AccountRequest()
            request.email = input.email
            request.civility = input.civility
            request.firstName = input.firstName
            request.lastName = input.lastName
            request.birthName = input.birthName
            request.$organisation.id = input.organisationID
            request.$secondOrganisation.id = input.secondOrganisationID
            request.phone = input.phone
            request.contactEmail = input.contactEmail
            request.passwordHash = hash
            request.status = .awaitingProof
            request.routedTo = .correspondents
            let token = SecureToken.generate()
            request.proofTokenHash = SecureToken.hash(token)
            request.proofExpiresAt = now.addingTimeInterval(Double(proofValidityHours) * 3600)
            let domains = organisation?.mailDomains ?? []
            request.isOutsideMailDomains = !domains.isEmpty && !domains.contains(EmailAddress.domain(of: input.email))
            request.createdAt = now
            try await request.save(on: transaction)
            try await outbox.enqueue(
                mails.registrationProof(
                    to: input.email, name: "\(input.firstName) \(input.lastName)",
                    link: mails.baseURL + Paths.registrationProof + "?jeton=" + token, validHours: proofValidityHours),
                key: "registration-proof:\(request.proofTokenHash)", on: transaction)
            try await audit.record(
                .accountRequestSubmitted, by: context, target: ("account_request", request.id!.uuidString),
                organisationID: input.organisationID,
                details: ["email": input.email, "outside_mail_domains": String(request.isOutsideMailDomains)],
                on: transaction)
        }
    }

    /// The request a proof link is for, while it can still be proven.
    public func awaitingProof(token: String, on database: any Database) async throws -> AccountRequest? {
        guard !token.isEmpty, token.count <= 100 else { return nil }
        return try await AccountRequest.query(on: database)
            .filter(\.$proofTokenHash == SecureToken.hash(token))
            .filter(\.$status == .awaitingProof)
            .filter(\.$proofExpiresAt > clock.now)
            .first()
    }

    /// Proves the address and routes the request: its deciders are notified at once. Returns who will decide, or
    /// nil when the link is not valid any more.
    public func prove(token: String, ip: String?, on database: any Database) async throws -> String? {
        guard let request = try await awaitingProof(token: token, on: database) else { return nil }
        return try await database.atomically { transaction in
            let decision = try await routing.route(
                organisationID: request.$organisation.id, application: nil, on: transaction)
            let claimed = try await (transaction as! any SQLDatabase).update(AccountRequest.schema)
                .set("status", to: AccountRequest.Status.pending.rawValue)
                .set("proven_at", to: clock.now)
                .set("routed_to", to: decision.deciders.rawValue)
                .where("id", .equal, request.id!)
                .where("status", .equal, AccountRequest.Status.awaitingProof.rawValue)
                .returning("id")
                .all()
            guard !claimed.isEmpty else { return nil }
            for decider in decision.people {
                try await notifier.notify(
                    decider,
                    message: "\(request.firstName) \(request.lastName) demande un compte d’accès pour "
                        + "\(decision.organisationName).",
                    link: Paths.requestsToDecide,
                    mail: mails.accountRequestToDecide(
                        to: decider, request: request, organisation: decision.organisationName),
                    key: "account-request:\(request.id!):routed", on: transaction)
            }
            let context = AuditContext(actorID: nil, ip: ip)
            let target = ("account_request", request.id!.uuidString)
            try await audit.record(
                .accountRequestProven, by: context, target: target, organisationID: request.$organisation.id,
                on: transaction)
            try await audit.record(
                .accountRequestRouted, by: context, target: target, organisationID: request.$organisation.id,
                details: ["routed_to": decision.deciders.rawValue, "deciders": String(decision.people.count)],
                on: transaction)
            return decision.deciders == .administrators
                ? "à un administrateur de l’UCANSS" : "au correspondant local de \(decision.organisationName)"
        }
    }

    /// Accepts (the account is created, active) or refuses with a reason one request the user may decide.
    public func decide(
        _ requestID: UUID, accept: Bool, reason: String?, by user: CurrentUser, ip: String?,
        on database: any Database
    ) async throws -> AccessRequestService.DecisionOutcome {
        guard let request = try await AccountRequest.find(requestID, on: database), request.status != .awaitingProof
        else { return .notFound }
        guard authorization.canDecide(user, request) else {
            try await audit.record(
                .accessDenied, outcome: "refused", by: AuditContext(actorID: user.id, ip: ip),
                target: ("account_request", requestID.uuidString), details: ["action": "decide"], on: database)
            return .forbidden
        }
        return try await database.atomically { transaction in
            let exists = try await Agent.query(on: transaction).filter(\.$email == request.email).count() > 0
            let status: AccountRequest.Status = accept && !exists ? .accepted : .refused
            let finalReason = accept && exists ? "Un compte existe déjà pour cette adresse." : accept ? nil : reason
            let claimed = try await (transaction as! any SQLDatabase).update(AccountRequest.schema)
                .set("status", to: status.rawValue)
                .set("decided_at", to: clock.now)
                .set("decided_by_id", to: user.id)
                .set("refusal_reason", to: finalReason)
                .where("id", .equal, requestID)
                .where("status", .equal, AccountRequest.Status.pending.rawValue)
                .returning("id")
                .all()
            guard !claimed.isEmpty else { return .alreadyDecided }
            if status == .accepted {
                let agent = Agent(
                    email: request.email, passwordHash: request.passwordHash, civility: request.civility,
                    firstName: request.firstName, lastName: request.lastName,
                    organisationID: request.$organisation.id, status: .active, createdAt: clock.now)
                agent.birthName = request.birthName
                agent.$secondOrganisation.id = request.$secondOrganisation.id
                agent.phone = request.phone
                agent.contactEmail = request.contactEmail
                try await agent.create(on: transaction)
            }
            try await outbox.enqueue(
                mails.accountRequestOutcome(to: request, accepted: status == .accepted, reason: finalReason),
                key: "account-request:\(requestID):decision", on: transaction)
            try await audit.record(
                status == .accepted ? .accountRequestAccepted : .accountRequestRefused,
                by: AuditContext(actorID: user.id, ip: ip), target: ("account_request", requestID.uuidString),
                organisationID: request.$organisation.id,
                details: ["email": request.email, "reason": finalReason ?? ""], on: transaction)
            return .decided
        }
    }

    /// What the account-request sweep did.
    public struct SweepReport: Sendable, Equatable {
        public var purged = 0
        public var escalated = 0
    }

    /// Purges the registrations whose proof link expired and escalates to the administrators those undecided for
    /// `escalationDays` after their proof. Safe on several instances (conditional updates).
    public func sweep(asOf instant: Date, on database: any Database) async throws -> SweepReport {
        var report = SweepReport()
        let expired = try await AccountRequest.query(on: database)
            .filter(\.$status == .awaitingProof)
            .filter(\.$proofExpiresAt <= instant)
            .count()
        if expired > 0 {
            try await database.atomically { transaction in
                try await AccountRequest.query(on: transaction)
                    .filter(\.$status == .awaitingProof)
                    .filter(\.$proofExpiresAt <= instant)
                    .delete()
                try await audit.record(
                    .accountRequestsPurged, by: .system, details: ["count": String(expired)], on: transaction)
            }
            report.purged = expired
        }
        let counting = try await runtimeSettings.current(on: database).dayCounting
        let threshold = counting.adding(-escalationDays, to: instant)
        let overdue = try await AccountRequest.query(on: database)
            .filter(\.$status == .pending)
            .filter(\.$escalatedAt == nil)
            .filter(\.$provenAt <= threshold)
            .limit(500)
            .all()
        if overdue.isEmpty { return report }
        let administrators = try await Agent.query(on: database)
            .filter(\.$isAdministrator == true).filter(\.$status == .active).all()
        for request in overdue {
            let escalated = try await database.atomically { transaction in
                let claimed = try await (transaction as! any SQLDatabase).update(AccountRequest.schema)
                    .set("escalated_at", to: instant)
                    .where("id", .equal, request.id!)
                    .where("status", .equal, AccountRequest.Status.pending.rawValue)
                    .where("escalated_at", .is, SQLLiteral.null)
                    .returning("id")
                    .all()
                guard !claimed.isEmpty else { return false }
                for administrator in administrators {
                    try await notifier.notify(
                        administrator,
                        message: "La demande de compte de \(request.firstName) \(request.lastName) attend depuis "
                            + "\(escalationDays) jours.",
                        link: Paths.requestsToDecide,
                        mail: mails.accountRequestEscalated(to: administrator, request: request, days: escalationDays),
                        key: "account-request:\(request.id!):escalated", on: transaction)
                }
                try await audit.record(
                    .accountRequestEscalated, by: .system, target: ("account_request", request.id!.uuidString),
                    organisationID: request.$organisation.id, on: transaction)
                return true
            }
            if escalated { report.escalated += 1 }
        }
        return report
    }
}
