import Fluent
import SQLKit

/// The OpenID Connect provider (issue 15): the clients of each application, the signing keys every instance
/// shares, the authorization codes, the sign-ins of agents into applications and their refresh tokens, the
/// back-channel logout tokens waiting to be delivered; and how a portal session was authenticated (`amr`).
struct CreateSingleSignOn: AsyncMigration {
    var name: String { "012_CreateSingleSignOn" }

    func prepare(on database: any Database) async throws {
        try await database.schema("oidc_clients")
            .id()
            .field("client_id", .string, .required)
            .field("application_id", .uuid, .required, .references("applications", "id", onDelete: .cascade))
            .field("name", .string, .required)
            .field("secret_hash", .string)
            .field("requires_pkce", .bool, .required)
            .field("redirect_uris", .string, .required)
            .field("post_logout_redirect_uris", .string, .required)
            .field("backchannel_logout_uri", .string)
            .field("initiate_login_uri", .string)
            .field("signing_algorithm", .string, .required)
            .field("access_token_seconds", .int, .required)
            .field("id_token_seconds", .int, .required)
            .field("refresh_token_seconds", .int, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "client_id")
            .create()
        try await database.schema("oidc_signing_keys")
            .id()
            .field("kid", .string, .required)
            .field("algorithm", .string, .required)
            .field("private_key_pem", .string, .required)
            .field("created_at", .datetime, .required)
            .field("signs_from", .datetime, .required)
            .unique(on: "kid")
            .create()
        try await database.schema("application_sign_ins")
            .id()
            .field("client_id", .uuid, .required, .references("oidc_clients", "id", onDelete: .cascade))
            .field("agent_id", .uuid, .required, .references("agents", "id", onDelete: .cascade))
            .field("session_id", .uuid)
            .field("scope", .string, .required)
            .field("auth_time", .datetime, .required)
            .field("amr", .string, .required)
            .field("created_at", .datetime, .required)
            .field("revoked_at", .datetime)
            .create()
        try await database.schema("oidc_authorization_codes")
            .id()
            .field("code_hash", .string, .required)
            .field("client_id", .uuid, .required, .references("oidc_clients", "id", onDelete: .cascade))
            .field("agent_id", .uuid, .required, .references("agents", "id", onDelete: .cascade))
            .field("session_id", .uuid, .required)
            .field("redirect_uri", .string, .required)
            .field("scope", .string, .required)
            .field("nonce", .string)
            .field("code_challenge", .string)
            .field("auth_time", .datetime, .required)
            .field("amr", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .field("sign_in_id", .uuid)
            .unique(on: "code_hash")
            .create()
        try await database.schema("oidc_refresh_tokens")
            .id()
            .field("token_hash", .string, .required)
            .field("sign_in_id", .uuid, .required, .references("application_sign_ins", "id", onDelete: .cascade))
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .unique(on: "token_hash")
            .create()
        try await database.schema("backchannel_logouts")
            .id()
            .field("client_id", .uuid, .required, .references("oidc_clients", "id", onDelete: .cascade))
            .field("sign_in_id", .uuid, .required)
            .field("subject", .string, .required)
            .field("status", .string, .required)
            .field("attempts", .int, .required)
            .field("next_attempt_at", .datetime, .required)
            .field("claimed_at", .datetime)
            .field("last_error", .string)
            .field("created_at", .datetime, .required)
            .field("sent_at", .datetime)
            .unique(on: "sign_in_id")
            .create()
        try await database.schema("user_sessions")
            .field("amr", .string, .required, .sql(.default("pwd")))
            .update()
        let sql = database as! any SQLDatabase
        // "Mes sessions" lists a session's applications; ending a session revokes its sign-ins.
        try await sql.raw("CREATE INDEX application_sign_ins_session_idx ON application_sign_ins (session_id)").run()
        // Revoking an agent's right revokes its sign-ins into that application.
        try await sql.raw("CREATE INDEX application_sign_ins_agent_idx ON application_sign_ins (agent_id, client_id)")
            .run()
        try await sql.raw("CREATE INDEX oidc_refresh_tokens_sign_in_idx ON oidc_refresh_tokens (sign_in_id)").run()
        try await sql.raw("CREATE INDEX oidc_clients_application_idx ON oidc_clients (application_id)").run()
        // The dispatcher reads the logout tokens due, oldest first.
        try await sql.raw("CREATE INDEX backchannel_logouts_due_idx ON backchannel_logouts (status, next_attempt_at)")
            .run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("user_sessions").deleteField("amr").update()
        for table in [
            "backchannel_logouts", "oidc_refresh_tokens", "oidc_authorization_codes", "application_sign_ins",
            "oidc_signing_keys",
            "oidc_clients",
        ] {
            try await database.schema(table).delete()
        }
    }
}
