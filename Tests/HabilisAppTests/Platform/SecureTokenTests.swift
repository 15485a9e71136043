import Testing

@testable import HabilisApp

@Suite("Secure tokens and their stored hashes")
struct SecureTokenTests {
    @Test("a token is stored as the lower-case hex SHA-256 of its text (FIPS 180-2 test vectors)")
    func hashIsSHA256Hex() {
        #expect(SecureToken.hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SecureToken.hash("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test("a token is 256 random bits in URL-safe base64 without padding, and never comes twice")
    func tokensAreRandom() {
        let tokens = (0..<2_000).map { _ in SecureToken.generate() }
        let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        #expect(tokens.allSatisfy { $0.count == 43 && $0.allSatisfy(alphabet.contains) })
        #expect(Set(tokens).count == tokens.count)
        // Every position takes many values: no byte of the 32 is left constant. The last character carries the
        // last 4 bits only.
        for position in 0..<42 {
            #expect(Set(tokens.map { Array($0)[position] }).count > 16, "position \(position)")
        }
    }
}
