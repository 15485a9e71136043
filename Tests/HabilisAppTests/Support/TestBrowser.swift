import Foundation
import NIOCore
import Testing
import Vapor
import VaporTesting

@testable import HabilisApp

/// A browser for HTTP tests: keeps cookies, sends forms with the page's CSRF token like a real one would.
final class TestBrowser: @unchecked Sendable {
    let app: Application
    private(set) var cookies: [String: String] = [:]
    /// The CSRF token of the last page that had one.
    private(set) var csrfToken: String?

    /// Live browsers go through a real socket (body limits, client address); others stay in memory.
    let live: Bool
    /// The client address an in-memory browser stands for, as the socket would give it (nil: none).
    let source: String?

    init(app: Application, live: Bool = false, source: String? = nil) {
        self.app = app
        self.live = live
        self.source = source
    }

    @discardableResult
    func get(_ path: String, headers: [(String, String)] = []) async throws -> Page {
        try await send(.GET, path, body: nil, headers: headers)
    }

    /// Posts a form; the `_csrf` field is added from the last page unless `csrf` says otherwise.
    @discardableResult
    func post(
        _ path: String, _ fields: [(String, String)] = [], csrf: String? = nil, headers: [(String, String)] = []
    ) async throws -> Page {
        var all = fields
        if let token = csrf ?? csrfToken { all.insert(("_csrf", token), at: 0) }
        let body = all.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        return try await send(
            .POST, path, body: body, headers: headers + [("Content-Type", "application/x-www-form-urlencoded")])
    }

    /// Posts a body as is (a multipart upload).
    @discardableResult
    func postRaw(_ path: String, body: String, contentType: String) async throws -> Page {
        try await send(.POST, path, body: body, headers: [("Content-Type", contentType)])
    }

    /// Signs in through the two steps of the guide.
    @discardableResult
    func signIn(_ email: String, password: String = demoPassword) async throws -> Page {
        try await get(Paths.signIn)
        try await post(Paths.signIn, [("email", email)])
        let response = try await post(Paths.signInPassword, [("email", email), ("password", password)])
        // A browser follows the redirect, which gives the session's form token.
        if response.status == .seeOther, let location = response.location { try await get(location) }
        return response
    }

    func setCookie(_ name: String, _ value: String) { cookies[name] = value }

    /// Any method, with a JSON body if given (the REST API).
    @discardableResult
    func request(
        _ method: HTTPMethod, _ path: String, json: String? = nil, headers: [(String, String)] = []
    ) async throws
        -> Page
    {
        try await send(
            method, path, body: json, headers: headers + (json == nil ? [] : [("Content-Type", "application/json")]))
    }

    private func send(
        _ method: HTTPMethod, _ path: String, body: String?, headers: [(String, String)]
    ) async throws
        -> Page
    {
        var httpHeaders = HTTPHeaders(headers)
        if !cookies.isEmpty {
            httpHeaders.add(name: .cookie, value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
        }
        let response = try await respond(method, path, headers: httpHeaders, body: body.map { ByteBuffer(string: $0) })
        for header in response.headers[.setCookie] {
            let pair = header.split(separator: ";").first.map(String.init) ?? ""
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2 else { continue }
            if parts[1].isEmpty || header.contains("Max-Age=0") {
                cookies[parts[0]] = nil
            } else {
                cookies[parts[0]] = parts[1]
            }
        }
        let page = Page(
            status: response.status, headers: response.headers,
            html: response.body.getString(at: 0, length: response.body.readableBytes) ?? "")
        if let token = page.csrfToken { csrfToken = token }
        return page
    }

    private func respond(
        _ method: HTTPMethod, _ path: String, headers: HTTPHeaders, body: ByteBuffer?
    ) async throws -> (status: HTTPResponseStatus, headers: HTTPHeaders, body: ByteBuffer) {
        guard let source else {
            let tester = try app.testing(method: live ? .running(hostname: "127.0.0.1", port: 0) : .inMemory)
            let response = try await tester.sendRequest(method, path, headers: headers, body: body)
            return (response.status, response.headers, response.body)
        }
        // VaporTesting's in-memory requests have no client address: this one has the socket's.
        let request = Request(
            application: app, method: method, url: URI(string: path), headers: headers, collectedBody: body,
            remoteAddress: try SocketAddress(ipAddress: source, port: 40_000), logger: app.logger,
            on: app.eventLoopGroup.next())
        let response = try await app.responder.respond(to: request).get()
        let collected = try await response.body.collect(on: request.eventLoop).get() ?? ByteBuffer()
        return (response.status, response.headers, collected)
    }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._*")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}

/// A response as a test reads it.
struct Page: Sendable {
    let status: HTTPResponseStatus
    let headers: HTTPHeaders
    let html: String

    var location: String? { headers.first(name: .location) }

    /// The page's text without tags and with entities decoded, whitespace collapsed.
    var text: String {
        let inline = html.replacingOccurrences(
            of: "</?(strong|em|b|span|a|abbr)( [^>]*)?>", with: "", options: .regularExpression)
        let withoutTags = inline.replacingOccurrences(of: "<[^>]+>", with: " ", options: .regularExpression)
        return decodeEntities(withoutTags).split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    func contains(_ snippet: String) -> Bool { text.contains(snippet) }

    /// The `<title>` of the page.
    var title: String? {
        guard let start = html.range(of: "<title>"), let end = html.range(of: "</title>") else { return nil }
        return decodeEntities(String(html[start.upperBound..<end.lowerBound]))
    }

    /// The value of the first hidden `_csrf` field.
    var csrfToken: String? { inputValue(named: "_csrf") }

    /// The value attribute of the first input with this name.
    func inputValue(named name: String) -> String? {
        guard let range = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
        let rest = html[range.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return decodeEntities(String(rest[..<end]))
    }

    /// The French message shown beside a field (`id="<field>-error"`).
    func fieldError(_ field: String) -> String? {
        guard let range = html.range(of: "id=\"\(field)-error\">") else { return nil }
        let rest = html[range.upperBound...]
        guard let end = rest.range(of: "</p>") else { return nil }
        let inner = String(rest[..<end.lowerBound]).replacingOccurrences(
            of: "<[^>]+>", with: "", options: .regularExpression)
        return decodeEntities(inner).replacingOccurrences(of: "Erreur : ", with: "")
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}

func decodeEntities(_ text: String) -> String {
    text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
        .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
        .replacingOccurrences(of: "&#x27;", with: "'").replacingOccurrences(of: "&amp;", with: "&")
}
