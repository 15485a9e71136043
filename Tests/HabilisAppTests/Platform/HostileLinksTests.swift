import Foundation
import Testing
import Vapor

@testable import HabilisApp

/// Every page the portal links to, asked for again with hostile values in its query and in the identifiers of its
/// path: never a 500. A page's filters, sort orders, page numbers and identifiers all come from the address bar,
/// where anybody can write anything.
@Suite("Every link of the portal, followed with hostile values")
struct HostileLinksTests {
    /// Written into the address as a browser would send them: percent-encoded, and one that is not UTF-8.
    static let hostileValues =
        HostileFormsTests.hostileValues.map(TestBrowser.encode) + ["%FF%FE%C0%AF", "%2e%2e%2f%2e%2e%2f", "a%00b"]

    /// Every query parameter the portal's code reads (`query[…, at: "page"]`), found in the sources so that a new one
    /// is attacked too: each page gets them all at once.
    static let queryNames: [String] = {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../../Sources/HabilisApp").standardized
        let files =
            FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" } ?? []
        let names = files.flatMap { file in
            ((try? String(contentsOf: file, encoding: .utf8)) ?? "").matches(of: /query\[[^\]]*at: "([a-z_]+)"\]/)
                .map { String($0.output.1) }
        }
        return Set(names).sorted()
    }()

    /// A link cut into its path segments and its query's items, as written in the page.
    struct Link {
        let segments: [String]
        let query: [(name: String, value: String)]

        init(_ link: String) {
            let parts = link.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
            segments = parts[0].split(separator: "/").map(String.init)
            query =
                parts.count < 2
                ? []
                : parts[1].split(separator: "&").map { item in
                    let pair = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                    return (String(pair[0]), pair.count > 1 ? String(pair[1]) : "")
                }
        }

        func written(segments: [String]? = nil, query: [(name: String, value: String)]? = nil) -> String {
            let path = "/" + (segments ?? self.segments).joined(separator: "/")
            let items = (query ?? self.query).map { "\($0.name)=\($0.value)" }
            return items.isEmpty ? path : path + "?" + items.joined(separator: "&")
        }
    }

    /// The GET route a link belongs to, with the positions of its parameters (`/applications/:code`: [1]).
    static func route(of link: Link, among routes: [Route]) -> (path: String, parameters: [Int])? {
        let route = routes.filter { route in
            route.method == .GET && route.path.count == link.segments.count
                && zip(route.path, link.segments).allSatisfy { component, segment in
                    if case .constant(let value) = component { value == segment } else { true }
                }
        }
        // The most specific: `/demandes-a-traiter/comptes/decision` before `/demandes-a-traiter/:id/decision`.
        .max { HostileFormsTests.constants(of: $0) < HostileFormsTests.constants(of: $1) }
        guard let route else { return nil }
        let parameters = route.path.indices.filter { if case .constant = route.path[$0] { false } else { true } }
        return ("/" + route.path.map(\.description).joined(separator: "/"), parameters)
    }

    /// Follows every link from the home page, and keeps one link per route and set of query names.
    static func crawl(_ browser: TestBrowser, from starts: [String] = ["/"], limit: Int = 400) async throws -> [Link] {
        let routes = browser.app.routes.all
        var queue = starts
        var seen = Set(starts)
        var kept: [String: Link] = [:]
        while !queue.isEmpty, seen.count <= limit {
            let address = queue.removeFirst()
            let page = try await browser.get(address)
            guard page.status == .ok else { continue }
            let link = Link(address)
            if let route = route(of: link, among: routes) {
                let key = route.path + "?" + link.query.map(\.name).sorted().joined(separator: "&")
                kept[key] = kept[key] ?? link
            }
            for next in HostileFormsTests.links(in: page.html) where seen.insert(next).inserted { queue.append(next) }
        }
        return kept.keys.sorted().map { kept[$0]! }
    }

    /// The hostile versions of `link`: each hostile value in each query item and in each parameter of the path,
    /// every query item twice, and as a list.
    static func variants(of link: Link, parameters: [Int]) -> [String] {
        var variants: [String] = []
        for value in hostileValues {
            variants.append(link.written(query: link.query + queryNames.map { ($0, value) }))
            for index in link.query.indices {
                var query = link.query
                query[index].value = value
                variants.append(link.written(query: query))
            }
            for index in parameters {
                var segments = link.segments
                segments[index] = value.isEmpty ? "%20" : value
                variants.append(link.written(segments: segments))
            }
        }
        if !link.query.isEmpty {
            variants.append(link.written(query: link.query.flatMap { [$0, ($0.name, "autre")] }))
            variants.append(link.written(query: link.query.map { ($0.name + "[]", $0.value) }))
        }
        return variants
    }

    /// Where a visitor starts: the sign-in page, and the pages of the mailed links (with a token of no account).
    static let visitorStarts = [
        Paths.signIn, Paths.resetPassword + "?jeton=inconnu", Paths.registrationProof + "?jeton=inconnu",
        Paths.confirmEmailChange + "?jeton=inconnu",
    ]

    /// The administrator's links are shared between two test cases, as the forms are; a visitor (no e-mail) has
    /// the pages before signing in.
    @Test(
        "no link of the administrator's, a correspondent's or a visitor's pages answers 500 with hostile values",
        arguments: (0..<2).map { HostileFormsTests.Share(email: DemoWorld.administratorEmail, part: $0, parts: 2) } + [
            HostileFormsTests.Share(email: DemoWorld.correspondentEmail, part: 0, parts: 1),
            HostileFormsTests.Share(email: "", part: 0, parts: 1),
        ])
    func everyLink(_ share: HostileFormsTests.Share) async throws {
        try await withTestApp { context in
            try await HostileFormsTests.busyWorld(context)
            let browser = context.browser()
            let isVisitor = share.email.isEmpty
            if !isVisitor { try await browser.signIn(share.email) }
            let links = try await Self.crawl(browser, from: isVisitor ? Self.visitorStarts : ["/"])
            let least = isVisitor ? 8 : share.email == DemoWorld.administratorEmail ? 50 : 20
            #expect(links.count >= least, "\(links.map { $0.written() })")
            let routes = browser.app.routes.all
            var failures: [String] = []
            var sent = 0
            for (index, link) in links.enumerated() where index % share.parts == share.part {
                guard let route = Self.route(of: link, among: routes) else { continue }
                for variant in Self.variants(of: link, parameters: route.parameters) {
                    var answer = try await browser.get(variant)
                    if !isVisitor, answer.location?.hasPrefix(Paths.signIn) == true {
                        try await browser.signIn(share.email)
                        answer = try await browser.get(variant)
                    }
                    sent += 1
                    if answer.status.code >= 500 { failures.append("\(variant.prefix(160)): \(answer.status)") }
                }
            }
            #expect(Self.queryNames.count >= 20, "\(Self.queryNames)")
            #expect(sent >= links.count / share.parts)
            #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
        }
    }
}
