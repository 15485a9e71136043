import Fluent
import Foundation
import SQLKit
import Vapor

/// Asking for access to an application, cancelling, deciding, revoking, and the automatic acceptance sweep.
/// Every method is one user action in one transaction: state change, right, notifications and audit together.
public struct AccessRequestService: Sendable {
    let clock: any Clock
    let audit: AuditLog
    let routing: Routing
    let authorization: Authorization
    let notifier: Notifier
    let mails: MailTemplates
    /// The delays, changed by administrators without restart; each request keeps the due date computed when made.
    let runtimeSettings: RuntimeSettings
    /// The change events to the applications, written with each change.
    let events: WebhookEvents

    /// Why a request cannot be made.
    public enum Refusal: Error, Equatable {
        case unavailable
        case alreadyHeld
        case alreadyPending(UUID)
        /// The profile named is not one the agent may ask for (unknown, or held already).
        case unknownProfile
    }

    /// What the agent is told before submitting: who will decide and when the request will be accepted anyway.
    public struct Preview: Sendable {
        public let application: BusinessApplication
        public let routing: Routing.Decision
        public let dueAt: Date
        /// The application's profiles, those held by the agent among them.
        let profiles: AgentProfiles
        /// The profile asked for: the one chosen, else the one suggested; nil without profiles.
        let profile: ApplicationProfile?
    }

    /// The confirmation step of a request.
    public func preview(
        for user: CurrentUser, applicationCode: String, profileCode: String? = nil, renewing: UUID? = nil,
        on database: any Database
    ) async throws
        -> Result<Preview, Refusal>
    {
        guard let application = try await activeApplication(code: applicationCode, on: database) else {
            return .failure(.unavailable)
        }
        let profiles = try await agentProfiles(of: user.id, on: application, on: database)
        let profile: ApplicationProfile?
        switch try await chosenProfile(
            profileCode, among: profiles, renewing: renewing, lenient: true, on: database)
        {
        case .success(let chosen): profile = chosen
        case .failure(let refusal): return .failure(refusal)
        }
        if let refusal = try await refusal(
            for: user.id, application: application, profileID: profile?.id, renewing: renewing, on: database)
        {
            return .failure(refusal)
        }
        let decision = try await routing.route(
            organisationID: user.agent.$organisation.id, application: application, requesterID: user.id,
            on: database)
        let dueAt = try await dueDate(from: clock.now, organisationID: user.agent.$organisation.id, on: database)
        return .success(
            Preview(application: application, routing: decision, dueAt: dueAt, profiles: profiles, profile: profile))
    }

    /// Creates the request, routes it and notifies its deciders at once. A second submission (double click,
    /// refresh) finds the pending request and returns it: one request, never two.
    public func requestAccess(
        for user: CurrentUser, applicationCode: String, profileCode: String? = nil, justification: String?,
        renewing: UUID? = nil, ip: String?, on database: any Database
    ) async throws -> Result<AccessRequest, Refusal> {
        guard let application = try await activeApplication(code: applicationCode, on: database) else {
            return .failure(.unavailable)
        }
        let profile: ApplicationProfile?
        switch try await chosenProfile(
            profileCode, among: try await agentProfiles(of: user.id, on: application, on: database),
            renewing: renewing, lenient: false, on: database)
        {
        case .success(let chosen): profile = chosen
        case .failure(let refusal): return .failure(refusal)
        }
        let dueAt = try await dueDate(from: clock.now, organisationID: user.agent.$organisation.id, on: database)
        do {
            return try await database.atomically { transaction in
                if let refusal = try await refusal(
                    for: user.id, application: application, profileID: profile?.id, renewing: renewing,
                    on: transaction)
                {
                    return .failure(refusal)
                }
                let organisationID = user.agent.$organisation.id
                let decision = try await routing.route(
                    organisationID: organisationID, application: application, requesterID: user.id,
                    on: transaction)
                let now = clock.now
                let asked = application.name + (profile.map { " (profil « \($0.label) »)" } ?? "")
                let request = AccessRequest(
                    agentID: user.id, applicationID: application.id!, organisationID: organisationID,
                    justification: justification, routedTo: decision.deciders, createdAt: now,
                    dueAt: dueAt)
                request.renewsGrantID = renewing
                request.$profile.id = profile?.id
                try await request.create(on: transaction)
                for decider in decision.people where decider.id != user.id {
                    try await notifier.notify(
                        decider,
                        message: renewing == nil
                            ? "\(user.agent.fullName) demande l’accès à l’application \(asked)."
                            : "\(user.agent.fullName) demande le renouvellement de son accès à \(asked).",
                        link: Paths.requestsToDecide,
                        mail: mails.accessRequestToDecide(
                            to: decider, requester: user.agent, organisation: decision.organisationName,
                            application: asked, dueAt: request.dueAt),
                        key: "access-request:\(request.id!):created", on: transaction)
                }
                try await audit.record(
                    .accessRequested, by: AuditContext(actorID: user.id, ip: ip),
                    target: ("access_request", request.id!.uuidString), organisationID: organisationID,
                    applicationID: application.id,
                    details: ["application": application.code, "routed_to": decision.deciders.rawValue]
                        .merging(renewing.map { ["renews_grant": $0.uuidString] } ?? [:]) { $1 }
                        .merging(profile.map { ["profile": $0.code] } ?? [:]) { $1 },
                    on: transaction)
                try await events.publish(
                    .init(
                        .accessRequestCreated, agent: user.id, application: application.id,
                        data: [
                            "request_id": request.id!.uuidString.lowercased(), "email": user.agent.email,
                            "due_at": ISO8601DateFormatter().string(from: request.dueAt),
                        ].merging(profile.map { ["profile": $0.code] } ?? [:]) { $1 }), on: transaction)
                return .success(request)
            }
        } catch {
            // The unique index on pending requests caught a concurrent double submission.
            if (error as? any DatabaseError)?.isConstraintFailure == true,
                let pending = try await pendingRequest(of: user.id, applicationID: application.id!, on: database)
            {
                return .failure(.alreadyPending(pending.id!))
            }
            throw error
        }
    }

    /// Cancels the agent's own pending request; false when it was no longer pending.
    public func cancel(
        _ requestID: UUID, by user: CurrentUser, ip: String?, on database: any Database
    ) async throws
        -> Bool
    {
        guard let request = try await AccessRequest.find(requestID, on: database), request.$agent.id == user.id
        else { throw Abort(.notFound) }
        return try await database.atomically { transaction in
            let now = clock.now
            let claimed = try await (transaction as! any SQLDatabase).update(AccessRequest.schema)
                .set("status", to: AccessRequest.Status.cancelled.rawValue)
                .set("decided_at", to: now)
                .set("decided_by_id", to: user.id)
                .where("id", .equal, requestID)
                .where("status", .equal, AccessRequest.Status.pending.rawValue)
                .returning("id")
                .all()
            guard !claimed.isEmpty else { return false }
            try await audit.record(
                .accessRequestCancelled, by: AuditContext(actorID: user.id, ip: ip),
                target: ("access_request", requestID.uuidString), organisationID: request.$organisation.id,
                applicationID: request.$application.id, on: transaction)
            try await events.publish(
                .init(
                    .accessRequestDecided, agent: user.id, application: request.$application.id,
                    data: [
                        "request_id": requestID.uuidString.lowercased(), "email": user.agent.email,
                        "status": AccessRequest.Status.cancelled.rawValue,
                    ]), on: transaction)
            return true
        }
    }

    /// The outcome of one decision.
    public enum DecisionOutcome: Sendable, Equatable {
        case decided
        case alreadyDecided
        case forbidden
        case notFound
    }

    /// Accepts, or refuses with a reason, one request the user may decide. The right, the notification of the
    /// agent and the audit event are written with the decision; a request decided meanwhile (by someone else or
    /// by the sweep) is left as it is.
    public func decide(
        _ requestID: UUID, accept: Bool, reason: String?, until: Date? = nil, by user: CurrentUser, ip: String?,
        on database: any Database
    ) async throws -> DecisionOutcome {
        guard let request = try await AccessRequest.find(requestID, on: database) else { return .notFound }
        guard authorization.canDecide(user, request) else {
            try await audit.record(
                .accessDenied, outcome: "refused", by: AuditContext(actorID: user.id, ip: ip),
                target: ("access_request", requestID.uuidString), details: ["action": "decide"], on: database)
            return .forbidden
        }
        let status: AccessRequest.Status = accept ? .accepted : .refused
        // A deputy decides in the name of the absent correspondent, and every record says so.
        let standsInFor = authorization.standsInFor(
            user, organisationID: request.$organisation.id, applicationID: request.$application.id)
        let deciderName = user.agent.fullName + (standsInFor.map { ", en suppléance de \($0.name)" } ?? "")
        return try await database.atomically { transaction in
            guard
                try await close(
                    requestID, as: status, at: clock.now, by: user.id, reason: accept ? nil : reason,
                    dueBefore: nil, on: transaction)
            else { return .alreadyDecided }
            if let standsInFor {
                try await (transaction as! any SQLDatabase).update(AccessRequest.schema)
                    .set("deputy_of_id", to: standsInFor.agentID).where("id", .equal, requestID).run()
            }
            let agent = try await request.$agent.get(on: transaction)
            let application = try await request.$application.get(on: transaction)
            let asked =
                try await request.$profile.get(on: transaction).map {
                    "\(application.name) (profil « \($0.label) »)"
                } ?? application.name
            var decided: [String: String] = [
                "request_id": requestID.uuidString.lowercased(), "email": agent.email, "status": status.rawValue,
            ]
            if !accept { decided["reason"] = reason ?? "" }
            try await events.publish(
                .init(.accessRequestDecided, agent: agent.id!, application: application.id, data: decided),
                on: transaction)
            if accept {
                try await grant(
                    request, of: application, until: until, by: user.id, email: agent.email, on: transaction)
            }
            try await notifier.notify(
                agent,
                message: accept
                    ? "Votre demande d’accès à \(asked) a été acceptée."
                    : "Votre demande d’accès à \(asked) a été refusée. Motif : \(reason ?? "")",
                link: accept ? Paths.openApplication(application.code) : Paths.myRights,
                mail: mails.accessRequestOutcome(
                    to: agent, application: asked, code: application.code, status: status,
                    decidedBy: deciderName,
                    reason: accept ? nil : reason),
                key: "access-request:\(requestID):decision", on: transaction)
            try await audit.record(
                accept ? .accessRequestAccepted : .accessRequestRefused, by: AuditContext(actorID: user.id, ip: ip),
                target: ("access_request", requestID.uuidString), organisationID: request.$organisation.id,
                applicationID: application.id,
                details: (accept
                    ? ["application": application.code] : ["application": application.code, "reason": reason ?? ""])
                    .merging(standsInFor.map { ["as_deputy_of": $0.agentID.uuidString.lowercased()] } ?? [:]) { $1 },
                on: transaction)
            return .decided
        }
    }

    /// The outcome of a revocation.
    public enum RevocationOutcome: Sendable, Equatable {
        case revoked
        case alreadyRevoked
        case forbidden
        case notFound
    }

    /// Withdraws a right with a reason; the agent is told; the right stays in the history.
    public func revoke(
        _ grantID: UUID, reason: String, by user: CurrentUser, ip: String?, on database: any Database
    )
        async throws -> RevocationOutcome
    {
        guard
            let grant = try await Grant.query(on: database).filter(\.$id == grantID).with(\.$agent)
                .with(\.$application).with(\.$grantedBy).with(\.$accessRequest).first()
        else { return .notFound }
        guard authorization.canWithdraw(user, grant, of: grant.agent) else {
            try await audit.record(
                .accessDenied, outcome: "refused", by: AuditContext(actorID: user.id, ip: ip),
                target: ("grant", grantID.uuidString), details: ["action": "revoke"], on: database)
            return .forbidden
        }
        let actor = RightActor(
            context: AuditContext(actorID: user.id, ip: ip), agentID: user.id, name: user.agent.fullName)
        return try await database.atomically { transaction in
            try await endRight(
                grantID, of: grant.agent, on: grant.application, reason: reason, by: actor, on: transaction)
                ? .revoked : .alreadyRevoked
        }
    }

    // MARK: - Shared steps

    /// Moves a pending request to a final state; false when it was not pending any more (someone else won).
    func close(
        _ requestID: UUID, as status: AccessRequest.Status, at instant: Date, by deciderID: UUID?, reason: String?,
        dueBefore: Date?, on database: any Database
    ) async throws -> Bool {
        var update = (database as! any SQLDatabase).update(AccessRequest.schema)
            .set("status", to: status.rawValue)
            .set("decided_at", to: instant)
            .set("decided_by_id", to: deciderID)
            .set("refusal_reason", to: reason)
            .where("id", .equal, requestID)
            .where("status", .equal, AccessRequest.Status.pending.rawValue)
        if let dueBefore {
            update = update.where("due_at", .lessThanOrEqual, dueBefore)
        }
        return try await !update.returning("id").all().isEmpty
    }

    /// Creates the right of an accepted request, unless the agent already holds it (granted directly meanwhile);
    /// a renewal extends the right it renews instead (or creates one when that right has ended meanwhile). The right
    /// ends at `until` when the decider shortened it, else after the application's maximum validity.
    func grant(
        _ request: AccessRequest, of application: BusinessApplication, until: Date?, by deciderID: UUID?,
        email: String, on database: any Database
    ) async throws {
        let now = clock.now
        let end = until ?? application.rightEnd(from: now)
        let profile = try await request.$profile.get(on: database)
        var data = [
            "email": email, "origin": "request", "request_id": request.id!.uuidString.lowercased(),
        ]
        if let profile { data["profile"] = profile.code }
        if let end { data["expires_at"] = ISO8601DateFormatter().string(from: end) }
        if let renewed = request.renewsGrantID,
            try await !(database as! any SQLDatabase).update(Grant.schema)
                .set("expires_at", to: end).set("expiry_notices", to: 0)
                .where("id", .equal, renewed).where("revoked_at", .is, SQLLiteral.null)
                .returning("id").all().isEmpty
        {
            data.merge(["grant_id": renewed.uuidString.lowercased(), "origin": "renewal"]) { $1 }
            try await events.publish(
                .init(.rightGranted, agent: request.$agent.id, application: application.id, data: data),
                on: database)
            return
        }
        let held = try await Grant.query(on: database)
            .filter(\.$agent.$id == request.$agent.id)
            .filter(\.$application.$id == request.$application.id)
            .filter(\.$profile.$id == request.$profile.id)
            .filter(\.$revokedAt == nil)
            .count()
        guard held == 0 else { return }
        let grant = Grant(
            agentID: request.$agent.id, applicationID: request.$application.id, grantedAt: now,
            grantedByID: deciderID, accessRequestID: request.id, expiresAt: end, profileID: profile?.id)
        try await grant.create(on: database)
        data["grant_id"] = grant.id!.uuidString.lowercased()
        try await events.publish(
            .init(.rightGranted, agent: request.$agent.id, application: request.$application.id, data: data),
            on: database)
        if let profile {
            try await replaceOtherProfiles(
                of: request.$agent.id, on: application, by: profile, actorID: deciderID, email: email, on: database)
        }
    }

    /// On an application whose profiles replace each other, ends the agent's other profiles now that `profile` is
    /// granted: audited and sent as revocations, without a mail of their own (the decision's says it).
    func replaceOtherProfiles(
        of agentID: UUID, on application: BusinessApplication, by profile: ApplicationProfile, actorID: UUID?,
        email: String, on database: any Database
    ) async throws {
        guard application.profileChange == .replace else { return }
        let reason = "Remplacée par le profil « \(profile.label) »."
        let replaced = try await (database as! any SQLDatabase).update(Grant.schema)
            .set("revoked_at", to: clock.now)
            .set("revoked_by_id", to: actorID)
            .set("revocation_reason", to: reason)
            .where("agent_id", .equal, agentID)
            .where("application_id", .equal, application.id!)
            .where("profile_id", .notEqual, profile.id!)
            .where("revoked_at", .is, SQLLiteral.null)
            .returning("id", "profile_id")
            .all()
        guard !replaced.isEmpty else { return }
        let codes = try await ProfileDirectory.profiles(of: application.id!, on: database)
        for row in replaced {
            let grantID = try row.decode(column: "id", as: UUID.self)
            let old = try row.decode(column: "profile_id", as: UUID?.self)
            let oldCode = codes.first { $0.id == old }?.code ?? ""
            try await audit.record(
                .grantReplaced, by: AuditContext(actorID: actorID, ip: nil), target: ("grant", grantID.uuidString),
                applicationID: application.id,
                details: [
                    "application": application.code, "agent": email, "profile": oldCode,
                    "replaced_by": profile.code,
                ], on: database)
            try await events.publish(
                .init(
                    .rightRevoked, agent: agentID, application: application.id,
                    data: [
                        "grant_id": grantID.uuidString.lowercased(), "email": email, "reason": reason,
                        "profile": oldCode,
                    ]), on: database)
        }
        // The applications hold tokens with the old roles: they learn the change now.
        try await SingleSignOut(clock: clock).end(
            .agentOnApplication(agentID: agentID, applicationID: application.id!), on: database)
    }

    /// When a request made at `instant` by an agent of `organisationID` is accepted unless refused: the delay of
    /// « Paramètres », in calendar or working days (those of Alsace-Moselle for its organismes).
    func dueDate(from instant: Date, organisationID: UUID, on database: any Database) async throws -> Date {
        let settings = try await runtimeSettings.current(on: database)
        var alsaceMoselle = false
        if settings.dayCounting == .working {
            alsaceMoselle = try await Organisation.find(organisationID, on: database)?.isInAlsaceMoselle ?? false
        }
        return settings.dayCounting.adding(settings.autoAcceptDays, to: instant, alsaceMoselle: alsaceMoselle)
    }

    func activeApplication(code: String, on database: any Database) async throws -> BusinessApplication? {
        guard code.count <= 100 else { return nil }
        return try await BusinessApplication.query(on: database)
            .filter(\.$code == code)
            .filter(\.$isActive == true)
            .first()
    }

    func pendingRequest(
        of agentID: UUID, applicationID: UUID, on database: any Database
    ) async throws
        -> AccessRequest?
    {
        try await AccessRequest.query(on: database)
            .filter(\.$agent.$id == agentID)
            .filter(\.$application.$id == applicationID)
            .filter(.sql(AccessRequest.isPending()))
            .first()
    }

    /// The application's profiles and those of them the agent holds (nothing when it has none).
    func agentProfiles(
        of agentID: UUID, on application: BusinessApplication, on database: any Database
    ) async throws -> AgentProfiles {
        let all = try await ProfileDirectory.profiles(of: application.id!, on: database)
        guard !all.isEmpty else { return AgentProfiles(all: [], heldIDs: []) }
        let held = try await Grant.query(on: database).filter(\.$agent.$id == agentID)
            .filter(\.$application.$id == application.id!).filter(\.$revokedAt == nil).all()
        return AgentProfiles(all: all, heldIDs: Set(held.compactMap { $0.$profile.id }))
    }

    /// The profile a request is for: the renewed right's; the one named, if the agent may ask for it; else (when
    /// `lenient`, for the confirmation step) the one suggested. Nil on an application without profiles.
    private func chosenProfile(
        _ code: String?, among profiles: AgentProfiles, renewing: UUID?, lenient: Bool, on database: any Database
    ) async throws -> Result<ApplicationProfile?, Refusal> {
        guard !profiles.all.isEmpty else { return .success(nil) }
        if let renewing {
            let renewed = try await Grant.find(renewing, on: database)
            return .success(profiles.all.first { $0.id == renewed?.$profile.id })
        }
        if let code, !code.isEmpty, let profile = profiles.offered(code: code) { return .success(profile) }
        guard lenient || code == nil else { return .failure(.unknownProfile) }
        guard let suggested = profiles.suggested else { return .failure(.alreadyHeld) }
        return .success(suggested)
    }

    /// Why the agent may not ask now: the right (this profile) is held, unless this renews it (a right that ends,
    /// still held), or a request on the application is pending.
    private func refusal(
        for agentID: UUID, application: BusinessApplication, profileID: UUID?, renewing: UUID?,
        on database: any Database
    )
        async throws -> Refusal?
    {
        let held = try await Grant.query(on: database)
            .filter(\.$agent.$id == agentID)
            .filter(\.$application.$id == application.id!)
            .filter(\.$revokedAt == nil)
            .all()
        if let renewing {
            guard let renewed = held.first(where: { $0.id == renewing }), renewed.expiresAt != nil else {
                return .unavailable
            }
        } else if held.contains(where: { $0.$profile.id == profileID }) {
            return .alreadyHeld
        }
        if let pending = try await pendingRequest(of: agentID, applicationID: application.id!, on: database) {
            return .alreadyPending(pending.id!)
        }
        return nil
    }
}
