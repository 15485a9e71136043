/// Every URL of the portal, written once. URLs are French, as the portal is.
public enum Paths {
    public static let home = "/"
    public static let signIn = "/connexion"
    public static let signInPassword = "/connexion/mot-de-passe"
    public static let signInBack = "/connexion/retour"
    public static let signOut = "/deconnexion"
    public static let forgotPassword = "/mot-de-passe-oublie"
    public static let resetPassword = "/mot-de-passe/nouveau"
    public static let myInformation = "/mes-informations"
    public static let faq = "/faq"
    public static let health = "/healthz"
    public static let readiness = "/readyz"
    public static let staticFiles = "/static"
}
