import Vapor

/// The table of contents of the portal: one controller per feature of the guide.
func routes(_ app: Application) throws {
    try app.register(collection: HealthController())
    try app.register(collection: MetricsController())
    try app.register(collection: SignInController())
    try app.register(collection: SecondFactorController())
    try app.register(collection: RegistrationController())
    try app.register(collection: CatalogueController())
    try app.register(collection: AccessRequestController())
    try app.register(collection: MyRightsController())
    try app.register(collection: ProfileController())
    try app.register(collection: MySessionsController())
    try app.register(collection: SubscriptionsController())
    try app.register(collection: ContactsController())
    try app.register(collection: NotificationsController())
    try app.register(collection: RequestsToDecideController())
    try app.register(collection: MyOrganisationController())
    try app.register(collection: AccessReviewController())
    try app.register(collection: ReviewCampaignsController())
    try app.register(collection: AbsencesController())
    try app.register(collection: AdministrationController())
    try app.register(collection: OrganisationsAdminController())
    try app.register(collection: ApplicationsAdminController())
    try app.register(collection: AgentsAdminController())
    try app.register(collection: AuditTrailController())
    try app.register(collection: FailedMailsController())
    try app.register(collection: DashboardController())
    try app.register(collection: AssistanceController())
    try app.register(collection: OpenIDController())
    try app.register(collection: LogoutController())
    try app.register(collection: ClientsAdminController())
    try app.register(collection: ProfilesAdminController())
    try app.register(collection: IntegrationsAdminController())
    try app.register(collection: SCIMController(callsPerMinute: app.settings.apiCallsPerMinute))
    try app.register(
        collection:
            APIController(
                callsPerMinute: app.settings.apiCallsPerMinute, workingDirectory: app.settings.workingDirectory))
}

extension String {
    /// The route of one of `Paths`' URLs inside a route group registered at `prefix` (itself one of `Paths`), so that
    /// a route and the links to it come from the same value.
    func pathComponents(under prefix: String) -> [PathComponent] {
        precondition(hasPrefix(prefix + "/"), "\(self) is not under \(prefix)")
        return String(dropFirst(prefix.count)).pathComponents
    }
}
