import Vapor

extension Response {
    /// A 302 to `location` (RFC 6749 §4.1.2), never cached: it may carry a code or end a session.
    static func found(_ location: String) -> Response {
        let response = Response(status: .found)
        response.headers.replaceOrAdd(name: .location, value: location)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}

extension OpenIDProvider.TokenError {
    /// RFC 6749 §5.2's JSON answer, never cached; a failed client authentication (401) names the Basic scheme.
    var response: Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = (try? encoder.encode(["error": error, "error_description": description])) ?? Data()
        let response = Response(status: status, body: .init(data: body))
        response.headers.contentType = .json
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        response.headers.replaceOrAdd(name: "Pragma", value: "no-cache")
        if status == .unauthorized {
            response.headers.replaceOrAdd(name: .wwwAuthenticate, value: "Basic realm=\"habilis\"")
        }
        return response
    }
}

extension Request {
    /// Habilis's own page for a protocol request that cannot go on and must not be redirected, status 400.
    func protocolErrorPage(heading: String, message: String) async throws -> Response {
        let page = ErrorPage(
            frame: PageFrame(self, title: heading), heading: heading, message: message, correlationID: nil)
        return self.page(page, status: .badRequest)
    }
}
