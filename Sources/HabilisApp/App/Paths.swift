import Foundation

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
    public static func requestToDecide(_ id: UUID) -> String { "/demandes-a-traiter/\(id.uuidString.lowercased())" }

    /// The decision on one request.
    public static func decideRequest(_ id: UUID) -> String { requestToDecide(id) + "/decision" }

    /// Editing one FAQ entry.
    public static func adminFAQEntry(_ id: UUID) -> String { "/administration/faq/\(id.uuidString.lowercased())" }

    /// The subscribers of one newsletter as CSV.
    public static func adminNewsletterSubscribers(_ id: UUID) -> String {
        "/administration/lettres/\(id.uuidString.lowercased())/abonnes.csv"
    }

    /// Editing one organisme, with its correspondents.
    public static func adminOrganisation(_ id: UUID) -> String {
        "/administration/organismes/\(id.uuidString.lowercased())"
    }

    /// Designating a correspondent of an organisme.
    public static func adminDesignate(_ id: UUID) -> String { adminOrganisation(id) + "/correspondants" }

    /// Removing one designation.
    public static func adminRemoveCorrespondent(_ id: UUID) -> String {
        "/administration/correspondants/\(id.uuidString.lowercased())/retrait"
    }

    /// Editing one application.
    public static func adminApplication(_ id: UUID) -> String {
        "/administration/applications/\(id.uuidString.lowercased())"
    }

    /// « Connexion des applications (OpenID Connect) »: the clients of one application.
    public static func adminApplicationClients(_ id: UUID) -> String { adminApplication(id) + "/clients" }
    public static func adminNewApplicationClient(_ id: UUID) -> String { adminApplicationClients(id) + "/nouveau" }
    public static func adminApplicationClient(_ id: UUID, _ clientID: String) -> String {
        adminApplicationClients(id) + "/" + clientID
    }
    public static func adminRotateClientSecret(_ id: UUID, _ clientID: String) -> String {
        adminApplicationClient(id, clientID) + "/secret"
    }
    public static func adminRemoveClient(_ id: UUID, _ clientID: String) -> String {
        adminApplicationClient(id, clientID) + "/suppression"
    }

    /// One account as an administrator manages it.
    public static func adminAgent(_ id: UUID) -> String { "/administration/agents/\(id.uuidString.lowercased())" }

    /// Disabling or re-enabling an account.
    public static func adminAgentStatus(_ id: UUID) -> String { adminAgent(id) + "/statut" }

    /// Sending a failed mail again.
    public static func adminRetryMail(_ id: UUID) -> String {
        adminFailedMails + "/\(id.uuidString.lowercased())/renvoyer"
    }

    /// Ending every session of one account.
    public static func adminEndAgentSessions(_ id: UUID) -> String { adminAgent(id) + "/sessions/fermer" }
    public static func adminResetSecondFactor(_ id: UUID) -> String {
        adminAgent(id) + "/double-authentification/reinitialiser"
    }

    /// Ending one of my sessions.
    public static func endMySession(_ id: UUID) -> String { mySessions + "/\(id.uuidString.lowercased())/fermer" }

    /// Granting a right directly.
    public static func adminGrant(_ id: UUID) -> String { adminAgent(id) + "/habilitations" }

    /// Editing one newsletter.
    public static func adminNewsletter(_ id: UUID) -> String { "/administration/lettres/\(id.uuidString.lowercased())" }

    /// One account request as its deciders see it.
    public static func accountRequestToDecide(_ id: UUID) -> String {
        "/demandes-a-traiter/comptes/\(id.uuidString.lowercased())"
    }

    /// The decision on one account request.
    public static func decideAccountRequest(_ id: UUID) -> String { accountRequestToDecide(id) + "/decision" }

    /// The confirmation step of a request for one application.
    public static func requestAccess(_ applicationCode: String) -> String {
        "/applications/\(applicationCode.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? "")/demande"
    }

    /// One access request as its requester follows it.
    public static func accessRequest(_ id: UUID) -> String { "/demandes/\(id.uuidString.lowercased())" }

    /// Cancelling one's pending request.
    public static func cancelAccessRequest(_ id: UUID) -> String { accessRequest(id) + "/annulation" }

    /// An agent's rights and requests as a correspondent or administrator sees them.
    public static func agentRights(_ id: UUID) -> String { "/agents/\(id.uuidString.lowercased())" }

    /// Revoking one right.
    public static func revokeGrant(_ id: UUID) -> String { "/habilitations/\(id.uuidString.lowercased())/retrait" }
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
    public static let staticFiles = "/static"
}
