import Fluent
import Vapor

/// Every service of the portal, built once in `configure` and kept on the application; tests replace it wholesale.
public struct PortalServices: Sendable {
    public var clock: any Clock
    public var runtimeSettings: RuntimeSettings
    public var audit: AuditLog
    public var sessions: SessionStore
    public var throttle: Throttle
    var signInBudgets: SignInBudgets
    public var passwords: PasswordHasher
    public var passwordPolicy: PasswordPolicy
    public var outbox: Outbox
    public var dispatcher: OutboxDispatcher
    public var mails: MailTemplates
    public var signIn: SignInService
    public var secondFactors: SecondFactorService
    public var passwordReset: PasswordResetService
    public var routing: Routing
    public var authorization: Authorization
    public var notifier: Notifier
    public var accessRequests: AccessRequestService
    public var accessReviews: AccessReviewService
    var absences: AbsenceService
    public var accountRequests: AccountRequestService
    public var signingKeys: SigningKeys
    public var clients: ClientRegistry
    public var provider: OpenIDProvider
    public var machineClients: MachineClientRegistry
    var machineTokens: MachineTokens
    public var webhookEvents: WebhookEvents
    public var webhooks: WebhookRegistry
    var webhookDispatcher: WebhookDispatcher
    public var profile: ProfileService

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

extension Application {
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
