import Foundation
import Vapor

/// Every URL of the portal, written once. URLs are French, as the portal is.
public enum Paths {
    public static let home = "/"
    public static let signIn = "/connexion"
    public static let signInPassword = "/connexion/mot-de-passe"
    public static let signInBack = "/connexion/retour"
    public static let signOut = "/deconnexion"
    public static let forgotPassword = "/mot-de-passe-oublie"
    public static let resetPassword = "/mot-de-passe/nouveau"
    /// "Mes informations" opens on its first section, "Mes habilitations".
    public static let myRights = "/mes-informations"
    public static let myDetails = "/mes-informations/coordonnees"
    public static let confirmEmailChange = "/mes-informations/coordonnees/confirmation"
    public static let mySubscriptions = "/mes-informations/abonnements"
    public static let myContacts = "/mes-informations/contacts"
    public static let myData = "/mes-informations/donnees.json"
    public static let mySessions = "/mes-informations/sessions"
    public static let endMyOtherSessions = "/mes-informations/sessions/fermer-les-autres"
    public static let extendMySession = "/mes-informations/sessions/prolonger"
    public static let signInCode = "/connexion/code"
    public static let mySecondFactor = "/mes-informations/double-authentification"
    public static let setUpMySecondFactor = "/mes-informations/double-authentification/configurer"
    public static let confirmMySecondFactor = "/mes-informations/double-authentification/confirmer"
    public static let disableMySecondFactor = "/mes-informations/double-authentification/desactiver"
    public static let administration = "/administration"
    public static let adminFAQ = "/administration/faq"
    public static let adminNewFAQ = "/administration/faq/nouvelle"
    public static let adminNewsletters = "/administration/lettres"
    public static let adminDirectorsImport = "/administration/agents-de-direction/import"
    public static let adminOrganisationsImport = "/administration/organismes/import"
    public static let adminAgentsImport = "/administration/agents/import"
    public static let adminRightsImport = "/administration/habilitations/import"
    public static let adminOrganisations = "/administration/organismes"
    public static let adminNewOrganisation = "/administration/organismes/nouveau"
    public static let adminApplications = "/administration/applications"
    public static let adminNewApplication = "/administration/applications/nouvelle"
    public static let adminAgents = "/administration/agents"
    public static let adminSettings = "/administration/parametres"
    public static let adminAudit = "/administration/journal"
    public static let adminAuditCSV = "/administration/journal.csv"
    public static let adminDashboard = "/administration/tableau-de-bord"
    public static let adminRightsCSV = "/administration/exports/habilitations.csv"
    public static let adminFailedMails = "/administration/courriels-en-echec"
    public static let privacy = "/donnees-personnelles"
    public static let accessibility = "/accessibilite"
    public static let adminNewNewsletter = "/administration/lettres/nouvelle"
    public static let myOrganisationAgents = "/mon-organisme/agents"
    public static let notifications = "/mes-notifications"
    public static let notificationsRead = "/mes-notifications/lues"
    public static let registration = "/inscription"
    public static let registrationForm = "/inscription/formulaire"
    public static let registrationProof = "/inscription/confirmation"
    public static let requestsToDecide = "/demandes-a-traiter"
    public static let decideAccountRequests = "/demandes-a-traiter/comptes/decision"
    public static let decideRequests = "/demandes-a-traiter/decision"

    /// One request as its deciders see it.
    public static let requestToDecide = PathTemplate("/demandes-a-traiter/:id")

    /// The decision on one request.
    public static let decideRequest = PathTemplate("/demandes-a-traiter/:id/decision")

    /// The access reviews a correspondent or an administrator takes part in.
    public static let accessReviews = "/revue-des-habilitations"
    /// The rights one reviewer reviews in one campaign, and their decisions.
    public static let accessReview = PathTemplate("/revue-des-habilitations/:id")
    public static let reviewDecision = PathTemplate("/revue-des-habilitations/:id/decision")
    /// A correspondent's absences and deputies; an administrator's view of one correspondent's; ending one.
    public static let myAbsences = "/mon-organisme/absences"
    public static let adminAgentAbsences = PathTemplate("/administration/agents/:id/absences")
    /// An absence is named with its agent, so that one already ended still leads back to the agent's list.
    public static let endAbsence = PathTemplate("/agents/:agent/absences/:id/fin")
    /// Opening campaigns, and following one.
    public static let adminReviews = "/administration/revues"
    public static let adminReview = PathTemplate("/administration/revues/:id")
    public static let adminReviewReport = PathTemplate("/administration/revues/:id/rapport.csv")

    /// Editing one FAQ entry.
    public static let adminFAQEntry = PathTemplate("/administration/faq/:id")

    /// The subscribers of one newsletter as CSV.
    public static let adminNewsletterSubscribers = PathTemplate("/administration/lettres/:id/abonnes.csv")

    /// Editing one organisme, with its correspondents.
    public static let adminOrganisation = PathTemplate("/administration/organismes/:id")

    /// Designating a correspondent of an organisme.
    public static let adminDesignate = PathTemplate("/administration/organismes/:id/correspondants")

    /// Removing one designation.
    /// A designation is named with its organisme, so that one already removed still leads back to the organisme.
    public static let adminRemoveCorrespondent = PathTemplate(
        "/administration/organismes/:id/correspondants/:designation/retrait")

    /// Editing one application.
    public static let adminApplication = PathTemplate("/administration/applications/:id")

    /// « Connexion des applications (OpenID Connect) »: the clients of one application.
    public static let adminApplicationProfiles = PathTemplate("/administration/applications/:id/profils")
    public static let adminNewApplicationProfile = PathTemplate("/administration/applications/:id/profils/nouveau")
    public static let adminApplicationProfileRule = PathTemplate("/administration/applications/:id/profils/regle")
    public static let adminApplicationProfile = PathTemplate("/administration/applications/:id/profils/:profile")
    public static let adminRemoveApplicationProfile = PathTemplate(
        "/administration/applications/:id/profils/:profile/suppression")
    public static let adminApplicationClients = PathTemplate("/administration/applications/:id/clients")
    public static let adminNewApplicationClient = PathTemplate("/administration/applications/:id/clients/nouveau")
    public static let adminApplicationClient = PathTemplate("/administration/applications/:id/clients/:client")
    public static let adminRotateClientSecret = PathTemplate("/administration/applications/:id/clients/:client/secret")
    public static let adminRemoveClient = PathTemplate("/administration/applications/:id/clients/:client/suppression")

    /// « Accès machine et événements »: the machine clients of the API and SCIM, and the applications' endpoints.
    public static let adminIntegrations = "/administration/integrations"
    public static let adminMachineClients = "/administration/integrations/clients"
    public static let adminMachineClientSecret = PathTemplate("/administration/integrations/clients/:client/secret")
    public static let adminRemoveMachineClient = PathTemplate(
        "/administration/integrations/clients/:client/suppression")
    public static let adminWebhooks = "/administration/integrations/evenements"
    public static let adminWebhook = PathTemplate("/administration/integrations/evenements/:id")
    public static let adminRemoveWebhook = PathTemplate("/administration/integrations/evenements/:id/suppression")
    public static let adminResendWebhook = PathTemplate("/administration/integrations/envois/:id/renvoyer")

    /// One account as an administrator manages it.
    public static let adminAgent = PathTemplate("/administration/agents/:id")

    /// Disabling or re-enabling an account.
    public static let adminAgentStatus = PathTemplate("/administration/agents/:id/statut")

    /// Sending a failed mail again.
    public static let adminRetryMail = PathTemplate("/administration/courriels-en-echec/:id/renvoyer")

    /// Ending every session of one account.
    public static let adminEndAgentSessions = PathTemplate("/administration/agents/:id/sessions/fermer")
    public static let adminResetSecondFactor = PathTemplate(
        "/administration/agents/:id/double-authentification/reinitialiser")

    /// Ending one of my sessions.
    public static let endMySession = PathTemplate("/mes-informations/sessions/:id/fermer")

    /// Asking for one's right to be renewed before it ends.
    public static let renewGrant = PathTemplate("/habilitations/:id/renouvellement")

    /// Granting a right directly.
    public static let adminGrant = PathTemplate("/administration/agents/:id/habilitations")

    /// Editing one newsletter.
    public static let adminNewsletter = PathTemplate("/administration/lettres/:id")

    /// One account request as its deciders see it.
    public static let accountRequestToDecide = PathTemplate("/demandes-a-traiter/comptes/:id")

    /// The decision on one account request.
    public static let decideAccountRequest = PathTemplate("/demandes-a-traiter/comptes/:id/decision")

    /// The confirmation step of a request for one application.
    public static let requestAccess = PathTemplate("/applications/:code/demande")

    /// « Accéder à l'application »: into the application signed in, or its door when no right is held. The link of
    /// the catalogue and of the acceptance mail and notification.
    public static let openApplication = PathTemplate("/applications/:code/acces")

    /// One access request as its requester follows it.
    public static let accessRequest = PathTemplate("/demandes/:id")

    /// Cancelling one's pending request.
    public static let cancelAccessRequest = PathTemplate("/demandes/:id/annulation")

    /// An agent's rights and requests as a correspondent or administrator sees them.
    public static let agentRights = PathTemplate("/agents/:id")

    /// Revoking one right.
    public static let revokeGrant = PathTemplate("/habilitations/:id/retrait")
    public static let faq = "/faq"
    public static let health = "/healthz"
    /// The OpenID Connect provider: protocol endpoints keep the names the specifications use.
    public static let openIDConfiguration = "/.well-known/openid-configuration"
    public static let oidcAuthorize = "/oidc/authorize"
    public static let oidcToken = "/oidc/token"
    public static let oidcUserinfo = "/oidc/userinfo"
    public static let oidcJWKS = "/oidc/jwks"
    public static let oidcRevoke = "/oidc/revoke"
    public static let oidcIntrospect = "/oidc/introspect"
    public static let oidcLogout = "/oidc/logout"
    public static let readiness = "/readyz"
    /// Prometheus metrics, behind a bearer token (`HABILIS_METRICS_TOKEN`).
    public static let metrics = "/metrics"
    public static let staticFiles = "/static"
}

/// A URL with parameters, written once: links fill it in (`Paths.agentRights(id)`) and routes register its pattern
/// (`Paths.agentRights.pathComponents`), so that a URL cannot change in one place and not the other.
public struct PathTemplate: Sendable {
    /// The route pattern, each parameter a segment starting with `:` (`/agents/:id`).
    public let pattern: String
    /// The fixed text around the parameters: one more piece than there are parameters.
    private let pieces: [String]

    init(_ pattern: String) {
        self.pattern = pattern
        var pieces = [""]
        for (index, segment) in pattern.split(separator: "/", omittingEmptySubsequences: false).enumerated() {
            if index > 0 { pieces[pieces.count - 1] += "/" }
            if segment.hasPrefix(":") { pieces.append("") } else { pieces[pieces.count - 1] += segment }
        }
        self.pieces = pieces
    }

    /// The route of this URL.
    var pathComponents: [PathComponent] { pattern.pathComponents }

    /// The route of this URL inside a route group registered at `prefix`.
    func pathComponents(under prefix: String) -> [PathComponent] { pattern.pathComponents(under: prefix) }

    /// The URL of one record.
    public func callAsFunction(_ id: UUID) -> String { filled([id.uuidString.lowercased()]) }

    /// The URL of a record named by a code (an application's).
    public func callAsFunction(_ code: String) -> String { filled([Self.segment(code)]) }

    /// The URL of a record inside another one (a client of an application).
    public func callAsFunction(_ id: UUID, _ code: String) -> String {
        filled([id.uuidString.lowercased(), Self.segment(code)])
    }

    /// The URL of a record inside another one named by its id (an agent's absence).
    public func callAsFunction(_ id: UUID, _ other: UUID) -> String {
        filled([id.uuidString.lowercased(), other.uuidString.lowercased()])
    }

    /// Whether `path` is this URL filled with non-empty segments (no query, no fragment).
    func matches(_ path: String) -> Bool {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        let expected = pattern.split(separator: "/", omittingEmptySubsequences: false)
        guard segments.count == expected.count, !path.contains("?"), !path.contains("#") else { return false }
        return zip(segments, expected).allSatisfy { segment, fixed in
            fixed.hasPrefix(":") ? !segment.isEmpty : segment == fixed
        }
    }

    private func filled(_ values: [String]) -> String {
        precondition(values.count == pieces.count - 1, "\(pattern) takes \(pieces.count - 1) parameter(s)")
        var url = pieces[0]
        for (value, piece) in zip(values, pieces.dropFirst()) { url += value + piece }
        return url
    }

    private static let segmentCharacters = CharacterSet.urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))

    /// Codes are letters, digits and dashes: they go as they are, without Foundation's encoding (a few µs each,
    /// 100,000 times in a sweep).
    private static func segment(_ text: String) -> String {
        let plain = text.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || byte == 0x2D
                || byte == 0x5F || byte == 0x2E || byte == 0x7E
        }
        return plain ? text : text.addingPercentEncoding(withAllowedCharacters: segmentCharacters) ?? ""
    }
}
