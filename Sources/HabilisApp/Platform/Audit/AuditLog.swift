import Fluent
import Foundation
import SQLKit

/// The actions recorded in the audit trail; the raw value is what administrators filter on.
public enum AuditAction: String, Sendable, CaseIterable {
    case signInSucceeded = "sign_in.succeeded"
    case signInFailed = "sign_in.failed"
    case signInThrottled = "sign_in.throttled"
    case signedOut = "sign_out"
    case signInSecondFactorFailed = "sign_in.second_factor_failed"
    case secondFactorEnabled = "second_factor.enabled"
    case secondFactorDisabled = "second_factor.disabled"
    case secondFactorResetByAdministrator = "second_factor.reset_by_administrator"
    case sessionExpired = "session.expired"
    case auditPurged = "audit.purged"
    case mailRetried = "mail.retried"
    case sessionEnded = "session.ended"
    case otherSessionsEnded = "session.others_ended"
    case sessionsEndedByAdministrator = "session.ended_by_administrator"
    case passwordResetRequested = "password_reset.requested"
    case passwordResetThrottled = "password_reset.throttled"
    case passwordResetCompleted = "password_reset.completed"
    case passwordResetRejected = "password_reset.rejected"
    case csrfRejected = "csrf.rejected"
    case accessDenied = "access.denied"
    case administratorCreated = "administrator.created"
    case accessRequested = "access_request.created"
    case accessRequestCancelled = "access_request.cancelled"
    case accessRequestAccepted = "access_request.accepted"
    case accessRequestRefused = "access_request.refused"
    case accessRequestAutoAccepted = "access_request.auto_accepted"
    case accessRequestReminded = "access_request.reminded"
    case grantRevoked = "grant.revoked"
    case grantExpired = "grant.expired"
    case grantExpiryNoticed = "grant.expiry_noticed"
    case accountRequestSubmitted = "account_request.submitted"
    case accountRequestForExistingAccount = "account_request.existing_account"
    case accountRequestThrottled = "account_request.throttled"
    case accountRequestProven = "account_request.proven"
    case accountRequestRouted = "account_request.routed"
    case accountRequestAccepted = "account_request.accepted"
    case accountRequestRefused = "account_request.refused"
    case accountRequestEscalated = "account_request.escalated"
    case accountRequestsPurged = "account_request.purged"
    case profileUpdated = "profile.updated"
    case profileForbiddenChange = "profile.forbidden_change"
    case emailChangeRequested = "email_change.requested"
    case emailChangeCompleted = "email_change.completed"
    case emailChangeRejected = "email_change.rejected"
    case subscriptionsUpdated = "subscriptions.updated"
    case personalDataExported = "personal_data.exported"
    case subscribersExported = "subscribers.exported"
    case directorsImported = "directors.imported"
    case faqEntrySaved = "faq.saved"
    case organisationSaved = "organisation.saved"
    case applicationSaved = "application.saved"
    case requestsRerouted = "access_request.rerouted"
    case correspondentDesignated = "correspondent.designated"
    case correspondentRemoved = "correspondent.removed"
    case agentUpdated = "agent.updated"
    case agentDisabled = "agent.disabled"
    case agentEnabled = "agent.enabled"
    case grantCreated = "grant.created"
    case settingsSaved = "settings.saved"
    case newsletterSaved = "newsletter.saved"
    case auditExported = "audit.exported"
    case rightsExported = "rights.exported"
    case organisationsImported = "organisations.imported"
    case agentsImported = "agents.imported"
    case rightsImported = "rights.imported"
    case demoWorldSeeded = "demo.seeded"
    case oidcClientRegistered = "oidc_client.registered"
    case oidcClientUpdated = "oidc_client.updated"
    case oidcClientRemoved = "oidc_client.removed"
    case oidcClientSecretRotated = "oidc_client.secret_rotated"
    case oidcClientAuthenticationFailed = "oidc_client.authentication_failed"
    case oidcKeyRotated = "oidc_key.rotated"
    case oidcAuthorized = "oidc.authorized"
    case oidcDoorClosed = "oidc.door_closed"
    case oidcTokensIssued = "oidc.tokens_issued"
    case oidcTokensRefreshed = "oidc.tokens_refreshed"
    case oidcCodeReused = "oidc.code_reused"
    case oidcRefreshTokenReused = "oidc.refresh_token_reused"
    case oidcTokenRevoked = "oidc.token_revoked"
    case oidcSignInRevoked = "oidc.sign_in_revoked"
    case oidcLoggedOut = "oidc.logged_out"
    case machineClientRegistered = "machine_client.registered"
    case machineClientRemoved = "machine_client.removed"
    case machineClientSecretRotated = "machine_client.secret_rotated"
    case machineTokenIssued = "machine_client.token_issued"
    case apiCalled = "api.called"
    case apiThrottled = "api.throttled"
    case webhookEndpointAdded = "webhook.endpoint_added"
    case webhookEndpointRemoved = "webhook.endpoint_removed"
    case webhookResent = "webhook.resent"
    case scimUserCreated = "scim.user_created"
    case scimUserReplaced = "scim.user_replaced"
    case scimUserPatched = "scim.user_patched"
    case scimGroupPatched = "scim.group_patched"
    case reviewOpened = "review.opened"
    case reviewKept = "review.kept"
    case reviewRemoved = "review.removed"
    case reviewReminded = "review.reminded"
    case reviewClosed = "review.closed"
    case reviewReportExported = "review.report_exported"
    case absenceDeclared = "absence.declared"
    case absenceEnded = "absence.ended"
    case grantReplaced = "grant.replaced"
    case applicationProfileSaved = "application_profile.saved"
    case applicationProfileRemoved = "application_profile.removed"
}

/// Who did something and from where, as the audit trail records it.
public struct AuditContext: Sendable {
    public var actorID: UUID?
    public var ip: String?

    public init(actorID: UUID?, ip: String?) {
        self.actorID = actorID
        self.ip = ip
    }

    public static let system = AuditContext(actorID: nil, ip: nil)
}

/// Writes audit events; always called inside the transaction of the action it records.
public struct AuditLog: Sendable {
    let clock: any Clock

    /// Appends one event. `details` must never hold a password, token or session id. Written as SQL text: every
    /// action pays for it, and a Fluent model's reflective encoding cost more than the insert itself.
    public func record(
        _ action: AuditAction,
        outcome: String = "success",
        by context: AuditContext,
        target: (type: String, id: String)? = nil,
        organisationID: UUID? = nil,
        applicationID: UUID? = nil,
        details: [String: String] = [:],
        on database: any Database
    ) async throws {
        try await (database as! any SQLDatabase).prepared(
            insert(
                action, outcome: outcome, by: context, target: target, organisationID: organisationID,
                applicationID: applicationID, details: details)
        ).run()
    }

    /// The statement `record` runs, for a write that goes in the same statement as what it records
    /// (`Database.writeTogether`, `Database.claimThenInsert`: hence `SELECT`, not `VALUES`).
    func insert(
        _ action: AuditAction,
        outcome: String = "success",
        by context: AuditContext,
        target: (type: String, id: String)? = nil,
        organisationID: UUID? = nil,
        applicationID: UUID? = nil,
        details: [String: String] = [:]
    ) -> SQLQueryString {
        """
        INSERT INTO audit_events (id, occurred_at, actor_id, action, outcome, target_type, target_id,
            organisation_id, application_id, ip, details)
        SELECT \(bind: UUID.timeOrdered()), \(bind: clock.now), \(bind: context.actorID), \(bind: action.rawValue),
            \(bind: outcome), \(bind: target?.type), \(bind: target?.id), \(bind: organisationID),
            \(bind: applicationID), \(bind: context.ip), \(bind: Self.encode(details))
        """
    }

    /// One event of a batch written by `recordAll`.
    public struct Entry: Sendable {
        let action: AuditAction
        let target: (type: String, id: String)
        let organisationID: UUID?
        var applicationID: UUID? = nil
        let details: [String: String]
    }

    /// Writes many events of one actor in a few statements, inside the caller's transaction (the sweep).
    public func recordAll(_ entries: [Entry], by context: AuditContext, on database: any Database) async throws {
        let now = clock.now
        try await (database as! any SQLDatabase).insertRows(
            into: AuditEvent.schema,
            columns: [
                "id", "occurred_at", "actor_id", "action", "outcome", "target_type", "target_id", "organisation_id",
                "application_id", "ip", "details",
            ],
            rows: entries.map { entry in
                [
                    UUID.timeOrdered(), now, context.actorID, entry.action.rawValue, "success", entry.target.type,
                    entry.target.id,
                    entry.organisationID, entry.applicationID, context.ip, Self.encode(entry.details),
                ]
            })
    }

    /// Events deleted per statement by `purge`.
    static let purgeBatchSize = 10_000

    /// Deletes the events older than `retentionDays` before `instant`, 10,000 per statement from the time index
    /// (so that a first purge of years of events never holds a long transaction), and records the purge itself;
    /// returns how many were deleted. Safe when several instances purge at once: each deletes what is still there.
    public func purge(olderThan retentionDays: Int, at instant: Date, on database: any Database) async throws -> Int {
        let limit = ParisCalendar.adding(days: -retentionDays, to: instant)
        let purged = try await database.deleteInRounds(of: Self.purgeBatchSize) { transaction in
            let sql = transaction as! any SQLDatabase
            let ids = try await sql.select().column("id").from(AuditEvent.schema)
                .where("occurred_at", .lessThan, limit).orderBy("occurred_at").limit(Self.purgeBatchSize).all()
                .map { try $0.decode(column: "id", as: UUID.self) }
            guard !ids.isEmpty else { return (0, 0) }
            let deleted = try await sql.delete(from: AuditEvent.schema).where(SQLIDList("id", in: ids))
                .returning("id").all().count
            return (ids.count, deleted)
        }
        if purged > 0 {
            try await record(
                .auditPurged, by: .system,
                details: ["count": String(purged), "before": ISO8601DateFormatter().string(from: limit)],
                on: database)
        }
        return purged
    }

    /// The "field.before" / "field.after" pairs of what changed between two snapshots, for administrative changes.
    /// An administrator's edit of a record: saved, and what changed audited as `action`, in one transaction; `then`
    /// runs in the same transaction (what the change sets off).
    func save<Record: Model>(
        _ record: Record, as action: AuditAction, target type: String, organisationID: UUID? = nil,
        before: [String: String], after: [String: String], by context: AuditContext, on database: any Database,
        then: @escaping @Sendable (any Database) async throws -> Void = { _ in }
    ) async throws {
        try await database.atomically { transaction in
            try await record.save(on: transaction)
            try await self.record(
                action, by: context, target: (type, "\(try record.requireID())"), organisationID: organisationID,
                details: Self.changes(before: before, after: after), on: transaction)
            try await then(transaction)
        }
    }

    public static func changes(before: [String: String], after: [String: String]) -> [String: String] {
        var details: [String: String] = [:]
        for key in Set(before.keys).union(after.keys) where before[key] != after[key] {
            details["\(key).before"] = before[key] ?? ""
            details["\(key).after"] = after[key] ?? ""
        }
        return details
    }

    /// JSON keeps control characters escaped, so a hostile value can never forge a line in an export.
    /// Written by hand as `JSONEncoder` with sorted keys writes it (a test compares them), at a tenth of its cost:
    /// the sweep writes 100,000 of these.
    static func encode(_ details: [String: String]) -> String {
        var json = "{"
        for (index, (key, value)) in details.sorted(by: { $0.key < $1.key }).enumerated() {
            if index > 0 { json += "," }
            appendJSONString(key, to: &json)
            json += ":"
            appendJSONString(String(value.prefix(500)), to: &json)
        }
        return json + "}"
    }

    private static func appendJSONString(_ text: String, to json: inout String) {
        json += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": json += "\\\""
            case "\\": json += "\\\\"
            case "/": json += "\\/"
            case "\n": json += "\\n"
            case "\r": json += "\\r"
            case "\t": json += "\\t"
            case "\u{08}": json += "\\b"
            case "\u{0C}": json += "\\f"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                json += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: json.unicodeScalars.append(scalar)
            }
        }
        json += "\""
    }
}
