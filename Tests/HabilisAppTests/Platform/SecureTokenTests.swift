import Testing

@testable import HabilisApp

@Suite("Stored token hashes")
struct SecureTokenTests {
    @Test("a token is stored as the lower-case hex SHA-256 of its text (FIPS 180-2 test vectors)")
    func hashIsSHA256Hex() {
        #expect(SecureToken.hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SecureToken.hash("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }
}
