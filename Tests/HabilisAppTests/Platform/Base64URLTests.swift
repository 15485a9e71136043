import Foundation
import Testing

@testable import HabilisApp

@Suite("URL-safe base64")
struct Base64URLTests {
    @Test("RFC 4648 §10 vectors without padding, '-' and '_' for '+' and '/', and back")
    func vectors() {
        let vectors: [(String, String)] = [
            ("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ]
        for (plain, encoded) in vectors {
            #expect(Data(plain.utf8).base64URLEncodedString() == encoded)
            #expect(Data(base64URLEncoded: encoded) == Data(plain.utf8))
        }
        let awkward = Data([0xFB, 0xFF, 0xBF, 0x3E])
        #expect(awkward.base64URLEncodedString() == "-_-_Pg")
        #expect(Data(base64URLEncoded: "-_-_Pg") == awkward)
    }
}
