import Fluent
import Foundation

/// Where an application wants its change events: an URL and the secret they are signed with (Standard Webhooks).
/// The secret signs every delivery, so it is kept as is, like the SMTP password of the settings; it is shown once.
public final class WebhookEndpoint: Model, @unchecked Sendable {
    public static let schema = "webhook_endpoints"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "application_id") public var application: BusinessApplication
    @Field(key: "url") public var url: String
    /// `whsec_` and the base64 of 32 random bytes.
    @Field(key: "secret") public var secret: String
    @Field(key: "created_at") public var createdAt: Date

    public init() {}
}

/// One event for one endpoint: sent at least once, in order per agent, retried for 24 hours, then failed.
public final class WebhookDelivery: Model, @unchecked Sendable {
    public static let schema = "webhook_deliveries"

    public enum Status: String, Codable, Sendable {
        case pending, sending, sent, failed
    }

    @ID(custom: "id", generatedBy: .database) public var id: Int?
    /// `webhook-id`: the same on every attempt, so that a receiver recognises a duplicate.
    @Field(key: "message_id") public var messageID: String
    @Parent(key: "endpoint_id") public var endpoint: WebhookEndpoint
    @Field(key: "agent_id") public var agentID: UUID
    @Field(key: "event_type") public var eventType: String
    @Field(key: "payload") public var payload: String
    @Field(key: "status") public var status: Status
    @Field(key: "attempts") public var attempts: Int
    @Field(key: "next_attempt_at") public var nextAttemptAt: Date
    @OptionalField(key: "claimed_at") public var claimedAt: Date?
    @OptionalField(key: "response_status") public var responseStatus: Int?
    /// The first 1,000 characters the endpoint answered, for administrators.
    @OptionalField(key: "response_body") public var responseBody: String?
    @OptionalField(key: "last_error") public var lastError: String?
    @Field(key: "created_at") public var createdAt: Date
    @OptionalField(key: "sent_at") public var sentAt: Date?

    public init() {}
}
