import Fluent

/// The one ordered list of migrations; append only.
enum Migrations {
    static let all: [any Migration] = [
        CreateDirectory(),
        CreateRequestsAndGrants(),
        CreateContentAndNotifications(),
        CreatePlatformTables(),
        CreateEmailChanges(),
        IndexHotPaths(),
        IndexRightsExport(),
        IndexSubscribersExport(),
        IndexPendingRequestsOnly(),
        CreateSecondFactors(),
        AddSlowdownToThrottleBuckets(),
        CreateSingleSignOn(),
        CreateMachineClients(),
        CreateWebhooks(),
        AddDirectoryFeedToAgents(),
        AddAlsaceMoselleToOrganisations(),
        AddRightValidity(),
        CreateAccessReviews(),
        CreateAbsences(),
        CreateApplicationProfiles(),
        AddDeputyPermissionToAgents(),
        IndexPendingRenewals(),
        AddSignInDeadline(),
        AddCodeReplayMark(),
    ]
}
