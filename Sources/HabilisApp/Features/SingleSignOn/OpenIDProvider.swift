import Fluent
import Foundation
import SQLKit
import Vapor

/// The OpenID Connect provider: the door of each application (no right, no code, no token), the authorization
/// codes, and the tokens of the token endpoint. Everything it keeps is in the database, so that any instance
/// answers any step.
public struct OpenIDProvider: Sendable {
    /// An authorization code is valid 60 seconds (RFC 6749 §4.1.2 advises at most 10 minutes).
    static let codeLifetime: TimeInterval = 60

    let clock: any Clock
    let audit: AuditLog
    let keys: SigningKeys
    let clients: ClientRegistry
    /// `HABILIS_BASE_URL`: the `iss` of every token and the base of every endpoint.
    let issuer: String

    var signOut: SingleSignOut { SingleSignOut(clock: clock) }

    // MARK: - The door

    /// Whether an agent may enter a client's application now.
    enum Door: Sendable {
        /// The agent's roles on the application, and who the agent is, for the tokens.
        case open(roles: [String], agent: AgentIdentity)
        /// No active right (or a disabled account, an inactive application); the pending request, if any.
        case closed(application: BusinessApplication, pendingRequest: AccessRequest?)
    }

    /// The right decided in Habilis, read at every authorization, code exchange, refresh and userinfo call, in one
    /// statement with what the tokens say of the agent (one row per right held: one per profile). A right past its
    /// end is closed at once, before the sweep records its ending. The roles are the codes of the profiles held, or
    /// the application's code when it has no profiles.
    func door(agentID: UUID, application: BusinessApplication, on database: any Database) async throws -> Door {
        let rows = try await (database as! any SQLDatabase).prepared(
            doorQuery(from: "agents a", where: "a.id = \(bind: agentID)", application: application)
        ).all()
        return try await door(of: agentID, rows, application: application, on: database)
    }

    /// A sign-in of `client` that still stands (not revoked) and the door of its agent, read together: userinfo and
    /// introspection need both. Another client's sign-in does not stand for this one.
    func standingSignIn(
        _ id: UUID, of client: OIDCClient, on database: any Database
    ) async throws
        -> (signIn: ApplicationSignIn, door: Door)?
    {
        try await standingSignIn(from: "application_sign_ins s", where: "s.id = \(bind: id)", of: client, on: database)
    }

    /// The standing sign-in of `client` that a refresh token still unused and unexpired belongs to, and the door of
    /// the agent, in one statement: what a refresh needs before it takes the token.
    private func standingSignIn(
        ofRefreshToken hash: String, of client: OIDCClient, on database: any Database
    ) async throws
        -> (signIn: ApplicationSignIn, door: Door)?
    {
        try await standingSignIn(
            from: "oidc_refresh_tokens t JOIN application_sign_ins s ON s.id = t.sign_in_id",
            where: "t.token_hash = \(bind: hash) AND t.used_at IS NULL AND t.expires_at > \(bind: clock.now)",
            of: client, on: database)
    }

    /// The sign-in `s` that `source` and `condition` find, if it stands for `client`, with its agent's door.
    private func standingSignIn(
        from source: SQLQueryString, where condition: SQLQueryString, of client: OIDCClient,
        on database: any Database
    ) async throws -> (signIn: ApplicationSignIn, door: Door)? {
        let rows = try await (database as! any SQLDatabase).prepared(
            doorQuery(
                from: source + " JOIN agents a ON a.id = s.agent_id",
                where: condition + " AND s.revoked_at IS NULL AND s.client_id = \(bind: client.id!)",
                application: client.application,
                columns: """
                     s.id AS sign_in_id, s.agent_id AS sign_in_agent_id, s.session_id AS sign_in_session_id,
                        s.scope AS sign_in_scope, s.auth_time AS sign_in_auth_time, s.amr AS sign_in_amr,
                        s.created_at AS sign_in_created_at, s.expires_at AS sign_in_expires_at,
                    """)
        ).all()
        guard let row = rows.first else { return nil }
        let signIn = ApplicationSignIn()
        signIn.id = try row.decode(column: "sign_in_id", as: UUID.self)
        signIn.$client.id = client.id!
        signIn.$agent.id = try row.decode(column: "sign_in_agent_id", as: UUID.self)
        signIn.sessionID = try row.decode(column: "sign_in_session_id", as: UUID?.self)
        signIn.scope = try row.decode(column: "sign_in_scope", as: String.self)
        signIn.authTime = try row.decode(column: "sign_in_auth_time", as: Date.self)
        signIn.amr = try row.decode(column: "sign_in_amr", as: String.self)
        signIn.createdAt = try row.decode(column: "sign_in_created_at", as: Date.self)
        signIn.expiresAt = try row.decode(column: "sign_in_expires_at", as: Date.self)
        return (signIn, try await door(of: signIn.$agent.id, rows, application: client.application, on: database))
    }

    /// The door's statement for the agent `a` that `source` and `condition` find, after `columns` of their own.
    private func doorQuery(
        from source: SQLQueryString, where condition: SQLQueryString, application: BusinessApplication,
        columns: SQLQueryString = ""
    ) -> SQLQueryString {
        """
        SELECT \(columns) a.status AS agent_status, a.email, a.first_name, a.last_name,
            o.code AS organisation_code, o.name AS organisation_name, g.id AS grant_id, pr.code AS profile_code
        FROM \(source) JOIN organisations o ON o.id = a.organisation_id
        LEFT JOIN grants g ON g.agent_id = a.id AND g.application_id = \(bind: application.id!)
            AND g.revoked_at IS NULL AND (g.expires_at IS NULL OR g.expires_at > \(bind: clock.now))
        LEFT JOIN application_profiles pr ON pr.id = g.profile_id
        WHERE \(condition)
        ORDER BY pr.position, pr.code
        """
    }

    /// The door the rows of `doorQuery` open or close; a closed door looks for the pending request.
    private func door(
        of agentID: UUID, _ rows: [any SQLRow], application: BusinessApplication, on database: any Database
    ) async throws -> Door {
        if let row = rows.first,
            try row.decode(column: "agent_status", as: String.self) == Agent.Status.active.rawValue,
            try rows.contains(where: { try $0.decode(column: "grant_id", as: UUID?.self) != nil }), application.isActive
        {
            let profiles = try rows.compactMap { try $0.decode(column: "profile_code", as: String?.self) }
            return .open(
                roles: profiles.isEmpty ? [application.code] : profiles,
                agent: try AgentIdentity(id: agentID, row: row))
        }
        let pending = try await AccessRequest.query(on: database)
            .filter(\.$agent.$id == agentID).filter(\.$application.$id == application.id!)
            .filter(\.$status == .pending).first()
        return .closed(application: application, pendingRequest: pending)
    }

    // MARK: - Authorization codes

    /// A code for a signed-in agent at an open door; returns the redirect to the client.
    func issueCode(
        for request: AuthorizationRequest, session: UserSession, by context: AuditContext, on database: any Database
    ) async throws -> String {
        let code = SecureToken.generate()
        let scope = request.scopes.joined(separator: " ")
        let now = clock.now
        // SQL text: the code redirect is the busiest step of single sign-on, and a model's reflective encoding
        // cost more than the insert. The code and its audit event are one statement on PostgreSQL.
        try await database.writeTogether([
            """
            INSERT INTO oidc_authorization_codes (id, code_hash, client_id, agent_id, session_id, redirect_uri,
                scope, nonce, code_challenge, auth_time, amr, created_at, expires_at)
            VALUES (\(bind: UUID.timeOrdered()), \(bind: SecureToken.hash(code)), \(bind: request.client.id!),
                \(bind: session.$agent.id), \(bind: session.id!), \(bind: request.redirectURI), \(bind: scope),
                \(bind: request.nonce), \(bind: request.codeChallenge), \(bind: session.createdAt), \(bind: session.amr),
                \(bind: now), \(bind: now.addingTimeInterval(Self.codeLifetime)))
            """,
            audit.insert(
                .oidcAuthorized, by: context, target: ("oidc_client", request.client.clientID),
                details: ["application": request.client.application.code, "scope": scope]),
        ])
        return request.redirectURI.adding([("code", code), ("state", request.state), ("iss", issuer)])
    }

    /// The redirect that tells the client why no code came (RFC 6749 §4.1.2.1), with the RFC 9207 `iss`.
    func errorRedirect(to redirectURI: String, error: String, description: String, state: String?) -> String {
        redirectURI.adding([
            ("error", error), ("error_description", description), ("state", state), ("iss", issuer),
        ])
    }

    // MARK: - Tokens

    /// The token endpoint's answer (RFC 6749 §5.1, OIDC Core §3.1.3.3).
    struct TokenResponse: Content, Equatable {
        let accessToken: String
        let tokenType: String
        let expiresIn: Int
        let idToken: String
        let refreshToken: String
        let scope: String

        private enum CodingKeys: String, CodingKey {
            case accessToken = "access_token"
            case tokenType = "token_type"
            case expiresIn = "expires_in"
            case idToken = "id_token"
            case refreshToken = "refresh_token"
            case scope
        }
    }

    /// An error of the token endpoint (RFC 6749 §5.2).
    struct TokenError: Error, Equatable {
        let error: String
        let description: String
        var status: HTTPResponseStatus = .badRequest

        static func invalidGrant(_ description: String) -> TokenError {
            TokenError(error: "invalid_grant", description: description)
        }

        static func invalidRequest(_ description: String) -> TokenError {
            TokenError(error: "invalid_request", description: description)
        }
    }

    /// `grant_type=authorization_code`: a code is exchanged once, by its client, with its redirect URI and PKCE
    /// verifier; a code that comes back revokes everything issued from it (RFC 6749 §4.1.2).
    func exchange(
        code: String?, redirectURI: String?, verifier: String?, client: OIDCClient, ip: String?,
        on database: any Database
    ) async throws -> Result<TokenResponse, TokenError> {
        guard let code, code.utf8.count <= 200 else {
            return .failure(.invalidRequest("code is missing"))
        }
        let sql = database as! any SQLDatabase
        let now = clock.now
        let hash = SecureToken.hash(code)
        // One statement claims the code: two exchanges at the same instant cannot both succeed.
        let claimed = try await sql.prepared(
            """
            UPDATE oidc_authorization_codes SET used_at = \(bind: now)
            WHERE code_hash = \(bind: hash) AND used_at IS NULL
            RETURNING id
            """
        ).first()
        guard claimed != nil,
            let row = try await OIDCAuthorizationCode.query(on: database).filter(\.$codeHash == hash).first()
        else {
            // Marked in the same statement that reads its sign-in: an exchange of it still writing its tokens
            // either committed them already (revoked here) or will find the mark and give them up.
            if let replayed = try await sql.prepared(
                """
                UPDATE oidc_authorization_codes SET replayed_at = \(bind: now)
                WHERE code_hash = \(bind: hash)
                RETURNING sign_in_id
                """
            ).first() {
                try await revoke(
                    signIn: try replayed.decode(column: "sign_in_id", as: UUID?.self), because: .oidcCodeReused,
                    client: client, ip: ip, on: database)
            }
            return .failure(.invalidGrant("the code is unknown or was already used"))
        }
        guard row.$client.id == client.id else {
            return .failure(.invalidGrant("the code was issued to another client"))
        }
        guard row.expiresAt > now else { return .failure(.invalidGrant("the code has expired")) }
        guard redirectURI == row.redirectURI else {
            return .failure(.invalidGrant("redirect_uri differs from the authorization request's"))
        }
        switch (row.codeChallenge, verifier) {
        case (let challenge?, let verifier?) where AuthorizationRequest.verifier(verifier, matches: challenge): break
        case (nil, nil): break
        case (_?, nil): return .failure(.invalidRequest("code_verifier is missing"))
        default: return .failure(.invalidGrant("code_verifier does not match the code challenge"))
        }
        guard
            case .open(let roles, let agent) = try await door(
                agentID: row.$agent.id, application: client.application, on: database)
        else { return .failure(.invalidGrant("the agent has no right on this application")) }
        let signIn = ApplicationSignIn()
        signIn.$client.id = client.id!
        signIn.$agent.id = row.$agent.id
        signIn.sessionID = row.sessionID
        signIn.scope = row.scope
        signIn.authTime = row.authTime
        signIn.amr = row.amr
        signIn.createdAt = now
        signIn.expiresAt = now.addingTimeInterval(TimeInterval(client.refreshTokenSeconds))
        let refreshToken: String
        do {
            refreshToken = try await database.atomically { transaction in
                try await holdDoor(of: row, application: client.application, on: transaction)
                try await signIn.create(on: transaction)
                try await attach(signIn, toCode: row, on: transaction)
                try await audit.record(
                    .oidcTokensIssued, by: AuditContext(actorID: row.$agent.id, ip: ip),
                    target: ("oidc_client", client.clientID), details: ["application": client.application.code],
                    on: transaction)
                return try await issueRefreshToken(for: signIn, on: transaction)
            }
        } catch let refused as ExchangeRefused {
            switch refused {
            case .codeReplayed: return .failure(.invalidGrant("the code was used twice"))
            case .sessionEnded: return .failure(.invalidGrant("the agent's session has ended"))
            case .doorClosed: return .failure(.invalidGrant("the agent has no right on this application"))
            }
        }
        return .success(
            try await tokens(
                for: signIn, agent: agent, client: client, roles: roles, nonce: row.nonce, refreshToken: refreshToken,
                on: database))
    }

    /// `grant_type=refresh_token`: rotated at each use; an old one that comes back revokes the whole sign-in.
    /// The door is checked again: a revoked right ends the application's access at its next refresh.
    func refresh(
        token: String?, client: OIDCClient, ip: String?, on database: any Database
    ) async throws
        -> Result<TokenResponse, TokenError>
    {
        guard let token, token.utf8.count <= 200 else {
            return .failure(.invalidRequest("refresh_token is missing"))
        }
        let now = clock.now
        let hash = SecureToken.hash(token)
        // The token taken, only if still unused: two refreshes with one token cannot both succeed.
        let take: SQLQueryString = """
            UPDATE oidc_refresh_tokens SET used_at = \(bind: now)
            WHERE token_hash = \(bind: hash) AND used_at IS NULL
            RETURNING id
            """
        // Read first, then take the token together with what the answer writes: one statement on PostgreSQL, one
        // commit on SQLite (where every commit waits for the disk, so the refresh rate is the commit rate).
        guard let (signIn, door) = try await standingSignIn(ofRefreshToken: hash, of: client, on: database)
        else { return .failure(try await refusedRefresh(hash, client: client, ip: ip, on: database)) }
        let context = AuditContext(actorID: signIn.$agent.id, ip: ip)
        guard case .open(let roles, let agent) = door else {
            // Taken all the same: a refused refresh token does not come back.
            _ = try await database.claimThenInsert(
                take,
                [
                    audit.insert(
                        .oidcDoorClosed, outcome: "refused", by: context, target: ("oidc_client", client.clientID),
                        details: ["application": client.application.code, "step": "refresh"])
                ])
            return .failure(.invalidGrant("the agent has no right on this application"))
        }
        let next = SecureToken.generate()
        guard
            try await database.claimThenInsert(
                take,
                [
                    audit.insert(.oidcTokensRefreshed, by: context, target: ("oidc_client", client.clientID)),
                    refreshTokenInsert(next, for: signIn),
                ])
        else { return .failure(try await refusedRefresh(hash, client: client, ip: ip, on: database)) }
        return .success(
            try await tokens(
                for: signIn, agent: agent, client: client, roles: roles, nonce: nil, refreshToken: next,
                on: database))
    }

    /// Why a refresh token that is not standing for this client is refused. One used already (even an instant ago,
    /// by a refresh running alongside) revokes its whole sign-in; unknown, expired, revoked or another client's
    /// token are refused alike.
    private func refusedRefresh(
        _ hash: String, client: OIDCClient, ip: String?, on database: any Database
    ) async throws -> TokenError {
        if let used = try await OIDCRefreshToken.query(on: database).filter(\.$tokenHash == hash)
            .filter(\.$usedAt != nil).first()
        {
            try await revoke(
                signIn: used.$signIn.id, because: .oidcRefreshTokenReused, client: client, ip: ip, on: database)
        }
        return .invalidGrant("the refresh token is unknown, expired, revoked or was already used")
    }

    /// The claims of a valid access token whose sign-in still stands and whose door is still open, or nil.
    func identity(
        ofAccessToken token: String, on database: any Database
    ) async throws
        -> (claims: IdentityClaims, access: AccessTokenClaims)?
    {
        guard let access = try await keys.verify(token, as: AccessTokenClaims.self, on: database),
            access.iss == issuer, access.exp > Int(clock.now.timeIntervalSince1970),
            let signInID = UUID(uuidString: access.sid),
            let client = try await clients.find(access.clientID, on: database),
            let (_, door) = try await standingSignIn(signInID, of: client, on: database),
            case .open(let roles, let agent) = door
        else { return nil }
        let claims = IdentityClaims(agent: agent, roles: roles, scopes: access.scope.spaceSeparated)
        return (claims, access)
    }

    // MARK: - Pieces

    private func issueRefreshToken(for signIn: ApplicationSignIn, on database: any Database) async throws -> String {
        let token = SecureToken.generate()
        try await (database as! any SQLDatabase).prepared(refreshTokenInsert(token, for: signIn)).run()
        return token
    }

    /// The row of a refresh token: its hash only, never the token. It ends with its sign-in.
    private func refreshTokenInsert(_ token: String, for signIn: ApplicationSignIn) -> SQLQueryString {
        """
        INSERT INTO oidc_refresh_tokens (id, token_hash, sign_in_id, created_at, expires_at)
        SELECT \(bind: UUID.timeOrdered()), \(bind: SecureToken.hash(token)), \(bind: signIn.id!),
            \(bind: clock.now), \(bind: signIn.expiresAt)
        """
    }

    /// The signed ID and access tokens of a sign-in.
    private func tokens(
        for signIn: ApplicationSignIn, agent: AgentIdentity, client: OIDCClient, roles: [String], nonce: String?,
        refreshToken: String, on database: any Database
    ) async throws -> TokenResponse {
        let now = Int(clock.now.timeIntervalSince1970)
        let identity = IdentityClaims(agent: agent, roles: roles, scopes: signIn.scope.spaceSeparated)
        let algorithm = SigningKeys.Algorithm(rawValue: client.signingAlgorithm) ?? .rs256
        let idToken = IDTokenClaims(
            iss: issuer, aud: client.clientID, exp: now + client.idTokenSeconds, iat: now,
            authTime: Int(signIn.authTime.timeIntervalSince1970), nonce: nonce, amr: signIn.amr.spaceSeparated,
            sid: signIn.id!.uuidString.lowercased(), identity: identity)
        let access = AccessTokenClaims(
            iss: issuer, sub: identity.sub, aud: client.clientID, clientID: client.clientID,
            exp: now + client.accessTokenSeconds, iat: now, jti: SecureToken.generate(), scope: signIn.scope,
            authTime: Int(signIn.authTime.timeIntervalSince1970), sid: signIn.id!.uuidString, roles: roles)
        return TokenResponse(
            accessToken: try await keys.sign(access, with: algorithm, type: "at+jwt", on: database),
            tokenType: "Bearer", expiresIn: client.accessTokenSeconds,
            idToken: try await keys.sign(idToken, with: algorithm, type: "JWT", on: database),
            refreshToken: refreshToken, scope: signIn.scope)
    }

    /// Why an exchange that passed its checks gives its tokens up as it writes them.
    private enum ExchangeRefused: Error {
        /// The code came back meanwhile.
        case codeReplayed
        /// The session the code was issued in has ended (sign-out, « Mes sessions », an administrator).
        case sessionEnded
        /// The right or the account ended after the door was read.
        case doorClosed
    }

    /// Fails unless the code's session, the agent's account and a right on `application` still stand, and holds
    /// them until the transaction ends. Ending any of them revokes the sign-ins it opened, so a sign-in written just
    /// after would stand with no logout token ever owed for it. On PostgreSQL the shared locks make the sign-out,
    /// the right's end or the account's suspension wait for the sign-in they must revoke; SQLite's single writer
    /// refuses this transaction if one of them committed after its reads, and `atomically` runs it again.
    private func holdDoor(
        of code: OIDCAuthorizationCode, application: BusinessApplication, on transaction: any Database
    ) async throws {
        let sql = transaction as! any SQLDatabase
        let onPostgres = sql.dialect.isPostgreSQL
        // A sign-out deletes the session, which KEY SHARE holds off, while the session's minute touch goes on.
        let session = try await sql.raw(
            "SELECT id FROM user_sessions WHERE id = \(bind: code.sessionID) \(onPostgres ? "FOR KEY SHARE" : "")"
        ).first()
        guard session != nil else { throw ExchangeRefused.sessionEnded }
        let rights = try await sql.raw(
            """
            SELECT g.id FROM grants g JOIN agents a ON a.id = g.agent_id
            WHERE g.agent_id = \(bind: code.$agent.id) AND g.application_id = \(bind: application.id!)
                AND g.revoked_at IS NULL AND (g.expires_at IS NULL OR g.expires_at > \(bind: clock.now))
                AND a.status = \(bind: Agent.Status.active.rawValue)
            \(onPostgres ? "FOR SHARE" : "")
            """
        ).all()
        guard !rights.isEmpty else { throw ExchangeRefused.doorClosed }
    }

    /// Records on the code the sign-in its exchange opens, unless the code came back meanwhile.
    private func attach(
        _ signIn: ApplicationSignIn, toCode code: OIDCAuthorizationCode, on transaction: any Database
    ) async throws {
        let attached = try await (transaction as! any SQLDatabase).prepared(
            """
            UPDATE oidc_authorization_codes SET sign_in_id = \(bind: signIn.id!)
            WHERE id = \(bind: code.id!) AND replayed_at IS NULL
            RETURNING id
            """
        ).first()
        guard attached != nil else { throw ExchangeRefused.codeReplayed }
    }

    /// Revokes a sign-in and so every token of it; audited as `action`.
    private func revoke(
        signIn id: UUID?, because action: AuditAction, client: OIDCClient, ip: String?, on database: any Database
    ) async throws {
        if let id {
            try await (database as! any SQLDatabase).raw(
                "UPDATE application_sign_ins SET revoked_at = \(bind: clock.now) WHERE id = \(bind: id) AND revoked_at IS NULL"
            ).run()
        }
        try await audit.record(
            action, outcome: "refused", by: AuditContext(actorID: nil, ip: ip),
            target: ("oidc_client", client.clientID), details: ["sign_in": id?.uuidString ?? ""], on: database)
    }
}
