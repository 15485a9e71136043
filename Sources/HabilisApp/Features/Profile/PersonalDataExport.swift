import Fluent
import Foundation

/// Everything the portal holds about one person, as the "Télécharger mes données" file gives it.
struct PersonalDataExport: Encodable {
    /// The account.
    struct Profile: Encodable {
        let email: String
        let civility: String
        let firstName: String
        let lastName: String
        let birthName: String?
        let organisation: String
        let secondOrganisation: String?
        let contactEmail: String?
        let phone: String?
        let isDirector: Bool
        let createdAt: Date
        let lastSignInAt: Date?
    }

    /// One access request.
    struct Request: Encodable {
        let application: String
        /// The profile asked for, on an application with profiles.
        let profile: String?
        let status: String
        let justification: String?
        let createdAt: Date
        let decidedAt: Date?
        let refusalReason: String?
    }

    /// One right, current or withdrawn.
    struct Right: Encodable {
        let application: String
        /// The profile held, on an application with profiles.
        let profile: String?
        let grantedAt: Date
        let revokedAt: Date?
        let revocationReason: String?
    }

    /// One subscription, with the time of consent.
    struct NewsletterSubscription: Encodable {
        let newsletter: String
        let subscribedAt: Date
    }

    /// One in-portal message.
    struct Message: Encodable {
        let message: String
        let createdAt: Date
        let readAt: Date?
    }

    /// One session currently open.
    struct OpenSession: Encodable {
        let createdAt: Date
        let lastSeenAt: Date
        let ip: String?
    }

    /// One event of the audit trail about the person.
    struct Event: Encodable {
        let action: String
        let occurredAt: Date
        let ip: String?
    }

    let exportedFrom: String
    let profile: Profile
    let requests: [Request]
    let rights: [Right]
    let subscriptions: [NewsletterSubscription]
    let notifications: [Message]
    let sessions: [OpenSession]
    let securityEvents: [Event]

    static func make(for agent: Agent, on database: any Database) async throws -> PersonalDataExport {
        let id = agent.id!
        let organisation = try await agent.$organisation.get(on: database)
        let second = try await agent.$secondOrganisation.get(on: database)
        let requests = try await AccessRequest.query(on: database).filter(\.$agent.$id == id).with(\.$application)
            .with(\.$profile).sort(\.$createdAt).all()
        let grants = try await Grant.query(on: database).filter(\.$agent.$id == id).with(\.$application)
            .with(\.$profile).sort(\.$grantedAt).all()
        let subscriptions = try await Subscription.query(on: database).filter(\.$agent.$id == id).with(\.$newsletter)
            .all()
        let notifications = try await Notification.query(on: database).filter(\.$agent.$id == id)
            .sort(\.$createdAt).all()
        let sessions = try await UserSession.query(on: database).filter(\.$agent.$id == id).all()
        let events = try await AuditEvent.query(on: database).filter(\.$actorID == id).sort(\.$occurredAt)
            .limit(1000).all()
        return PersonalDataExport(
            exportedFrom: "Espace Organismes UCANSS",
            profile: Profile(
                email: agent.email, civility: agent.civility, firstName: agent.firstName, lastName: agent.lastName,
                birthName: agent.birthName, organisation: organisation.name, secondOrganisation: second?.name,
                contactEmail: agent.contactEmail, phone: agent.phone, isDirector: agent.isDirector,
                createdAt: agent.createdAt, lastSignInAt: agent.lastSignInAt),
            requests: requests.map {
                Request(
                    application: $0.application.name, profile: $0.profile?.label, status: $0.status.label,
                    justification: $0.justification,
                    createdAt: $0.createdAt, decidedAt: $0.decidedAt, refusalReason: $0.refusalReason)
            },
            rights: grants.map {
                Right(
                    application: $0.application.name, profile: $0.profile?.label, grantedAt: $0.grantedAt,
                    revokedAt: $0.revokedAt,
                    revocationReason: $0.revocationReason)
            },
            subscriptions: subscriptions.map {
                NewsletterSubscription(newsletter: $0.newsletter.title, subscribedAt: $0.subscribedAt)
            },
            notifications: notifications.map {
                Message(message: $0.message, createdAt: $0.createdAt, readAt: $0.readAt)
            },
            sessions: sessions.map { OpenSession(createdAt: $0.createdAt, lastSeenAt: $0.lastSeenAt, ip: $0.ip) },
            securityEvents: events.map { Event(action: $0.action, occurredAt: $0.occurredAt, ip: $0.ip) })
    }
}
