import Fluent
import Foundation
import Testing
import Vapor

@testable import HabilisApp

/// The sweep's purge of single sign-on: every code redirect writes a code and every refresh a token, so what has
/// expired must go, and nothing a relying party can still use.
@Suite("Single sign-on: the sweep purges expired codes, tokens and sign-ins")
struct SingleSignOnPurgeTests {
    @Test("codes and refresh tokens go a day after they expire, then their sign-in; a live sign-in stays whole")
    func purge() async throws {
        try await withTestApp { context in
            let application = try await RelyingParty.register(context)
            let (agent, _, first) = try await application.signedInTokens()
            let second = try #require(try await application.refresh(first).1["refresh_token"] as? String)
            _ = try await application.code(for: agent)  // never exchanged
            @Sendable func counts() async throws -> [Int] {
                [
                    try await OIDCAuthorizationCode.query(on: context.db).count(),
                    try await OIDCRefreshToken.query(on: context.db).count(),
                    try await ApplicationSignIn.query(on: context.db).count(),
                ]
            }
            #expect(try await context.app.sweep(asOf: context.clock.now).singleSignOnPurged == 0)
            #expect(try await counts() == [2, 2, 1])

            // A day and a minute on: both codes expired over a day ago; the tokens (12 hours) only half a day ago.
            context.clock.advance(by: 24 * 60 * 60 + 61)
            #expect(try await context.app.sweep(asOf: context.clock.now).singleSignOnPurged == 2)
            #expect(try await counts() == [0, 2, 1])
            #expect(try await application.refresh(second).1["error"] as? String == "invalid_grant")

            // Half a day more: the tokens are a day past their end, and the sign-in has none left. A sign-in made
            // now keeps its code, its token and itself, and its token still works.
            context.clock.advance(by: 12 * 60 * 60)
            let live = try await application.signedInTokens().refresh
            #expect(try await context.app.sweep(asOf: context.clock.now).singleSignOnPurged == 3)
            #expect(try await counts() == [1, 1, 1])
            let (refreshed, body) = try await application.refresh(live)
            #expect(refreshed.status == .ok)
            #expect(body["refresh_token"] as? String != nil)
            #expect(try await ApplicationSignIn.query(on: context.db).filter(\.$revokedAt != nil).count() == 0)
        }
    }

    @Test("many expired rows go in batches, each sign-in with all its tokens; the sweep then finds nothing")
    func purgeInBatches() async throws {
        try await withTestApp { context in
            let application = try await RelyingParty.register(context)
            for _ in 0..<3 {
                let (_, _, first) = try await application.signedInTokens()
                _ = try await application.refresh(first)
            }
            #expect(try await OIDCRefreshToken.query(on: context.db).count() == 6)
            context.clock.advance(by: TimeInterval(ClientRegistry.defaultRefreshTokenSeconds + 24 * 60 * 60 + 1))
            let provider = context.app.portal.provider
            // Batches of 2: 3 codes, then 3 sign-ins with their 6 tokens.
            #expect(try await provider.purge(at: context.clock.now, batchSize: 2, on: context.db) == 3 + 6 + 3)
            #expect(try await OIDCAuthorizationCode.query(on: context.db).count() == 0)
            #expect(try await OIDCRefreshToken.query(on: context.db).count() == 0)
            #expect(try await ApplicationSignIn.query(on: context.db).count() == 0)
            #expect(try await provider.purge(at: context.clock.now, batchSize: 2, on: context.db) == 0)
        }
    }

    @Test("the upgrade gives each existing sign-in the end of its refresh tokens, or its start when it has none")
    func deadlineOfExistingSignIns() async throws {
        try await withTestApp { context in
            let application = try await RelyingParty.register(context)
            let (_, _, refresh) = try await application.signedInTokens()
            let signIn = try #require(try await ApplicationSignIn.query(on: context.db).first())
            let token = try #require(
                try await OIDCRefreshToken.query(on: context.db).filter(\.$signIn.$id == signIn.id!).first())
            #expect(signIn.expiresAt == token.expiresAt)
            // A second sign-in whose tokens are gone: the fill falls back to its start.
            context.clock.advance(by: 60)
            _ = try await application.signedInTokens()
            let bare = try #require(
                try await ApplicationSignIn.query(on: context.db).filter(\.$id != signIn.id!).first())
            try await OIDCRefreshToken.query(on: context.db).filter(\.$signIn.$id == bare.id!).delete()
            let migration = AddSignInDeadline()
            // On one connection: across the pool of SQLite's in-memory test database, the connection that added the
            // column back could still see the one the revert dropped ("duplicate column name").
            try await context.db.transaction { database in
                try await migration.revert(on: database)
                try await migration.prepare(on: database)
            }
            #expect(try await ApplicationSignIn.find(signIn.id, on: context.db)?.expiresAt == token.expiresAt)
            #expect(try await ApplicationSignIn.find(bare.id, on: context.db)?.expiresAt == bare.createdAt)
            #expect(try await application.refresh(refresh).0.status == .ok)
        }
    }
}
