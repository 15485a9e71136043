import Foundation
import SQLKit

/// An application's right holders, and the feed of its grants and revocations that a nightly synchronisation
/// follows with `changed_since`. A position is (instant, grant, change); the feed only gives changes older than
/// `settling` seconds, so that a transaction that committed late with an earlier instant is never jumped over.
/// Replaying a change is harmless (granted to a holder, revoked from someone who holds nothing): synchronisations
/// apply them idempotently.
struct RightChanges {
    static let settling: TimeInterval = 5

    let caller: APICaller
    let application: BusinessApplication
    let now: Date

    /// Where a synchronisation stands: changes strictly after it come next.
    struct Position {
        let instant: Date
        let grant: UUID
        let change: String

        init(instant: Date, grant: UUID, change: String) {
            self.instant = instant
            self.grant = grant
            self.change = change
        }

        /// `<instant>~<grant>~<change>`.
        init(_ cursor: String) throws {
            let parts = cursor.split(separator: "~", omittingEmptySubsequences: false)
            guard parts.count == 3, ["", "granted", "revoked"].contains(parts[2]) else {
                throw Cursor.invalid("changed_since")
            }
            instant = try Cursor.instant(parts[0], field: "changed_since")
            grant = try Cursor.id(String(parts[1]), field: "changed_since")
            change = String(parts[2])
        }

        var cursor: String { "\(Cursor.instant(instant))~\(grant.uuidString.lowercased())~\(change)" }
    }

    /// Where a page of holders starts: `<right>~<instant of the first page>`, so that every page hands over the
    /// same position. By right, not by agent: an agent holding two profiles is two holders.
    struct HolderPosition {
        let grant: UUID
        let snapshot: Date

        init(_ cursor: String) throws {
            let parts = cursor.split(separator: "~")
            guard parts.count == 2 else { throw Cursor.invalid("after") }
            grant = try Cursor.id(String(parts[0]))
            snapshot = try Cursor.instant(parts[1], field: "after")
        }
    }

    /// The holders now, by agent; the last page gives the position to follow the changes from.
    func holders(
        after position: HolderPosition?, limit: PageLimit
    ) async throws
        -> Components.Schemas.RightChangePage
    {
        let after = position?.grant
        let snapshot = position?.snapshot ?? now
        let rows = try await caller.sql.raw(
            """
            SELECT g.id, g.agent_id, a.email, g.granted_at, pr.code AS profile_code
            FROM grants g JOIN agents a ON a.id = g.agent_id
            LEFT JOIN application_profiles pr ON pr.id = g.profile_id
            WHERE g.application_id = \(bind: application.id!) AND g.revoked_at IS NULL
                AND (\(bind: after == nil) OR g.id > \(bind: after ?? UUID()))
            ORDER BY g.id LIMIT \(bind: limit.fetched)
            """
        ).all()
        let items = try rows.map { row in
            (
                try row.decode(column: "id", as: UUID.self),
                Components.Schemas.RightChange(
                    agentId: try row.decode(column: "agent_id", as: UUID.self).uuidString.lowercased(),
                    email: try row.decode(column: "email", as: String.self), application: application.code,
                    profile: try row.decode(column: "profile_code", as: String?.self), change: .held,
                    at: try row.decode(column: "granted_at", as: Date.self))
            )
        }
        let paged = try limit.page(items) { "\($0.0.uuidString.lowercased())~\(Cursor.instant(snapshot))" }
        let page = (items: paged.items.map(\.1), next: paged.next)
        let start = Position(
            instant: snapshot.addingTimeInterval(-Self.settling),
            grant: UUID(uuidString: "00000000-0000-0000-0000-000000000000")!, change: "")
        return .init(items: page.items, next: page.next, changesCursor: page.next == nil ? start.cursor : nil)
    }

    /// The grants and revocations after `position`, oldest first.
    func changes(since position: Position, limit: PageLimit) async throws -> Components.Schemas.RightChangePage {
        let settled = now.addingTimeInterval(-Self.settling)
        let application = application.id!
        // An instant read back from PostgreSQL may come back a microsecond off: within that, the grant and the
        // change order the tie.
        let earlier = position.instant.addingTimeInterval(-0.000_002)
        let later = position.instant.addingTimeInterval(0.000_002)
        let rows = try await caller.sql.raw(
            """
            SELECT c.grant_id, c.agent_id, c.email, c.change, c.at, pr.code AS profile_code FROM (
                SELECT g.id AS grant_id, g.agent_id, a.email, 'granted' AS change, g.granted_at AS at, g.profile_id
                FROM grants g JOIN agents a ON a.id = g.agent_id
                WHERE g.application_id = \(bind: application) AND g.granted_at >= \(bind: earlier)
                UNION ALL
                SELECT g.id, g.agent_id, a.email, 'revoked', g.revoked_at, g.profile_id
                FROM grants g JOIN agents a ON a.id = g.agent_id
                WHERE g.application_id = \(bind: application) AND g.revoked_at >= \(bind: earlier)
            ) c
            LEFT JOIN application_profiles pr ON pr.id = c.profile_id
            WHERE c.at <= \(bind: settled) AND (c.at > \(bind: later)
                OR (c.grant_id > \(bind: position.grant))
                OR (c.grant_id = \(bind: position.grant) AND c.change > \(bind: position.change)))
            ORDER BY c.at, c.grant_id, c.change LIMIT \(bind: limit.fetched)
            """
        ).all()
        var positions: [Position] = []
        let items = try rows.map { row in
            let change = try row.decode(column: "change", as: String.self)
            let at = try row.decode(column: "at", as: Date.self)
            positions.append(
                Position(instant: at, grant: try row.decode(column: "grant_id", as: UUID.self), change: change))
            return Components.Schemas.RightChange(
                agentId: try row.decode(column: "agent_id", as: UUID.self).uuidString.lowercased(),
                email: try row.decode(column: "email", as: String.self), application: self.application.code,
                profile: try row.decode(column: "profile_code", as: String?.self),
                change: change == "granted" ? .granted : .revoked, at: at)
        }
        // Each page's cursor is a position too: `next` and `changes_cursor` are the same kind of value.
        let shown = min(items.count, limit.value)
        let last = shown > 0 ? positions[shown - 1] : position
        if items.count > limit.value {
            return .init(items: Array(items.prefix(limit.value)), next: nil, changesCursor: last.cursor)
                .continued(by: last.cursor)
        }
        return .init(items: items, next: nil, changesCursor: last.cursor)
    }
}

extension Components.Schemas.RightChangePage {
    /// A page of changes with more after it: `next` to follow now (as `changed_since`), no final cursor yet.
    fileprivate func continued(by cursor: String) -> Self {
        .init(items: items, next: cursor, changesCursor: nil)
    }
}
