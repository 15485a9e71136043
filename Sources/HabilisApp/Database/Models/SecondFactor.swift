import Fluent
import Foundation

/// A person's authenticator application (TOTP): set up, then confirmed by a first code. One per account.
public final class SecondFactor: Model, @unchecked Sendable {
    public static let schema = "second_factors"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "agent_id") public var agent: Agent
    /// The shared secret in base 32, as the person typed it into their application.
    @Field(key: "secret") public var secret: String
    @Field(key: "created_at") public var createdAt: Date
    /// Nil until a first code proved the application computes the same codes: until then it is not asked.
    @OptionalField(key: "confirmed_at") public var confirmedAt: Date?
    /// The time step of the last code accepted: a code is never accepted twice.
    @OptionalField(key: "last_used_step") public var lastUsedStep: Int64?

    public init() {}

    public init(agentID: UUID, secret: String, createdAt: Date) {
        self.$agent.id = agentID
        self.secret = secret
        self.createdAt = createdAt
    }

    var totp: TOTP? { Base32.decode(secret).map(TOTP.init(secret:)) }
}

/// A sign-in waiting for its code: the password was right, the session is not open yet. The browser holds the token
/// in a cookie of its own; only its SHA-256 is kept, for five minutes and five wrong codes at most.
public final class SecondFactorChallenge: Model, @unchecked Sendable {
    public static let schema = "second_factor_challenges"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "agent_id") public var agent: Agent
    @Field(key: "token_hash") public var tokenHash: String
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "expires_at") public var expiresAt: Date
    @Field(key: "failed_attempts") public var failedAttempts: Int

    public init() {}

    public init(agentID: UUID, tokenHash: String, createdAt: Date, expiresAt: Date) {
        self.$agent.id = agentID
        self.tokenHash = tokenHash
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.failedAttempts = 0
    }
}
