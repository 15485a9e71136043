import Fluent
import Foundation
import Testing
import Vapor

@testable import HabilisApp

/// Every form the portal shows, found by following the links of its pages as a signed-in person, posted back with
/// hostile values: never a 500. Each form is sent with every field hostile at once, then with one field hostile
/// and the others as the page gave them, so that the hostile value gets past the other fields' checks.
@Suite("Every form of the portal, posted with hostile values")
struct HostileFormsTests {
    static let hostileValues = [
        // Longer than any field allows (5,000 at most), short enough that a form of eight such fields stays under
        // the body limit.
        String(repeating: "é", count: 5_001),
        "nul\u{0}",
        "",
        "-1",
        "99999999999999999999999999",
        "9999-99-99",
        "<script>alert(1)</script>",
        "\u{202E}\u{FEFF}\r\n\t",
        "00000000-0000-0000-0000-000000000000",
        "http://[::1",
    ]

    /// Pages not followed: signing out, the protocols' endpoints and the machines' interfaces have their own tests.
    static let notFollowed = ["/deconnexion", "/oidc/", "/api/", "/scim/", "/.well-known/", "/metrics", "/static/"]
    /// Not posted: it ends the session, and has no field. Other forms that end it are followed by a new sign-in.
    static let notPosted = [Paths.signOut]

    /// A form as its page shows it: where it posts, and its fields with the values the page gave them.
    struct Form: Hashable {
        let action: String
        let fields: [Field]
        let isUpload: Bool
    }

    struct Field: Hashable {
        let name: String
        let value: String
    }

    /// The forms of a page.
    static func forms(in html: String) -> [Form] {
        let pattern = /<form method="post" action="([^"]*)"([^>]*)>(.*?)<\/form>/.dotMatchesNewlines()
        return html.matches(of: pattern).map { match in
            let body = String(match.output.3)
            let fields = body.matches(of: /<(input|select|textarea|button)\b([^>]*)>/).compactMap { tag -> Field? in
                let attributes = String(tag.output.2)
                guard let name = attributes.firstMatch(of: /name="([^"]*)"/)?.output.1, name != "_csrf" else {
                    return nil
                }
                let value = attributes.firstMatch(of: /value="([^"]*)"/).map { decodeEntities(String($0.output.1)) }
                return Field(name: decodeEntities(String(name)), value: value ?? "")
            }
            return Form(
                action: decodeEntities(String(match.output.1)), fields: fields,
                isUpload: match.output.2.contains("multipart/form-data"))
        }
    }

    /// The site's own links of a page, without fragment.
    static func links(in html: String) -> [String] {
        html.matches(of: /href="(\/[^"#]*)/).map { decodeEntities(String($0.output.1)) }
            .filter { link in !notFollowed.contains { link.hasPrefix($0) } }
    }

    /// The POST route a form's action belongs to (`/applications/:code/demande`), so that one form per route is
    /// posted: the forms of each agent, application or request are the same form.
    static func route(of action: String, among routes: [Route]) -> String {
        let segments = action.split(separator: "?")[0].split(separator: "/").map(String.init)
        let route = routes.first { route in
            route.method == .POST && route.path.count == segments.count
                && zip(route.path, segments).allSatisfy { component, segment in
                    if case .constant(let value) = component { value == segment } else { true }
                }
        }
        return route.map { "/" + $0.path.map(\.description).joined(separator: "/") } ?? action
    }

    /// Follows every link from the home page (up to `limit` pages) and returns the forms found, one per route.
    static func crawl(_ browser: TestBrowser, limit: Int = 400) async throws -> [String: Form] {
        let routes = browser.app.routes.all
        var queue = ["/"]
        var seen: Set<String> = ["/"]
        var forms: [String: Form] = [:]
        while !queue.isEmpty, seen.count <= limit {
            let page = try await browser.get(queue.removeFirst())
            guard page.status == .ok else { continue }
            for form in Self.forms(in: page.html) where !form.isUpload && !notPosted.contains(form.action) {
                let route = route(of: form.action, among: routes)
                forms[route] = forms[route] ?? form
            }
            for link in Self.links(in: page.html) where seen.insert(link).inserted { queue.append(link) }
        }
        return forms
    }

    /// Posts `form` with each hostile value in every field, then with the long one in each field alone; returns
    /// the answers that were 500s.
    static func attack(
        _ form: Form, as browser: TestBrowser, signIn: () async throws -> Void
    ) async throws
        -> [String]
    {
        var variants: [[(String, String)]] = hostileValues.map { value in form.fields.map { ($0.name, value) } }
        for field in form.fields {
            variants.append(form.fields.map { ($0.name, $0.name == field.name ? hostileValues[0] : $0.value) })
        }
        // Every field twice, and as a list where a single value is expected.
        variants.append(form.fields.flatMap { [($0.name, $0.value), ($0.name, "autre")] })
        variants.append(form.fields.map { ($0.name + "[]", $0.value) })
        var failures: [String] = []
        for fields in variants {
            var answer = try await browser.post(form.action, fields)
            // A form that ended the session (« Fermer » on this session, say): signed in again, sent again.
            if answer.location?.hasPrefix(Paths.signIn) == true {
                try await signIn()
                answer = try await browser.post(form.action, fields)
            }
            if answer.status.code >= 500 {
                failures.append("\(form.action) \(fields.map { "\($0.0)=\($0.1.prefix(20))" }): \(answer.status)")
            }
        }
        // Bytes that are not UTF-8 in every field.
        let raw = (["_csrf=\(browser.csrfToken ?? "")"] + form.fields.map { "\($0.name)=%FF%FE%C0%AF" })
            .joined(separator: "&")
        let answer = try await browser.postRaw(form.action, body: raw, contentType: "application/x-www-form-urlencoded")
        if answer.status.code >= 500 { failures.append("\(form.action) invalid UTF-8: \(answer.status)") }
        return failures
    }

    /// Whose forms, and which share of them: the administrator's are shared among three test cases, so that they
    /// run side by side instead of making one long tail.
    struct Share: Sendable, CustomTestStringConvertible {
        let email: String
        let part: Int
        let parts: Int

        var testDescription: String { "\(email), part \(part + 1) of \(parts)" }
    }

    /// The administrator is an agent too, and finds every form an agent has; a correspondent has one of their own.
    @Test(
        "the administrator's and a correspondent's forms never answer 500",
        arguments: (0..<3).map { Share(email: DemoWorld.administratorEmail, part: $0, parts: 3) } + [
            Share(email: DemoWorld.correspondentEmail, part: 0, parts: 1)
        ])
    func everyForm(_ share: Share) async throws {
        try await withTestApp { context in
            let browser = context.browser()
            try await browser.signIn(share.email)
            let forms = try await Self.crawl(browser)
            #expect(forms.count >= (share.email == DemoWorld.administratorEmail ? 25 : 6), "\(forms.keys.sorted())")
            var failures: [String] = []
            for (index, route) in forms.keys.sorted().enumerated() where index % share.parts == share.part {
                failures += try await Self.attack(forms[route]!, as: browser) {
                    try await browser.signIn(share.email)
                    try await browser.get("/")
                }
            }
            #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
        }
    }
}
