import Fluent
import Vapor

/// Every service of the portal, built once in `configure` and kept on the application; tests replace it wholesale.
public final class PortalServices: Sendable {
    public let clock: any Clock
    public let runtimeSettings: RuntimeSettings
    public let audit: AuditLog
    public let sessions: SessionStore
    public let throttle: Throttle
    let signInBudgets: SignInBudgets
    public let passwords: PasswordHasher
    public let passwordPolicy: PasswordPolicy
    public let outbox: Outbox
    public let dispatcher: OutboxDispatcher
    public let mails: MailTemplates
    public let signIn: SignInService
    public let secondFactors: SecondFactorService
    public let passwordReset: PasswordResetService
    public let routing: Routing
    public let authorization: Authorization
    public let notifier: Notifier
    public let accessRequests: AccessRequestService
    public let accessReviews: AccessReviewService
    let absences: AbsenceService
    public let accountRequests: AccountRequestService
    public let signingKeys: SigningKeys
    public let clients: ClientRegistry
    public let provider: OpenIDProvider
    public let machineClients: MachineClientRegistry
    let machineTokens: MachineTokens
    public let webhookEvents: WebhookEvents
    public let webhooks: WebhookRegistry
    let webhookDispatcher: WebhookDispatcher
    public let profile: ProfileService

    init(
        settings: Settings, clock: any Clock, mailer: any Mailer, threadPool: NIOThreadPool, hashingThreads: Int
    ) {
        self.clock = clock
        runtimeSettings = RuntimeSettings(settings: settings)
        audit = AuditLog(clock: clock)
        sessions = SessionStore(clock: clock, secureCookies: settings.usesSecureCookies)
        throttle = Throttle(clock: clock)
        signInBudgets = SignInBudgets(throttle: throttle)
        passwords = PasswordHasher(cost: settings.bcryptCost, threadPool: threadPool, threads: hashingThreads)
        passwordPolicy = PasswordPolicy.load(fromWorkingDirectory: settings.workingDirectory)
        outbox = Outbox(clock: clock)
        let host = URLComponents(string: settings.baseURL)?.host ?? "habilis.local"
        dispatcher = OutboxDispatcher(clock: clock, mailer: mailer, sender: settings.mailFrom, messageIDDomain: host)
        mails = MailTemplates(baseURL: settings.baseURL, webmasterEmail: settings.webmasterEmail)
        secondFactors = SecondFactorService(
            clock: clock, audit: audit, sessions: sessions, throttle: throttle,
            secureCookies: settings.usesSecureCookies,
            isRequiredForPrivilegedRoles: settings.requiresSecondFactorForPrivilegedRoles)
        signIn = SignInService(
            clock: clock, audit: audit, sessions: sessions, budgets: signInBudgets, passwords: passwords,
            secondFactors: secondFactors)
        passwordReset = PasswordResetService(
            clock: clock, audit: audit, sessions: sessions, throttle: throttle, signInBudgets: signInBudgets,
            passwords: passwords,
            policy: passwordPolicy, outbox: outbox, mails: mails)
        routing = Routing(clock: clock)
        authorization = Authorization()
        notifier = Notifier(clock: clock, outbox: outbox)
        webhookEvents = WebhookEvents(clock: clock)
        accessRequests = AccessRequestService(
            clock: clock, audit: audit, routing: routing, authorization: authorization, notifier: notifier,
            mails: mails, runtimeSettings: runtimeSettings, events: webhookEvents)
        accessReviews = AccessReviewService(
            clock: clock, audit: audit, notifier: notifier, mails: mails, runtimeSettings: runtimeSettings,
            rights: accessRequests)
        absences = AbsenceService(clock: clock, audit: audit, notifier: notifier, mails: mails, routing: routing)
        accountRequests = AccountRequestService(
            clock: clock, audit: audit, routing: routing, authorization: authorization, notifier: notifier,
            outbox: outbox, throttle: throttle, passwords: passwords, mails: mails,
            proofValidityHours: settings.proofValidityHours, escalationDays: settings.accountEscalationDays,
            runtimeSettings: runtimeSettings)
        profile = ProfileService(
            clock: clock, audit: audit, outbox: outbox, mails: mails, passwords: passwords,
            signInBudgets: signInBudgets, events: webhookEvents)
        signingKeys = SigningKeys(clock: clock)
        clients = ClientRegistry(clock: clock, audit: audit, requiresHTTPS: settings.isProduction)
        provider = OpenIDProvider(
            clock: clock, audit: audit, keys: signingKeys, clients: clients, issuer: settings.baseURL)
        machineClients = MachineClientRegistry(clock: clock, audit: audit)
        webhooks = WebhookRegistry(clock: clock, audit: audit, clients: clients)
        webhookDispatcher = WebhookDispatcher(clock: clock)
        machineTokens = MachineTokens(
            clock: clock, audit: audit, keys: signingKeys, registry: machineClients, issuer: settings.baseURL)
    }
}

private struct PortalServicesKey: StorageKey {
    typealias Value = PortalServices
}

private struct SettingsKey: StorageKey {
    typealias Value = Settings
}

private struct LateWorkKey: StorageKey {
    typealias Value = LateWork
}

extension Application {
    /// The work of requests answered by their deadline that still runs (`RequestDeadlineMiddleware`).
    var lateWork: LateWork? {
        get { storage[LateWorkKey.self] }
        set { storage[LateWorkKey.self] = newValue }
    }

    /// The services of the portal.
    public var portal: PortalServices {
        get {
            guard let services = storage[PortalServicesKey.self] else { fatalError("configure(_:) has not run") }
            return services
        }
        set { storage[PortalServicesKey.self] = newValue }
    }

    /// The settings the portal started with.
    public var settings: Settings {
        get {
            guard let settings = storage[SettingsKey.self] else { fatalError("configure(_:) has not run") }
            return settings
        }
        set { storage[SettingsKey.self] = newValue }
    }
}

extension Request {
    public var portal: PortalServices { application.portal }
}
