import Foundation
import Testing

@testable import HabilisApp

@Suite("E-mail addresses are normalised once and checked on unicode scalars")
struct EmailAddressTests {
    @Test("case and surrounding spaces do not make two accounts")
    func normalised() throws {
        #expect(
            try EmailAddress.normalize("  M.Durand@LassuranceRetraite.FR ").get() == "m.durand@lassuranceretraite.fr")
    }

    @Test(
        "CR, LF, controls, non-ASCII domains and bidi characters are refused",
        arguments: [
            "x@caf.fr\r\nBcc: a@evil.example", "x@caf.fr\nBcc: a@evil.example", "x\u{0}@caf.fr", "x@exämple.fr",
            "x\u{202E}@caf.fr", "x@caf", "x@-caf.fr", "x..y@caf.fr", ".x@caf.fr", "x@caf.f1",
        ])
    func refused(_ raw: String) {
        guard case .failure = EmailAddress.normalize(raw) else {
            Issue.record("accepted \(raw.debugDescription)")
            return
        }
    }

    @Test("254 characters at most")
    func length() {
        let local = String(repeating: "a", count: 64)
        let domain = (0..<4).map { _ in String(repeating: "b", count: 60) }.joined(separator: ".") + ".fr"
        #expect(EmailAddress.normalize("\(local)@\(domain)") == .failure(.tooLong))
    }
}
