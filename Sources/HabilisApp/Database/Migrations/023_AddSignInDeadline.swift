import Fluent
import SQLKit

/// The sweep deletes, every minute, the codes and sign-ins a day past their end. It had found them by reading the
/// codes, the refresh tokens and the sign-ins whole: a refresh writes a token every few minutes for each sign-in,
/// so at the federation's scale that is millions of rows each minute. A sign-in now carries its end (the end of
/// all its refresh tokens, which rotation never lengthens), and both ends are indexed.
struct AddSignInDeadline: AsyncMigration {
    var name: String { "023_AddSignInDeadline" }

    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        // Nullable: SQLite adds no required column without a default. Every row gets its end here, and every
        // sign-in made from now on is written with one.
        try await database.schema("application_sign_ins").field("expires_at", .datetime).update()
        try await sql.raw(
            """
            UPDATE application_sign_ins SET expires_at = COALESCE(
                (SELECT max(t.expires_at) FROM oidc_refresh_tokens t WHERE t.sign_in_id = application_sign_ins.id),
                created_at)
            """
        ).run()
        try await sql.raw("CREATE INDEX application_sign_ins_expiry_idx ON application_sign_ins (expires_at)").run()
        try await sql.raw("CREATE INDEX oidc_authorization_codes_expiry_idx ON oidc_authorization_codes (expires_at)")
            .run()
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.raw("DROP INDEX oidc_authorization_codes_expiry_idx").run()
        try await sql.raw("DROP INDEX application_sign_ins_expiry_idx").run()
        // Raw: Fluent's SQLite driver skips dropping a column.
        try await sql.raw("ALTER TABLE application_sign_ins DROP COLUMN expires_at").run()
    }
}
