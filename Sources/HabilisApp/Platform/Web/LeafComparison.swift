import Vapor

/// While pages move from Leaf to the HTML writer, tests and the black-box and browser runs render each page both
/// ways and answer a 500 naming the first difference, so that no user sees a change. Goes with Leaf.
enum LeafComparison {
    static func check<Page: HTMLPage>(_ page: Page, body: ByteBuffer, on request: Request) async throws {
        guard isEnabled(request), let migrated = page as? any LeafMigrated else { return }
        let leaf = try await migrated.renderWithLeaf(on: request)
        let expected = normalised(String(buffer: leaf))
        let actual = normalised(String(buffer: body))
        guard expected != actual else { return }
        let common = zip(expected, actual).prefix { $0 == $1 }.count
        let context = { (text: String) in String(text.dropFirst(max(0, common - 80)).prefix(240)) }
        request.logger.error("page differs from Leaf (\(type(of: migrated).leafTemplate)) at \(common)")
        throw Abort(
            .internalServerError,
            reason: "page differs from Leaf at \(common):\nleaf:  \(context(expected))\nswift: \(context(actual))")
    }

    private static func isEnabled(_ request: Request) -> Bool {
        request.application.environment == .testing || Environment.get("HABILIS_COMPARE_WITH_LEAF") == "1"
    }

    /// Whitespace runs as one space, none around tags: the two renderers lay out lines differently.
    static func normalised(_ html: String) -> String {
        var text = html.replacingOccurrences(of: "\\s+", with: " ", options: .regularExpression)
        text = text.replacingOccurrences(of: " ?< ?", with: "<", options: .regularExpression)
        text = text.replacingOccurrences(of: " ?> ?", with: ">", options: .regularExpression)
        return text.trimmingCharacters(in: .whitespaces)
    }
}

/// A page whose Leaf template still exists, to compare with.
protocol LeafMigrated: Encodable {
    static var leafTemplate: String { get }
}

extension LeafMigrated {
    fileprivate func renderWithLeaf(on request: Request) async throws -> ByteBuffer {
        try await request.view.render(Self.leafTemplate, self).data
    }
}

// The pages written by the HTML writer, and the template each replaces.
extension AccessRequestConfirmPage: LeafMigrated { static let leafTemplate = "AccessRequests/confirm" }
extension AccessRequestPage: LeafMigrated { static let leafTemplate = "AccessRequests/show" }
extension RegistrationEmailPage: LeafMigrated { static let leafTemplate = "AccountRequests/email" }
extension RegistrationFormPage: LeafMigrated { static let leafTemplate = "AccountRequests/form" }
extension RegistrationProofPage: LeafMigrated { static let leafTemplate = "AccountRequests/proof" }
extension RegistrationSentPage: LeafMigrated { static let leafTemplate = "AccountRequests/sent" }
extension AgentAdminPage: LeafMigrated { static let leafTemplate = "Administration/agent" }
extension AgentListPage: LeafMigrated { static let leafTemplate = "Administration/agents" }
extension ApplicationEditPage: LeafMigrated { static let leafTemplate = "Administration/application" }
extension ApplicationsPage: LeafMigrated { static let leafTemplate = "Administration/applications" }
extension AuditPage: LeafMigrated { static let leafTemplate = "Administration/audit" }
extension DashboardPage: LeafMigrated { static let leafTemplate = "Administration/dashboard" }
extension DirectorsImportPage: LeafMigrated { static let leafTemplate = "Administration/directors-import" }
extension FailedMailsPage: LeafMigrated { static let leafTemplate = "Administration/failed-mails" }
extension FAQEditPage: LeafMigrated { static let leafTemplate = "Administration/faq-edit" }
extension FAQListPage: LeafMigrated { static let leafTemplate = "Administration/faq-list" }
extension AdministrationPage: LeafMigrated { static let leafTemplate = "Administration/index" }
extension NewsletterEditPage: LeafMigrated { static let leafTemplate = "Administration/newsletter" }
extension NewslettersPage: LeafMigrated { static let leafTemplate = "Administration/newsletters" }
extension OrganisationEditPage: LeafMigrated { static let leafTemplate = "Administration/organisation" }
extension OrganisationsPage: LeafMigrated { static let leafTemplate = "Administration/organisations" }
extension SettingsPage: LeafMigrated { static let leafTemplate = "Administration/settings" }
extension AccessibilityPage: LeafMigrated { static let leafTemplate = "Assistance/accessibility" }
extension FAQPage: LeafMigrated { static let leafTemplate = "Assistance/faq" }
extension PrivacyPage: LeafMigrated { static let leafTemplate = "Assistance/privacy" }
extension CataloguePage: LeafMigrated { static let leafTemplate = "Catalogue/index" }
extension ContactsPage: LeafMigrated { static let leafTemplate = "Contacts/index" }
extension AccountRequestToDecidePage: LeafMigrated { static let leafTemplate = "Correspondent/account" }
extension AgentRightsPage: LeafMigrated { static let leafTemplate = "Correspondent/agent" }
extension RequestsToDecidePage: LeafMigrated { static let leafTemplate = "Correspondent/queue" }
extension RequestToDecidePage: LeafMigrated { static let leafTemplate = "Correspondent/show" }
extension ErrorPage: LeafMigrated { static let leafTemplate = "Errors/error" }
extension MyRightsPage: LeafMigrated { static let leafTemplate = "MyRights/index" }
extension NotificationsPage: LeafMigrated { static let leafTemplate = "Notifications/index" }
extension EmailChangePage: LeafMigrated { static let leafTemplate = "Profile/confirm" }
extension ProfilePage: LeafMigrated { static let leafTemplate = "Profile/edit" }
extension MySessionsPage: LeafMigrated { static let leafTemplate = "Profile/sessions" }
extension SecondFactorCodePage: LeafMigrated { static let leafTemplate = "SecondFactor/code" }
extension SecondFactorSetupPage: LeafMigrated { static let leafTemplate = "SecondFactor/setup" }
extension SignInEmailPage: LeafMigrated { static let leafTemplate = "SignIn/email" }
extension ForgotPasswordPage: LeafMigrated { static let leafTemplate = "SignIn/forgot" }
extension NewPasswordPage: LeafMigrated { static let leafTemplate = "SignIn/new-password" }
extension SignInPasswordPage: LeafMigrated { static let leafTemplate = "SignIn/password" }
extension ClientEditPage: LeafMigrated { static let leafTemplate = "SingleSignOn/client" }
extension ClientSecretPage: LeafMigrated { static let leafTemplate = "SingleSignOn/client-secret" }
extension ClientsPage: LeafMigrated { static let leafTemplate = "SingleSignOn/clients" }
extension ContinuePage: LeafMigrated { static let leafTemplate = "SingleSignOn/continue" }
extension DoorPage: LeafMigrated { static let leafTemplate = "SingleSignOn/door" }
extension LogoutConfirmationPage: LeafMigrated { static let leafTemplate = "SingleSignOn/logout" }
extension SubscriptionsPage: LeafMigrated { static let leafTemplate = "Subscriptions/edit" }
