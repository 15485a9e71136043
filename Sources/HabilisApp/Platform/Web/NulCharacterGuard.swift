import FluentPostgresDriver
import Vapor

/// PostgreSQL cannot hold the NUL character in text: a parameter carrying one made any statement that read or wrote
/// it fail, a 500 where SQLite stored it. It is no character a person types nor any protocol's syntax allows, so a
/// URL with one (`%00`: the HTTP parser already refuses a raw one) is refused with 400 before any handler reads it;
/// `ErrorPageMiddleware` answers in the page's or the program's format. Bodies are checked where they are read:
/// a page's free text by `TextInput` (a message beside the field), a protocol's form by `ProtocolParameters`, SCIM's
/// JSON by `SCIMController`, a CSV import beside its file field.
struct NulCharacterGuard: Middleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        guard !Self.hasEncodedNul(request.url.string.utf8) else {
            return request.eventLoop.makeFailedFuture(Abort(.badRequest, reason: "NUL character"))
        }
        return next.respond(to: request)
    }

    /// Whether `bytes` hold `%00`, the percent-encoding of NUL, or a raw NUL.
    static func hasEncodedNul<Bytes: Collection>(_ bytes: Bytes) -> Bool where Bytes.Element == UInt8 {
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let byte = bytes[index]
            if byte == 0 { return true }
            if byte == UInt8(ascii: "%") {
                let first = bytes.index(after: index)
                if first != bytes.endIndex, bytes[first] == UInt8(ascii: "0") {
                    let second = bytes.index(after: first)
                    if second != bytes.endIndex, bytes[second] == UInt8(ascii: "0") { return true }
                }
            }
            index = bytes.index(after: index)
        }
        return false
    }

    /// PostgreSQL's refusal of a NUL that came by another way (SQLSTATE 22021, `character_not_in_repertoire`): the
    /// request's fault, answered 400 rather than 500. The statement failed whole, so nothing of it was written.
    static func isRefusedByDatabase(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError, error.code == .server else { return false }
        return error.serverInfo?[.sqlState] == "22021"
    }
}
