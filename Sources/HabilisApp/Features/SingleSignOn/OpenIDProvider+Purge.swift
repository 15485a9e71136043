import Fluent
import Foundation
import SQLKit

/// What single sign-on stops needing. Every code redirect writes a code and every refresh a token, so without the
/// sweep's purge these tables would grow by the federation's traffic for ever (a million rows a day is plausible).
extension OpenIDProvider {
    /// Codes and refresh tokens are kept a day past their end: instances whose clocks disagree a little still refuse
    /// a late one as expired (a used one as reused), not as unknown.
    static let keptAfterExpiry: TimeInterval = 24 * 60 * 60

    /// Deletes the codes and refresh tokens expired for a day, then the sign-ins older than a day left with no
    /// refresh token: no token can reach them, and their portal session, which lasts 12 hours at most, has ended,
    /// so no back-channel logout can be owed for them. Returns how many rows went.
    func purge(at instant: Date, on database: any Database) async throws -> Int {
        let sql = database as! any SQLDatabase
        let expiredBefore = instant.addingTimeInterval(-Self.keptAfterExpiry)
        let codes = try await sql.raw(
            "DELETE FROM oidc_authorization_codes WHERE expires_at < \(bind: expiredBefore) RETURNING id"
        ).all().count
        let tokens = try await sql.raw(
            "DELETE FROM oidc_refresh_tokens WHERE expires_at < \(bind: expiredBefore) RETURNING id"
        ).all().count
        let signIns = try await sql.raw(
            """
            DELETE FROM application_sign_ins
            WHERE created_at < \(bind: expiredBefore)
                AND NOT EXISTS (SELECT 1 FROM oidc_refresh_tokens t WHERE t.sign_in_id = application_sign_ins.id)
            RETURNING id
            """
        ).all().count
        return codes + tokens + signIns
    }
}
