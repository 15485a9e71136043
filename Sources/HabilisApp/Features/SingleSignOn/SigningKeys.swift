import CryptoExtras
import Fluent
import Foundation
import JWTKit
import NIOConcurrencyHelpers
import SQLKit

/// The keys the provider signs ID and access tokens with, kept in the database so that every instance signs and
/// verifies with the same ones. One key per algorithm signs at a time; a rotated key is published first and signs
/// only after `publicationDelay`, and a superseded key stays published until every token it signed has expired.
/// `alg=none` and HMAC are never accepted: the collection holds only these RSA and P-256 keys.
public struct SigningKeys: Sendable {
    public enum Algorithm: String, Sendable, CaseIterable {
        case rs256 = "RS256"
        case es256 = "ES256"
    }

    /// The longest life of a token a key signs (the bound of the clients' token lifetimes).
    static let longestTokenLifetime: TimeInterval = 60 * 60
    /// Instances reread the list of keys this often (one small query); keys are parsed again only when it changes.
    static let cacheLifetime: TimeInterval = 5

    let clock: any Clock
    /// How long a rotated key is published before it signs: relying parties that cache the JWKS have met it.
    let publicationDelay: TimeInterval
    private let cache = NIOLockedValueBox<Loaded?>(nil)
    private let publicKeys = NIOLockedValueBox<[String: [String: String]]>([:])

    init(clock: any Clock, publicationDelay: TimeInterval = 10 * 60) {
        self.clock = clock
        self.publicationDelay = publicationDelay
    }

    /// The keys as read at `loadedAt`, parsed once.
    struct Loaded: Sendable {
        let loadedAt: Date
        let keys: [OIDCSigningKey.Snapshot]
        let collection: JWTKeyCollection
    }

    /// Creates a signing key for each algorithm that has none: at the start of a server, which refuses to start
    /// when it cannot. Two instances starting together may both create one; both are published, the newer signs.
    public func ensure(on database: any Database) async throws {
        let keys = try await OIDCSigningKey.query(on: database).all()
        for algorithm in Algorithm.allCases
        where !keys.contains(where: { $0.algorithm == algorithm.rawValue && $0.signsFrom <= clock.now }) {
            try await create(algorithm, signsFrom: clock.now, on: database)
        }
        cache.withLockedValue { $0 = nil }
    }

    /// `habilis oidc-keys rotate`: a new key for `algorithm`, published now, signing after the publication delay
    /// (or `signsIn` seconds). Keys superseded for longer than any token lives are deleted.
    @discardableResult
    public func rotate(
        _ algorithm: Algorithm, signsIn: TimeInterval? = nil, on database: any Database
    ) async throws
        -> OIDCSigningKey.Snapshot
    {
        let key = try await create(
            algorithm, signsFrom: clock.now.addingTimeInterval(signsIn ?? publicationDelay), on: database)
        let published = Set(Self.published(try await snapshots(on: database), at: clock.now).map(\.kid))
        try await OIDCSigningKey.query(on: database).filter(\.$kid !~ published).delete()
        cache.withLockedValue { $0 = nil }
        return key
    }

    /// The keys of the JWKS, read from the database at each call (never from an instance's cache): a key another
    /// instance has just created is published at once.
    public func published(on database: any Database) async throws -> [OIDCSigningKey.Snapshot] {
        Self.published(try await snapshots(on: database), at: clock.now)
    }

    /// The JWKS: the published keys' public halves, each computed once per instance.
    public func jwks(on database: any Database) async throws -> [[String: String]] {
        try await published(on: database).map { key in
            if let known = publicKeys.withLockedValue({ $0[key.kid] }) { return known }
            let jwk = try key.publicJWK()
            publicKeys.withLockedValue { $0[key.kid] = jwk }
            return jwk
        }
    }

    /// Signs `payload` with the key of `algorithm` that signs now.
    func sign(
        _ payload: some JWTPayload, with algorithm: Algorithm, type: String, on database: any Database
    )
        async throws -> String
    {
        var loaded = try await loaded(on: database)
        if Self.signer(of: algorithm, in: loaded.keys, at: clock.now) == nil {
            try await ensure(on: database)
            loaded = try await self.loaded(on: database)
        }
        guard let key = Self.signer(of: algorithm, in: loaded.keys, at: clock.now) else {
            throw SigningKeyMissing()
        }
        var header = JWTHeader()
        header.typ = type
        return try await loaded.collection.sign(payload, kid: JWKIdentifier(string: key.kid), header: header)
    }

    /// The payload of a token one of the published keys signed, or nil: a bad signature, an unknown or withdrawn
    /// key, another algorithm than the key's, a malformed token. Claims are the caller's to check.
    func verify<Payload: JWTPayload>(
        _ token: String, as type: Payload.Type, on database: any Database
    ) async throws
        -> Payload?
    {
        guard token.utf8.count <= 16_384 else { return nil }
        var loaded = try await loaded(on: database)
        if let kid = Self.kid(of: token), !loaded.keys.contains(where: { $0.kid == kid }) {
            // A key another instance has just created.
            cache.withLockedValue { $0 = nil }
            loaded = try await self.loaded(on: database)
        }
        guard let kid = Self.kid(of: token),
            Self.published(loaded.keys, at: clock.now).contains(where: { $0.kid == kid })
        else { return nil }
        return try? await loaded.collection.verify(token, as: type)
    }

    // MARK: - Storage

    @discardableResult
    private func create(
        _ algorithm: Algorithm, signsFrom: Date, on database: any Database
    ) async throws
        -> OIDCSigningKey.Snapshot
    {
        let key = OIDCSigningKey()
        key.kid = "\(algorithm.rawValue.lowercased())-\(SecureToken.generate().prefix(16))"
        key.algorithm = algorithm.rawValue
        key.privateKeyPEM =
            switch algorithm {
            case .rs256: try _RSA.Signing.PrivateKey(keySize: .bits2048).pemRepresentation
            case .es256: ES256PrivateKey().pemRepresentation
            }
        key.createdAt = clock.now
        key.signsFrom = signsFrom
        try await key.create(on: database)
        return key.snapshot
    }

    private func snapshots(on database: any Database) async throws -> [OIDCSigningKey.Snapshot] {
        try await OIDCSigningKey.query(on: database).sort(\.$signsFrom).all().map(\.snapshot)
    }

    private func loaded(on database: any Database) async throws -> Loaded {
        let now = clock.now
        if let cached = cache.withLockedValue({ $0 }), now.timeIntervalSince(cached.loadedAt) < Self.cacheLifetime,
            now >= cached.loadedAt
        {
            return cached
        }
        let keys = try await snapshots(on: database)
        if let cached = cache.withLockedValue({ $0 }), cached.keys.map(\.kid) == keys.map(\.kid) {
            let renewed = Loaded(loadedAt: now, keys: keys, collection: cached.collection)
            cache.withLockedValue { $0 = renewed }
            return renewed
        }
        let collection = JWTKeyCollection()
        for key in keys {
            let kid = JWKIdentifier(string: key.kid)
            switch Algorithm(rawValue: key.algorithm) {
            case .rs256:
                await collection.add(
                    rsa: try Insecure.RSA.PrivateKey(pem: key.privateKeyPEM), digestAlgorithm: .sha256, kid: kid)
            case .es256: await collection.add(ecdsa: try ES256PrivateKey(pem: key.privateKeyPEM), kid: kid)
            case nil: continue
            }
        }
        let loaded = Loaded(loadedAt: now, keys: keys, collection: collection)
        cache.withLockedValue { $0 = loaded }
        return loaded
    }

    // MARK: - Rules

    /// The newest key of `algorithm` whose time to sign has come.
    static func signer(
        of algorithm: Algorithm, in keys: [OIDCSigningKey.Snapshot], at now: Date
    )
        -> OIDCSigningKey.Snapshot?
    {
        keys.filter { $0.algorithm == algorithm.rawValue && $0.signsFrom <= now }.max { $0.signsFrom < $1.signsFrom }
    }

    /// Keys that sign, will sign, or signed tokens that may still be alive.
    static func published(_ keys: [OIDCSigningKey.Snapshot], at now: Date) -> [OIDCSigningKey.Snapshot] {
        keys.filter { key in
            guard key.signsFrom <= now else { return true }
            let successor = keys.filter {
                $0.algorithm == key.algorithm && $0.signsFrom > key.signsFrom && $0.signsFrom <= now
            }.map(\.signsFrom).min()
            guard let successor else { return true }
            return now.timeIntervalSince(successor) < longestTokenLifetime
        }
    }

    /// The `kid` of a token's header, read without trusting it.
    static func kid(of token: String) -> String? {
        guard let header = token.split(separator: ".", omittingEmptySubsequences: false).first,
            let data = Data(base64URLEncoded: String(header)),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return nil }
        return object["kid"] as? String
    }
}

extension OIDCSigningKey {
    /// The row as a value, to be cached across requests.
    public struct Snapshot: Sendable {
        public let kid: String
        public let algorithm: String
        let privateKeyPEM: String
        public let createdAt: Date
        public let signsFrom: Date

        /// The public half as a JSON Web Key (RFC 7517), for the JWKS.
        func publicJWK() throws -> [String: String] {
            switch SigningKeys.Algorithm(rawValue: algorithm) {
            case .rs256:
                let (modulus, exponent) = try Insecure.RSA.PrivateKey(pem: privateKeyPEM).publicKey.getKeyPrimitives()
                return [
                    "kty": "RSA", "use": "sig", "alg": algorithm, "kid": kid, "n": modulus.base64URLEncodedString(),
                    "e": exponent.base64URLEncodedString(),
                ]
            case .es256:
                let (x, y) = try ES256PrivateKey(pem: privateKeyPEM).publicKey.parameters ?? ("", "")
                return ["kty": "EC", "use": "sig", "alg": algorithm, "kid": kid, "crv": "P-256", "x": x, "y": y]
            case nil:
                return [:]
            }
        }
    }

    var snapshot: Snapshot {
        Snapshot(
            kid: kid, algorithm: algorithm, privateKeyPEM: privateKeyPEM, createdAt: createdAt, signsFrom: signsFrom)
    }
}

/// No key could be created to sign with (the database refuses writes).
struct SigningKeyMissing: Error {}
