import Foundation
import Testing
import Vapor

@testable import HabilisApp

@Suite("Password policy: 12 to 128 characters, no composition rule, common and context words refused")
struct PasswordPolicyTests {
    let policy = PasswordPolicy.load(fromWorkingDirectory: packageRoot)

    @Test("the shipped block list is loaded")
    func blockListLoaded() {
        #expect(policy.commonPasswords.count > 3000)
    }

    @Test("length is counted exactly as typed, between 12 and 128")
    func lengths() {
        #expect(policy.problem(with: "girafe vole!", contextWords: []) == nil)
        #expect(policy.problem(with: "girafe vole", contextWords: [])?.contains("au moins 12") == true)
        #expect(policy.problem(with: String(repeating: "é", count: 11) + " ", contextWords: []) == nil)
        let long = (0..<128).map { String(UnicodeScalar(UInt8(97 + $0 % 26))) }.joined()
        #expect(policy.problem(with: long.shuffledDeterministically(), contextWords: []) == nil)
        #expect(policy.problem(with: long + "x", contextWords: [])?.contains("128") == true)
        #expect(policy.problem(with: "   girafe   ", contextWords: []) == nil)
    }

    @Test(
        "common passwords and their decorated forms are refused",
        arguments: [
            "123456789012", "azertyuiopqs", "motdepasse2024", "password1234!", "aaaaaaaaaaaa", "abcabcabcabc",
            "Soleil2024!!!", "qwerty123456",
        ])
    func common(_ password: String) {
        #expect(policy.problem(with: password, contextWords: [])?.contains("trop courant") == true)
    }

    @Test("the person's name, e-mail, organisme and UCANSS are refused")
    func contextWords() {
        let context = ["Aristide", "Charenne", "a.charenne@lassuranceretraite.fr", "CARSAT Rhône-Alpes"]
        for password in ["charenne et fils!", "ma carsat a moi", "Ucanss pour toujours", "lassuranceretraite99"] {
            #expect(policy.problem(with: password, contextWords: context)?.contains("votre nom") == true)
        }
        #expect(policy.problem(with: "les girafes dansent", contextWords: context) == nil)
    }

    @Test("control characters are refused")
    func controls() {
        #expect(policy.problem(with: "girafe\u{0}vole vite", contextWords: [])?.contains("contrôle") == true)
    }

    @Test("two passwords sharing their first 72 bytes do not match (Bcrypt's limit is handled)")
    func beyond72Bytes() async throws {
        let pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        let hasher = PasswordHasher(cost: 4, threadPool: pool)
        let prefix = String(repeating: "x", count: 80)
        let hash = try await hasher.hash(prefix + "A")
        #expect(try await hasher.verify(prefix + "A", against: hash))
        #expect(try await !hasher.verify(prefix + "B", against: hash))
        try await pool.shutdownGracefully()
    }

    @Test("the decoy hash of unknown accounts is a valid hash at the configured cost that nothing matches")
    func decoyHash() async throws {
        let pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        for cost in [4, 12] {
            let decoy = PasswordHasher(cost: cost, threadPool: pool).decoyHash()
            #expect(decoy.hasPrefix(cost == 4 ? "$2b$04$" : "$2b$12$"))
            #expect(decoy.count == 60)
        }
        let hasher = PasswordHasher(cost: 4, threadPool: pool)
        let decoy = hasher.decoyHash()
        #expect(decoy != hasher.decoyHash())
        for password in ["", "demo-habilis-2026", String(repeating: "é", count: 128)] {
            #expect(try await !hasher.verify(password, against: decoy))
        }
        try await pool.shutdownGracefully()
    }
}

extension String {
    /// A fixed permutation that breaks the alphabetic sequence without randomness.
    fileprivate func shuffledDeterministically() -> String {
        let characters = Array(self)
        return String(characters.enumerated().sorted { ($0.offset * 7) % 128 < ($1.offset * 7) % 128 }.map(\.element))
    }
}
