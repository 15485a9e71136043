import Foundation
import Vapor

/// The signed-in person for the current request, with the roles that decide what they see.
public struct CurrentUser: Sendable {
    public let agent: Agent
    public let session: UserSession
    /// The organismes this person is a correspondent of, with the applications each is limited to.
    public let designations: [Authorization.Designation]
    /// In-portal notifications not read yet, shown in the header, counted up to `unreadCountBound`.
    public let unreadNotifications: Int
    /// A confirmed second factor, read with the session.
    public let hasSecondFactor: Bool
    /// Beyond this many unread notifications the header says "plus de 99": the count stays cheap for everyone.
    public static let unreadCountBound = 100

    public var id: UUID { agent.id! }
    public var isAdministrator: Bool { agent.isAdministrator }
    public var isCorrespondent: Bool { !designations.isEmpty }
    /// Organisations this person is a correspondent of.
    public var correspondentOrganisationIDs: [UUID] { designations.map(\.organisationID) }
    /// Correspondents and administrators decide requests.
    public var decidesRequests: Bool { isAdministrator || isCorrespondent }
    /// Decides on other people's access: longer passwords, and a second factor where it is required.
    public var isPrivileged: Bool { decidesRequests }
}

private struct CurrentUserKey: StorageKey {
    typealias Value = CurrentUser
}

private struct AnonymousCSRFKey: StorageKey {
    typealias Value = String
}

private struct IssuedCSRFKey: StorageKey {
    typealias Value = String
}

extension Request {
    /// The signed-in person, or nil for a visitor.
    public var currentUser: CurrentUser? {
        get { storage[CurrentUserKey.self] }
        set { storage[CurrentUserKey.self] = newValue }
    }

    /// The signed-in person, or a redirect to the sign-in page.
    public func requireUser() throws -> CurrentUser {
        guard let user = currentUser else { throw Abort.redirect(to: Paths.signIn) }
        return user
    }

    /// The CSRF token forms of this page must carry: the session's, or a visitor's cookie token. A visitor without
    /// one gets it minted here, the first time a page asks, and `CSRFMiddleware` sets its cookie: answers without a
    /// form (`/healthz`, files, redirects, JSON) pay nothing.
    public var csrfToken: String {
        if let user = currentUser { return user.session.csrfToken }
        if let token = storage[AnonymousCSRFKey.self] { return token }
        let issued = SecureToken.generate()
        storage[AnonymousCSRFKey.self] = issued
        storage[IssuedCSRFKey.self] = issued
        return issued
    }

    /// The visitor's token from the CSRF cookie.
    var anonymousCSRFToken: String? {
        get { storage[AnonymousCSRFKey.self] }
        set { storage[AnonymousCSRFKey.self] = newValue }
    }

    /// The token minted by `csrfToken` during this request, whose cookie the response must set.
    var issuedCSRFToken: String? { storage[IssuedCSRFKey.self] }

    /// The address of the client, from the socket unless it came through a trusted proxy.
    public var clientIP: String? {
        let socketIP = remoteAddress?.ipAddress
        if let socketIP, application.settings.trustedProxies.contains(socketIP),
            let forwarded = headers.first(name: "X-Forwarded-For")?.split(separator: ",").last
        {
            return forwarded.trimmingCharacters(in: .whitespaces)
        }
        return socketIP
    }

    /// The audit context of this request.
    public var auditContext: AuditContext {
        AuditContext(actorID: currentUser?.agent.id, ip: clientIP)
    }
}
