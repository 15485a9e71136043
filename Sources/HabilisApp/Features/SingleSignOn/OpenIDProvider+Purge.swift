import Fluent
import Foundation
import SQLKit

/// What single sign-on stops needing. Every code redirect writes a code and every refresh a token, so without the
/// sweep's purge these tables would grow by the federation's traffic for ever (a million rows a day is plausible).
extension OpenIDProvider {
    /// Codes and sign-ins are kept a day past their end: instances whose clocks disagree a little still refuse a
    /// late code or refresh token as expired (a used one as reused), not as unknown.
    static let keptAfterExpiry: TimeInterval = 24 * 60 * 60
    /// Rows deleted per statement: a database that ran long without the purge may hold millions at its first run.
    static let purgeBatchSize = 10_000

    /// Deletes the codes expired for a day, then the sign-ins ended for a day with every refresh token of theirs
    /// (all share their sign-in's end: rotation never lengthens it). Their portal session, which lasts 12 hours at
    /// most, has ended too, so no back-channel logout can be owed for them. Read by the indexes on the deadlines,
    /// so a sweep costs what it deletes; safe when several instances purge at once. Returns how many rows went.
    func purge(at instant: Date, batchSize: Int = purgeBatchSize, on database: any Database) async throws -> Int {
        let expiredBefore = instant.addingTimeInterval(-Self.keptAfterExpiry)
        let codes = try await database.deleteInRounds(of: batchSize) { transaction in
            let sql = transaction as! any SQLDatabase
            let deleted = try await sql.raw(
                """
                DELETE FROM oidc_authorization_codes WHERE id IN (
                    SELECT id FROM oidc_authorization_codes WHERE expires_at < \(bind: expiredBefore)
                    LIMIT \(bind: batchSize))
                RETURNING id
                """
            ).all().count
            return (deleted, deleted)
        }
        let signIns = try await database.deleteInRounds(of: batchSize) { transaction in
            let sql = transaction as! any SQLDatabase
            let ended = try await sql.raw(
                """
                SELECT id FROM application_sign_ins WHERE expires_at < \(bind: expiredBefore)
                LIMIT \(bind: batchSize)
                """
            ).all().map { try $0.decode(column: "id", as: UUID.self) }
            guard !ended.isEmpty else { return (0, 0) }
            let tokens = try await sql.delete(from: OIDCRefreshToken.schema)
                .where(SQLIDList("sign_in_id", in: ended)).returning("id").all().count
            let signIns = try await sql.delete(from: ApplicationSignIn.schema)
                .where(SQLIDList("id", in: ended)).returning("id").all().count
            return (ended.count, tokens + signIns)
        }
        return codes + signIns
    }
}
