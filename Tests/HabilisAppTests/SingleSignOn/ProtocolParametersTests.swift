import Testing

@testable import HabilisApp

/// Protocol parameters are read by hand (RFC 6749 §3.1, HTML's form encoding): these are the rules the
/// authorization, token, revocation and introspection endpoints rely on.
@Suite("Single sign-on: protocol parameters")
struct ProtocolParametersTests {
    @Test("`+` is a space and percent-escapes are decoded, in names and values; plain text is kept as it is")
    func formDecoding() {
        let parameters = ProtocolParameters(
            encoded: "scope=openid+profile&redirect_uri=https%3A%2F%2Frp.example%2Fcb%3Fa%3D1&state=%C3%A9t%C3%A9"
                + "&na%6De=value&plain=abc-._~123&plus=%2B")
        #expect(parameters["scope"] == "openid profile")
        #expect(parameters["redirect_uri"] == "https://rp.example/cb?a=1")
        #expect(parameters["state"] == "été")
        #expect(parameters["name"] == "value")
        #expect(parameters["plain"] == "abc-._~123")
        #expect(parameters["plus"] == "+")
        #expect(!parameters.isMalformed)
        #expect(parameters.repeated.isEmpty)
    }

    @Test("a bad escape or one that is not UTF-8 makes the request malformed; a name given twice is repeated")
    func refusals() {
        #expect(ProtocolParameters(encoded: "state=%zz").isMalformed)
        #expect(ProtocolParameters(encoded: "state=%C3").isMalformed)
        #expect(ProtocolParameters(encoded: "st%FFate=x").isMalformed)
        let twice = ProtocolParameters(encoded: "client_id=a&client_id=b&empty=")
        #expect(twice.repeated == ["client_id"])
        #expect(twice["empty"] == nil)
    }
}
