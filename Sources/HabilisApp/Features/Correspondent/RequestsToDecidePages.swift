import Foundation

/// "Demandes à traiter".
struct RequestsToDecidePage {
    /// One pending request.
    struct Row {
        let id: String
        let agentName: String
        let organisationName: String
        let applicationName: String
        let createdOn: String
        let autoAcceptOn: String
        let daysLeftLabel: String
        let isOverdue: Bool
        let justification: String?
        let url: String
        let agentURL: String
        let isSelected: Bool

    }

    let frame: PageFrame
    let rows: [Row]
    let pagination: Pagination
    /// More requests wait than the `pagination.total` listed (`DecisionQueue.listedBound`).
    var hasMore = false
    let action: String
    let reason: String
    let reasonLimit: Int
    let errors: FormErrors
    let accountRows: [AccountRequestRow]
    let accountAction: String
    let accountReason: String
}

extension RequestsToDecidePage.Row {
    init(_ request: DecisionQueue.Entry, now: Date, selected: Set<String>) {
        id = request.id.uuidString.lowercased()
        agentName = request.agentName
        organisationName = request.organisationName
        applicationName = request.applicationName
        createdOn = ParisCalendar.shortDate(request.createdAt)
        autoAcceptOn = ParisCalendar.shortDate(request.dueAt)
        let days = ParisCalendar.daysBetween(now, request.dueAt)
        isOverdue = request.dueAt <= now
        daysLeftLabel =
            isOverdue
            ? "acceptation automatique imminente"
            : days <= 0 ? "aujourd’hui" : days == 1 ? "1 jour restant" : "\(days) jours restants"
        justification = request.justification
        url = Paths.requestToDecide(request.id)
        agentURL = Paths.agentRights(request.agentID)
        isSelected = selected.contains(id) || selected.contains(request.id.uuidString)
    }
}

/// One account request awaiting a decision, with every submitted value.
struct AccountRequestRow {
    let id: String
    let name: String
    let email: String
    let organisationName: String
    let secondOrganisationName: String?
    let phone: String
    let contactEmail: String?
    let birthName: String?
    let submittedOn: String
    let isOutsideMailDomains: Bool
    let mailDomains: String
    let isOverdue: Bool
    let url: String
    let isSelected: Bool
}

extension AccountRequestRow {
    init(_ request: DecisionQueue.AccountEntry, selected: Set<String>) {
        id = request.id.uuidString.lowercased()
        name = "\(request.civility) \(request.firstName) \(request.lastName)"
        email = request.email
        organisationName = request.organisationName
        secondOrganisationName = request.secondOrganisationName
        phone = PhoneNumber.display(request.phone ?? "")
        contactEmail = request.contactEmail
        birthName = request.birthName
        submittedOn = ParisCalendar.shortDate(request.submittedAt)
        isOutsideMailDomains = request.isOutsideMailDomains
        mailDomains = request.organisationMailDomains.joined(separator: ", ")
        isOverdue = request.isEscalated
        url = Paths.accountRequestToDecide(request.id)
        isSelected = selected.contains(id)
    }
}

/// One account request to decide.
struct AccountRequestToDecidePage {
    let frame: PageFrame
    let row: AccountRequestRow
    let action: String
    let queueURL: String
    let reason: String
    let reasonLimit: Int
    let errors: FormErrors
}

/// One request to decide.
struct RequestToDecidePage {
    let frame: PageFrame
    let row: RequestsToDecidePage.Row
    let action: String
    let agentURL: String
    let queueURL: String
    let reason: String
    let reasonLimit: Int
    /// A renewal: the last day of the right it renews (empty when that right has ended meanwhile).
    let renewalOf: String?
    /// A change of profile: what the agent holds now and what accepting does to it (« Consultation, remplacé par
    /// le profil demandé »).
    var profileChange: String? = nil
    /// The end the application's maximum validity gives a right granted now, nil when its rights do not end.
    let latestEnd: Date?
    /// The last day the decider typed, when the form comes back.
    let chosenEnd: String
    let errors: FormErrors
}

/// An agent's rights and requests, for those who manage them.
struct AgentRightsPage {
    /// One right, current or withdrawn.
    struct GrantRow {
        let id: String
        let applicationName: String
        let grantedOn: String
        let origin: String
        let isActive: Bool
        /// « 12 mars 2027 » for an active right that ends by itself.
        let lastDay: String?
        let revokedOn: String?
        let revokedBy: String?
        let revocationReason: String?
        let revokeURL: String
        /// Whether the viewer may withdraw it: the form is shown only then.
        let canWithdraw: Bool
        let reason: String
        let error: String?

    }

    let frame: PageFrame
    let agentName: String
    let email: String
    let organisationName: String
    let grants: [GrantRow]
    let history: [MyRightsPage.HistoryRow]
    let errors: FormErrors
}

extension AgentRightsPage.GrantRow {
    init(_ grant: Grant, canWithdraw: Bool, failed: Bool, reason: String, errors: FormErrors) {
        id = grant.id!.uuidString.lowercased()
        applicationName = RightName.of(grant.application.name, profile: grant.profile?.label)
        grantedOn = ParisCalendar.shortDate(grant.grantedAt)
        origin = MyRightsPage.GrantRow.origin(
            requestStatus: grant.accessRequest?.status, granterName: grant.grantedBy?.fullName)
        isActive = grant.revokedAt == nil
        lastDay = isActive ? grant.expiresAt.map(RightValidity.lastDay) : nil
        revokedOn = grant.revokedAt.map(ParisCalendar.shortDate)
        revokedBy = grant.revokedBy?.fullName
        revocationReason = grant.revocationReason
        revokeURL = Paths.revokeGrant(grant.id!)
        self.canWithdraw = canWithdraw
        self.reason = reason
        error = failed ? errors.list.first?.message : nil
    }
}
