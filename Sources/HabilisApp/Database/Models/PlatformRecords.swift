import Fluent
import Foundation

/// A signed-in session, shared by every instance; the cookie holds a token whose SHA-256 is stored here.
public final class UserSession: Model, @unchecked Sendable {
    public static let schema = "user_sessions"

    @ID(key: .id) public var id: UUID?
    @Field(key: "token_hash") public var tokenHash: String
    @Parent(key: "agent_id") public var agent: Agent
    @Field(key: "csrf_token") public var csrfToken: String
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "last_seen_at") public var lastSeenAt: Date
    @OptionalField(key: "ip") public var ip: String?
    /// How the agent proved who it is, RFC 8176 methods space-separated: "pwd", or "pwd otp mfa".
    @Field(key: "amr") public var amr: String

    public init() {}

    public init(
        tokenHash: String, agentID: UUID, csrfToken: String, createdAt: Date, ip: String?, amr: String = "pwd"
    ) {
        self.tokenHash = tokenHash
        self.$agent.id = agentID
        self.csrfToken = csrfToken
        self.createdAt = createdAt
        self.lastSeenAt = createdAt
        self.ip = ip
        self.amr = amr
    }
}

/// A single-use link to choose a new password; only the SHA-256 of the token is kept.
public final class PasswordResetToken: Model, @unchecked Sendable {
    public static let schema = "password_reset_tokens"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "agent_id") public var agent: Agent
    @Field(key: "token_hash") public var tokenHash: String
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "expires_at") public var expiresAt: Date
    @OptionalField(key: "used_at") public var usedAt: Date?

    public init() {}

    public init(agentID: UUID, tokenHash: String, createdAt: Date, expiresAt: Date) {
        self.$agent.id = agentID
        self.tokenHash = tokenHash
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}

/// A counter of attempts in a time window, keyed by what is throttled (an account, an address).
public final class ThrottleBucket: Model, @unchecked Sendable {
    public static let schema = "throttle_buckets"

    @ID(key: .id) public var id: UUID?
    @Field(key: "bucket_key") public var key: String
    @Field(key: "window_started_at") public var windowStartedAt: Date
    @Field(key: "attempts") public var attempts: Int
    /// Past a budget that slows down, when the next attempt may pass.
    @OptionalField(key: "next_allowed_at") public var nextAllowedAt: Date?

    public init() {}

    public init(key: String, windowStartedAt: Date, attempts: Int) {
        self.key = key
        self.windowStartedAt = windowStartedAt
        self.attempts = attempts
    }
}

/// An e-mail waiting in the persistent outbox, written in the transaction of the event that causes it.
public final class OutboxMessage: Model, @unchecked Sendable {
    public static let schema = "outbox_messages"

    /// Delivery state; `sending` rows are claimed by one dispatcher.
    public enum Status: String, Codable, Sendable {
        case pending, sending, sent, failed
    }

    @ID(key: .id) public var id: UUID?
    /// Unique per (event, recipient): enqueuing the same mail twice keeps one.
    @Field(key: "dedupe_key") public var dedupeKey: String
    @Field(key: "recipient") public var recipient: String
    @Field(key: "subject") public var subject: String
    @Field(key: "text_body") public var textBody: String
    @Field(key: "html_body") public var htmlBody: String
    @Field(key: "status") public var status: Status
    @Field(key: "attempts") public var attempts: Int
    @Field(key: "next_attempt_at") public var nextAttemptAt: Date
    @OptionalField(key: "claimed_at") public var claimedAt: Date?
    @OptionalField(key: "last_error") public var lastError: String?
    @Field(key: "created_at") public var createdAt: Date
    @OptionalField(key: "sent_at") public var sentAt: Date?

    public init() {}
}

/// An append-only record of a security event or a decision.
public final class AuditEvent: Model, @unchecked Sendable {
    public static let schema = "audit_events"

    @ID(key: .id) public var id: UUID?
    @Field(key: "occurred_at") public var occurredAt: Date
    @OptionalField(key: "actor_id") public var actorID: UUID?
    @Field(key: "action") public var action: String
    @Field(key: "outcome") public var outcome: String
    @OptionalField(key: "target_type") public var targetType: String?
    @OptionalField(key: "target_id") public var targetID: String?
    @OptionalField(key: "organisation_id") public var organisationID: UUID?
    /// The application the event concerns, for the events of rights and requests.
    @OptionalField(key: "application_id") public var applicationID: UUID?
    @OptionalField(key: "ip") public var ip: String?
    @Field(key: "details") public var details: String

    public init() {}
}

/// A setting an administrator can change without restart (auto-acceptance delay, contact addresses).
public final class StoredSetting: Model, @unchecked Sendable {
    public static let schema = "settings"

    @ID(key: .id) public var id: UUID?
    @Field(key: "setting_key") public var key: String
    @Field(key: "value") public var value: String
    @Field(key: "updated_at") public var updatedAt: Date

    public init() {}

    public init(key: String, value: String, updatedAt: Date) {
        self.key = key
        self.value = value
        self.updatedAt = updatedAt
    }
}

/// A change of login e-mail waiting for the new address to be proven; only the token's SHA-256 is kept.
public final class EmailChange: Model, @unchecked Sendable {
    public static let schema = "email_changes"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "agent_id") public var agent: Agent
    @Field(key: "new_email") public var newEmail: String
    @Field(key: "token_hash") public var tokenHash: String
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "expires_at") public var expiresAt: Date
    @OptionalField(key: "used_at") public var usedAt: Date?

    public init() {}

    public init(agentID: UUID, newEmail: String, tokenHash: String, createdAt: Date, expiresAt: Date) {
        self.$agent.id = agentID
        self.newEmail = newEmail
        self.tokenHash = tokenHash
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}
