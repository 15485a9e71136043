import Fluent
import Foundation
import Testing
import Vapor

@testable import HabilisApp

@Suite("Double authentification: an authenticator application's code after the password (SECURITY.md A15)")
struct SecondFactorTests {
    // MARK: Helpers

    /// The key the setup page shows, without its spaces.
    static func key(on page: Page) -> String? {
        guard let start = page.html.range(of: "<dd><code>"), let end = page.html.range(of: "</code></dd>") else {
            return nil
        }
        return page.html[start.upperBound..<end.lowerBound].replacingOccurrences(of: " ", with: "")
    }

    /// What the person's application shows at the test clock's instant (or `stepsLater` steps after).
    static func code(for key: String, at instant: Date, stepsLater: Int64 = 0) -> String {
        TOTP(secret: Base32.decode(key)!).code(atStep: TOTP.step(at: instant) + stepsLater)
    }

    /// Signs in, sets up the application and returns its key; the browser stays signed in.
    func enable(_ email: String, _ context: TestContext) async throws -> (TestBrowser, String) {
        let browser = context.browser()
        try await browser.signIn(email)
        try await browser.post(Paths.setUpMySecondFactor, [])
        let key = try #require(Self.key(on: try await browser.get(Paths.mySecondFactor)))
        let done = try await browser.post(
            Paths.confirmMySecondFactor, [("code", Self.code(for: key, at: context.clock.now))])
        #expect(done.status == .seeOther)
        return (browser, key)
    }

    // MARK: The algorithm

    @Test("codes are RFC 6238's (HMAC-SHA1, 30 s) and keys RFC 4648's base 32")
    func referenceVectors() {
        // RFC 6238 appendix B, SHA-1 secret "12345678901234567890": the last 6 of the 8 digits it lists.
        let totp = TOTP(secret: Array("12345678901234567890".utf8))
        let expected: [(TimeInterval, String)] = [
            (59, "287082"), (1_111_111_109, "081804"), (1_111_111_111, "050471"), (1_234_567_890, "005924"),
            (2_000_000_000, "279037"), (20_000_000_000, "353130"),
        ]
        for (seconds, code) in expected {
            #expect(totp.code(atStep: TOTP.step(at: Date(timeIntervalSince1970: seconds))) == code, "\(seconds)")
        }
        #expect(Base32.encode(Array("foobar".utf8)) == "MZXW6YTBOI")
        #expect(Base32.decode("MZXW 6YTB OI======") == Array("foobar".utf8))
        #expect(Base32.decode("MZXW1") == nil, "1 is not in the alphabet")
        let secret = TOTP.generateSecret()
        #expect(secret.count == 20 && Base32.encode(secret).count == 32)
        #expect(Base32.decode(Base32.encode(secret)) == secret)

        let now = Date(timeIntervalSince1970: 1_111_111_111)
        let step = TOTP.step(at: now)
        #expect(totp.matchingStep(for: "050 471", at: now, after: nil) == step)
        #expect(totp.matchingStep(for: totp.code(atStep: step - 1), at: now, after: nil) == step - 1)
        #expect(totp.matchingStep(for: totp.code(atStep: step - 2), at: now, after: nil) == nil, "too old")
        #expect(totp.matchingStep(for: "050471", at: now, after: step) == nil, "already used")
        #expect(totp.matchingStep(for: "٠٥٠٤٧١", at: now, after: nil) == nil, "Arabic-Indic digits")
    }

    // MARK: Setting up

    @Test("an agent sets it up from Mes informations: key, a wrong code refused, the right one turns it on")
    func setUp() async throws {
        try await withTestApp { context in
            let browser = context.browser()
            try await browser.signIn(DemoWorld.agentEmail)
            let off = try await browser.get(Paths.mySecondFactor)
            #expect(off.status == .ok)
            #expect(off.html.contains("href=\"\(Paths.mySecondFactor)\" aria-current=\"page\""), "in the menu")
            #expect(off.contains("La double authentification n’est pas configurée."))

            #expect(try await browser.post(Paths.setUpMySecondFactor, []).location == Paths.mySecondFactor)
            let setup = try await browser.get(Paths.mySecondFactor)
            let key = try #require(Self.key(on: setup))
            #expect(key.count == 32)
            #expect(setup.html.contains("otpauth://totp/UCANSS%20Espace%20Organismes%3A"))
            #expect(setup.html.contains("secret=\(key)&amp;issuer=UCANSS%20Espace%20Organismes"))
            // Reloading the page keeps the key the person may already have typed.
            #expect(Self.key(on: try await browser.get(Paths.mySecondFactor)) == key)

            let wrong = try await browser.post(Paths.confirmMySecondFactor, [("code", "000000")])
            #expect(wrong.status == .unprocessableEntity)
            #expect(wrong.fieldError("code") == SecondFactorMessages.wrongCode)
            #expect(Self.key(on: wrong) == key, "the key is still shown")

            let done = try await browser.post(
                Paths.confirmMySecondFactor, [("code", Self.code(for: key, at: context.clock.now))])
            #expect(done.location == Paths.mySecondFactor + "?message=activee")
            let on = try await browser.get(try #require(done.location))
            #expect(
                on.contains("La double authentification est activée : le code vous sera demandé à chaque connexion."))
            #expect(on.contains("La double authentification est activée depuis le 2 mars 2026."))
            #expect(Self.key(on: on) == nil, "the key is never shown again")
            #expect(try await context.auditActions().contains("second_factor.enabled"))
        }
    }

    // MARK: Signing in

    @Test("after the password the code is asked; no session before it; a code is accepted once")
    func signInWithCode() async throws {
        try await withTestApp { context in
            let (_, key) = try await enable(DemoWorld.agentEmail, context)
            context.clock.advance(by: 60)

            let browser = context.browser()
            let password = try await browser.signIn(DemoWorld.agentEmail)
            #expect(password.location == Paths.signInCode)
            #expect(!password.headers[.setCookie].contains { $0.hasPrefix("habilis_session=") })
            #expect(browser.cookies["habilis_second_factor"] != nil)
            #expect(try await browser.get(Paths.home).location == Paths.signIn, "not signed in yet")
            let step = try await browser.get(Paths.signInCode)
            #expect(step.contains("Code de vérification à 6 chiffres"))

            let wrong = try await browser.post(Paths.signInCode, [("code", "123456")])
            #expect(wrong.status == .unprocessableEntity)
            #expect(wrong.fieldError("code") == SecondFactorMessages.wrongCode)

            let code = Self.code(for: key, at: context.clock.now)
            let done = try await browser.post(Paths.signInCode, [("code", code)])
            #expect(done.status == .seeOther && done.location == Paths.home)
            #expect(browser.cookies["habilis_second_factor"] == nil)
            #expect(try await browser.get(Paths.home).status == .ok)

            // The same code, seen over a shoulder, does not open another session.
            let other = context.browser()
            try await other.signIn(DemoWorld.agentEmail)
            #expect(try await other.post(Paths.signInCode, [("code", code)]).status == .unprocessableEntity)
            context.clock.advance(by: 30)
            #expect(
                try await other.post(Paths.signInCode, [("code", Self.code(for: key, at: context.clock.now))])
                    .location == Paths.home)

            let events = try await AuditEvent.query(on: context.db).sort(\.$occurredAt).all()
            #expect(events.filter { $0.action == "sign_in.second_factor_failed" }.count == 2)
            #expect(events.last { $0.action == "sign_in.succeeded" }?.details.contains("totp") == true)
        }
    }

    @Test("five wrong codes or five minutes, and the sign-in starts again with the password")
    func challengeLimits() async throws {
        try await withTestApp { context in
            let (_, key) = try await enable(DemoWorld.agentEmail, context)
            let browser = context.browser()
            try await browser.signIn(DemoWorld.agentEmail)
            for _ in 0..<4 {
                #expect(try await browser.post(Paths.signInCode, [("code", "111111")]).status == .unprocessableEntity)
            }
            let fifth = try await browser.post(Paths.signInCode, [("code", "111111")])
            #expect(fifth.location == Paths.signIn + "?message=code-expire")
            let restart = try await browser.get(try #require(fifth.location))
            #expect(restart.contains(SignInMessages.codeExpired))
            let late = try await browser.post(
                Paths.signInCode, [("code", Self.code(for: key, at: context.clock.now, stepsLater: 1))])
            #expect(late.location == Paths.signIn + "?message=code-expire", "that sign-in is over")

            try await browser.signIn(DemoWorld.agentEmail)
            context.clock.advance(by: 5 * 60 + 1)
            #expect(try await browser.get(Paths.signInCode).location == Paths.signIn + "?message=code-expire")
            let expired = try await browser.post(
                Paths.signInCode, [("code", Self.code(for: key, at: context.clock.now))])
            #expect(expired.location == Paths.signIn + "?message=code-expire")
            #expect(try await browser.get(Paths.home).location == Paths.signIn)
        }
    }

    @Test("ten wrong codes in 15 minutes lock the code step of the account, even with the right code")
    func wrongCodesThrottled() async throws {
        try await withTestApp { context in
            let (_, key) = try await enable(DemoWorld.agentEmail, context)
            for _ in 0..<2 {
                let browser = context.browser()
                try await browser.signIn(DemoWorld.agentEmail)
                for _ in 0..<5 { try await browser.post(Paths.signInCode, [("code", "222222")]) }
            }
            let browser = context.browser()
            try await browser.signIn(DemoWorld.agentEmail)
            let locked = try await browser.post(
                Paths.signInCode, [("code", Self.code(for: key, at: context.clock.now, stepsLater: 1))])
            #expect(locked.status == .unprocessableEntity)
            #expect(locked.fieldError("code") == SecondFactorMessages.throttled)
            context.clock.advance(by: 15 * 60 + 1)
            try await browser.signIn(DemoWorld.agentEmail)
            let code = Self.code(for: key, at: context.clock.now)
            #expect(try await browser.post(Paths.signInCode, [("code", code)]).location == Paths.home)
        }
    }

    @Test("60 wrong codes posted at once on one challenge: at most 5 are checked, then the sign-in starts again")
    func parallelCodesCannotRace() async throws {
        try await withTestApp { context in
            let (_, key) = try await enable(DemoWorld.agentEmail, context)
            let signingIn = context.browser()
            try await signingIn.signIn(DemoWorld.agentEmail)
            let csrf = try #require(try await signingIn.get(Paths.signInCode).csrfToken)
            let right = Self.code(for: key, at: context.clock.now, stepsLater: 1)
            let wrong = right == "222222" ? "333333" : "222222"
            let copies = (0..<60).map { _ in
                let copy = context.browser()
                for (name, value) in signingIn.cookies { copy.setCookie(name, value) }
                return copy
            }
            let pages = try await withThrowingTaskGroup(of: Page.self) { group in
                for copy in copies {
                    group.addTask { try await copy.post(Paths.signInCode, [("code", wrong)], csrf: csrf) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let checked = try await context.auditActions().filter { $0 == "sign_in.second_factor_failed" }.count
            #expect(checked <= SecondFactorService.attemptsPerChallenge)
            #expect(pages.allSatisfy { $0.status != .internalServerError })
            // The challenge is spent: even the right code now starts the sign-in again.
            let after = try await signingIn.post(Paths.signInCode, [("code", right)], csrf: csrf)
            #expect(after.location?.hasPrefix(Paths.signIn) == true)
            let agentID = try await Given.agent(DemoWorld.agentEmail, on: context.db).id!
            let sessions = try await UserSession.query(on: context.db).filter(\.$agent.$id == agentID).count()
            #expect(sessions == 1, "only the session that set the factor up")
        }
    }

    // MARK: Taking it away

    @Test("its owner turns it off with a current code; the password alone then signs in")
    func disable() async throws {
        try await withTestApp { context in
            let (browser, key) = try await enable(DemoWorld.agentEmail, context)
            context.clock.advance(by: 30)
            let wrong = try await browser.post(Paths.disableMySecondFactor, [("code", "333333")])
            #expect(wrong.status == .unprocessableEntity)
            #expect(wrong.fieldError("code") == SecondFactorMessages.wrongCode)
            let done = try await browser.post(
                Paths.disableMySecondFactor, [("code", Self.code(for: key, at: context.clock.now))])
            #expect(done.location == Paths.mySecondFactor + "?message=desactivee")
            #expect(try await context.browser().signIn(DemoWorld.agentEmail).location == Paths.home)
            #expect(try await context.auditActions().contains("second_factor.disabled"))
        }
    }

    @Test("an administrator resets it for a lost phone, never their own; others may not")
    func administratorReset() async throws {
        try await withTestApp { context in
            _ = try await enable(DemoWorld.agentEmail, context)
            let agent = try #require(
                try await Agent.query(on: context.db).filter(\.$email == DemoWorld.agentEmail).first())
            let admin = context.browser()
            try await admin.signIn(DemoWorld.administratorEmail)
            let page = try await admin.get(Paths.adminAgent(agent.id!))
            #expect(page.contains("Activée depuis le 2 mars 2026."))
            #expect(page.contains("Réinitialiser la double authentification"))

            let correspondent = context.browser()
            try await correspondent.signIn(DemoWorld.correspondentEmail)
            #expect(try await correspondent.post(Paths.adminResetSecondFactor(agent.id!), []).status == .forbidden)

            let reset = try await admin.post(Paths.adminResetSecondFactor(agent.id!), [])
            #expect(reset.status == .seeOther)
            #expect(try await admin.get(Paths.adminAgent(agent.id!)).contains("Non configurée."))
            // Sent again (another tab): nothing more to reset, the agent's page without notice.
            #expect(
                try await admin.post(Paths.adminResetSecondFactor(agent.id!), []).location
                    == Paths.adminAgent(agent.id!))
            #expect(try await context.browser().signIn(DemoWorld.agentEmail).location == Paths.home)
            let event = try #require(
                try await AuditEvent.query(on: context.db).filter(\.$action == "second_factor.reset_by_administrator")
                    .first())
            #expect(event.targetID == agent.id!.uuidString)

            let adminID = try #require(
                try await Agent.query(on: context.db).filter(\.$email == DemoWorld.administratorEmail).first()?.id)
            #expect(try await admin.post(Paths.adminResetSecondFactor(adminID), []).status == .forbidden)
        }
    }

    // MARK: Required for privileged roles

    @Test("where required, a correspondent reaches nothing but the setup until it is on, and cannot turn it off")
    func requiredForPrivilegedRoles() async throws {
        let required: (inout Settings) -> Void = { $0.requiresSecondFactorForPrivilegedRoles = true }
        try await withTestApp(settings: required) { context in
            let correspondent = context.browser()
            try await correspondent.signIn(DemoWorld.correspondentEmail)
            for path in [Paths.home, Paths.requestsToDecide, Paths.myRights] {
                let page = try await correspondent.get(path)
                #expect(page.location == Paths.mySecondFactor + "?message=obligatoire", "\(path)")
            }
            let setup = try await correspondent.get(Paths.mySecondFactor + "?message=obligatoire")
            #expect(setup.contains("configurez la double authentification pour continuer"))
            #expect(try await correspondent.get(Paths.faq).status == .ok)

            // Agents are not concerned.
            let agent = context.browser()
            try await agent.signIn(DemoWorld.agentEmail)
            #expect(try await agent.get(Paths.home).status == .ok)

            try await correspondent.post(Paths.setUpMySecondFactor, [])
            let key = try #require(Self.key(on: try await correspondent.get(Paths.mySecondFactor)))
            try await correspondent.post(
                Paths.confirmMySecondFactor, [("code", Self.code(for: key, at: context.clock.now))])
            #expect(try await correspondent.get(Paths.requestsToDecide).status == .ok)
            let on = try await correspondent.get(Paths.mySecondFactor)
            #expect(on.contains("Elle est obligatoire pour votre rôle."))
            #expect(!on.contains("Désactiver"))
            context.clock.advance(by: 30)
            let refused = try await correspondent.post(
                Paths.disableMySecondFactor, [("code", Self.code(for: key, at: context.clock.now))])
            #expect(refused.status == .forbidden)
            #expect(
                try await context.app.portal.secondFactors.isEnabled(
                    for: try #require(
                        try await Agent.query(on: context.db).filter(\.$email == DemoWorld.correspondentEmail)
                            .first()?.id), on: context.db))
        }
    }

    @Test("HABILIS_REQUIRE_SECOND_FACTOR: on by default in production, off in development, true or false only")
    func requirementSetting() throws {
        let production = [
            "HABILIS_BASE_URL": "https://habilis.ucanss.fr", "HABILIS_MAIL_TRANSPORT": "smtp://relay.ucanss.fr:25",
            "DATABASE_URL": "postgres://habilis@db/habilis",
        ]
        #expect(try Settings.fromEnvironment(production, isProduction: true).requiresSecondFactorForPrivilegedRoles)
        #expect(!(try Settings.fromEnvironment([:], isProduction: false).requiresSecondFactorForPrivilegedRoles))
        #expect(
            !(try Settings.fromEnvironment(
                production.merging(["HABILIS_REQUIRE_SECOND_FACTOR": "false"]) { $1 }, isProduction: true
            )
            .requiresSecondFactorForPrivilegedRoles))
        #expect(throws: SettingsError.self) {
            try Settings.fromEnvironment(["HABILIS_REQUIRE_SECOND_FACTOR": "oui"], isProduction: false)
        }
    }
}
