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
        let pattern = /<form method="post"([^>]*)>(.*?)<\/form>/.dotMatchesNewlines()
        return html.matches(of: pattern).compactMap { match in
            let attributes = match.output.1
            guard let action = attributes.firstMatch(of: /action="([^"]*)"/)?.output.1 else { return nil }
            let body = String(match.output.2)
            let fields = body.matches(of: /<(input|select|textarea|button)\b([^>]*)>/).compactMap { tag -> Field? in
                let attributes = String(tag.output.2)
                guard let name = attributes.firstMatch(of: /name="([^"]*)"/)?.output.1, name != "_csrf" else {
                    return nil
                }
                let value = attributes.firstMatch(of: /value="([^"]*)"/).map { decodeEntities(String($0.output.1)) }
                return Field(name: decodeEntities(String(name)), value: value ?? "")
            }
            return Form(
                action: decodeEntities(String(action)), fields: fields,
                isUpload: attributes.contains("multipart/form-data"))
        }
    }

    /// The site's own links of a page, without fragment.
    static func links(in html: String) -> [String] {
        html.matches(of: /href="(\/[^"#]*)/).map { decodeEntities(String($0.output.1)) }
            .filter { link in !notFollowed.contains { link.hasPrefix($0) } }
    }

    /// How many of a route's components are constants.
    static func constants(of route: Route) -> Int {
        route.path.filter { if case .constant = $0 { true } else { false } }.count
    }

    /// The POST route a form's action belongs to (`/applications/:code/demande`), so that one form per route is
    /// posted: the forms of each agent, application or request are the same form.
    static func route(of action: String, among routes: [Route]) -> String {
        let segments = action.split(separator: "?")[0].split(separator: "/").map(String.init)
        let route = routes.filter { route in
            route.method == .POST && route.path.count == segments.count
                && zip(route.path, segments).allSatisfy { component, segment in
                    if case .constant(let value) = component { value == segment } else { true }
                }
        }
        // The most specific: `/demandes-a-traiter/comptes/decision` before `/demandes-a-traiter/:id/decision`.
        .max { constants(of: $0) < constants(of: $1) }
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

    /// What the demo world lacks for every form to show: requests and an account request to decide, an open review,
    /// a right about to end, an absence, other sessions, a second factor being set up and one to reset, a client,
    /// a machine client, an event endpoint with a failed delivery, and a failed mail.
    static func busyWorld(_ context: TestContext) async throws {
        let endpoint = try await context.app.portal.webhooks.add(
            application: "DROIT-SYNDICAL", url: WebhookTests.deadEndpoint, by: .system, on: context.db
        ).0
        // The agent asks the correspondent, the administrators, and the administrator asks for himself.
        for (email, code) in [
            (DemoWorld.agentEmail, "DROIT-SYNDICAL"), (DemoWorld.agentEmail, "TDB-RH"),
            (DemoWorld.administratorEmail, "GREVE"),
        ] {
            let requester = context.browser()
            try await requester.signIn(email)
            let page = try await requester.get(Paths.requestAccess(code))
            let form = try #require(forms(in: page.html).first { $0.action == Paths.requestAccess(code) })
            let sent = try await requester.post(form.action, form.fields.map { ($0.name, $0.value) })
            #expect(sent.status == .seeOther, "\(email) \(code): \(sent.text.prefix(300))")
        }
        try await register("l.bernard@lassuranceretraite.fr", context: context)
        try await prove("l.bernard@lassuranceretraite.fr", context: context)
        try await AccessReviewTests.rights(context: context)
        try await AccessReviewTests.open(context: context)
        let administrator = try await Given.agent(DemoWorld.administratorEmail, on: context.db)
        try await Grant(
            agentID: administrator.id!, applicationID: try await Given.application("REMUNERATIONS", on: context.db).id!,
            grantedAt: context.clock.now, grantedByID: nil, accessRequestID: nil,
            expiresAt: ParisCalendar.adding(days: 10, to: context.clock.now)
        ).create(on: context.db)
        try await DeputyTests.absence(deputy: nil, context: context)
        _ = try await SecondFactorTests().enable(DemoWorld.agentEmail, context)
        try await context.app.portal.secondFactors.startSetup(for: administrator.id!, on: context.db)
        _ = try await RelyingParty.register(context)
        _ = try await MachineCaller.register(context, application: "ACCORDS-LOCAUX", scopes: [.rightsRead])
        _ = try await FailedMailsTests().failedMail(
            to: DemoWorld.agentEmail, subject: "Votre demande", on: context.db)
        try await context.app.portal.webhookEvents.publish(
            .init(
                .rightGranted, agent: administrator.id!,
                application: try await Given.application("DROIT-SYNDICAL", on: context.db).id!),
            on: context.db)
        let delivery = try #require(
            try await WebhookDelivery.query(on: context.db).filter(\.$endpoint.$id == endpoint.id!).first())
        delivery.status = .failed
        try await delivery.update(on: context.db)
    }

    /// Forms no link leads to: the steps of signing in, registering and proving an address, reached through the
    /// step before them or a mail's link (`everyStep` posts them), and the imports, which take a file and have their
    /// own tests.
    static let reachedBySteps = [
        Paths.signIn, Paths.signInPassword, Paths.signInCode, Paths.signInBack, Paths.registration,
        Paths.registrationForm, Paths.registrationProof, Paths.forgotPassword, Paths.resetPassword,
        Paths.confirmEmailChange, Paths.disableMySecondFactor,
    ]
    static let uploads = [
        Paths.adminAgentsImport, Paths.adminDirectorsImport, Paths.adminRightsImport, Paths.adminOrganisationsImport,
    ]

    /// The page of each step no link leads to, with the browser that walked there.
    static func steps(_ context: TestContext) async throws -> [(String, TestBrowser, Page)] {
        func follow(_ browser: TestBrowser, _ page: Page) async throws -> Page {
            guard page.status == .seeOther, let location = page.location else { return page }
            return try await browser.get(location)
        }
        func mailedLink(to email: String) async throws -> String {
            let mail = try #require(
                try await context.deliverMail().last { $0.recipient == email })
            return try #require(mail.link(startingWith: "http://127.0.0.1:8080/"))
                .replacingOccurrences(of: "http://127.0.0.1:8080", with: "")
        }
        var steps: [(String, TestBrowser, Page)] = []
        let visitor = context.browser()
        steps.append(("e-mail", visitor, try await visitor.get(Paths.signIn)))
        let atPassword = context.browser()
        try await atPassword.get(Paths.signIn)
        let password = try await follow(
            atPassword, try await atPassword.post(Paths.signIn, [("email", DemoWorld.directorEmail)]))
        steps.append(("password", atPassword, password))
        let forgetful = context.browser()
        steps.append(("forgotten password", forgetful, try await forgetful.get(Paths.forgotPassword)))
        // The link is asked for from the password step, as the guide describes.
        try await atPassword.post(Paths.forgotPassword, [("email", DemoWorld.directorEmail)])
        let resetting = context.browser()
        let reset = try await resetting.get(try await mailedLink(to: DemoWorld.directorEmail))
        steps.append(("new password", resetting, reset))

        let newcomer = context.browser()
        steps.append(("registration", newcomer, try await newcomer.get(Paths.registration)))
        let registering = context.browser()
        try await registering.get(Paths.registration)
        let form = try await follow(
            registering, try await registering.post(Paths.registration, [("email", "l.bernard@lassuranceretraite.fr")]))
        steps.append(("registration form", registering, form))
        try await register("n.roux@lassuranceretraite.fr", context: context)
        let proving = context.browser()
        let proof = try await proving.get(try await mailedLink(to: "n.roux@lassuranceretraite.fr"))
        steps.append(("proof of address", proving, proof))

        // The agent with a second factor: the code step, then « Désactiver » once signed in.
        let (owner, _) = try await SecondFactorTests().enable(DemoWorld.agentEmail, context)
        steps.append(("second factor", owner, try await owner.get(Paths.mySecondFactor)))
        let atCode = context.browser()
        try await atCode.signIn(DemoWorld.agentEmail)
        steps.append(("code", atCode, try await atCode.get(Paths.signInCode)))

        // A new address, proven from its mail.
        let mover = context.browser()
        try await mover.signIn(DemoWorld.cafAgentEmail)
        let details = try await mover.get(Paths.myDetails)
        let moved = try await mover.post(
            Paths.myDetails,
            ProfileTests().fields(
                details, changing: [("email", "jeanne.petit@caf.fr"), ("motDePasseActuel", demoPassword)]))
        #expect(moved.status == .seeOther, "\(moved.text.prefix(400))")
        let confirming = context.browser()
        let confirm = try await confirming.get(try await mailedLink(to: "jeanne.petit@caf.fr"))
        steps.append(("new address", confirming, confirm))
        return steps
    }

    @Test("the steps no link leads to, signing in, registering, proving an address, never answer 500")
    func everyStep() async throws {
        try await withTestApp { context in
            var posted: Set<String> = []
            var failures: [String] = []
            for (name, browser, page) in try await Self.steps(context) {
                #expect(page.status == .ok, "\(name): \(page.status)")
                let routes = browser.app.routes.all
                for form in Self.forms(in: page.html) where !Self.notPosted.contains(form.action) {
                    posted.insert(Self.route(of: form.action, among: routes))
                    failures += try await Self.attack(form, as: browser) {}
                }
            }
            #expect(Set(Self.reachedBySteps).subtracting(posted).isEmpty, "\(posted.sorted())")
            #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
        }
    }

    /// The forms the two people reach, one per route.
    static func reachedForms(_ context: TestContext, as email: String) async throws -> [String: Form] {
        let browser = context.browser()
        try await browser.signIn(email)
        return try await crawl(browser)
    }

    @Test("in a busy world, the administrator and a correspondent reach every form of the portal's pages")
    func everyFormIsReached() async throws {
        try await withTestApp { context in
            try await Self.busyWorld(context)
            let reached = Set(try await Self.reachedForms(context, as: DemoWorld.administratorEmail).keys)
                .union(try await Self.reachedForms(context, as: DemoWorld.correspondentEmail).keys)
            let pages = context.app.routes.all.filter { route in
                route.method == .POST && !Self.notFollowed.contains { route.path.string.hasPrefix($0.dropFirst()) }
            }
            .map { "/" + $0.path.map(\.description).joined(separator: "/") }
            let missed = Set(pages).subtracting(reached).subtracting(
                Self.reachedBySteps + Self.uploads + Self.notPosted)
            #expect(missed.isEmpty, "\(missed.sorted())")
        }
    }

    /// Whose forms, and which share of them: the administrator's are shared among three test cases, so that they
    /// run side by side instead of making one long tail.
    struct Share: Sendable, CustomTestStringConvertible {
        let email: String
        let part: Int
        let parts: Int

        var testDescription: String { "\(email.isEmpty ? "a visitor" : email), part \(part + 1) of \(parts)" }
    }

    /// The administrator is an agent too, and finds every form an agent has; a correspondent has one of their own.
    @Test(
        "the administrator's and a correspondent's forms never answer 500",
        arguments: (0..<3).map { Share(email: DemoWorld.administratorEmail, part: $0, parts: 3) } + [
            Share(email: DemoWorld.correspondentEmail, part: 0, parts: 1)
        ])
    func everyForm(_ share: Share) async throws {
        try await withTestApp { context in
            try await Self.busyWorld(context)
            let browser = context.browser()
            try await browser.signIn(share.email)
            let forms = try await Self.crawl(browser)
            #expect(forms.count >= (share.email == DemoWorld.administratorEmail ? 40 : 12), "\(forms.keys.sorted())")
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
