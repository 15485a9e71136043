import Vapor

/// Step 1 of the sign-in: the professional e-mail.
struct SignInEmailForm: PostedForm {
    var email: String?

}

/// Step 2 of the sign-in: the e-mail recalled and the password.
struct SignInPasswordForm: PostedForm {
    var email: String?
    var password: String?

}

/// The new password, twice, with the token of the link.
struct NewPasswordForm: PostedForm {
    var jeton: String?
    var password: String?
    var confirmation: String?

}

/// Messages of the sign-in pages, written once.
enum SignInMessages {
    static let refused = "Identifiant ou mot de passe incorrect."
    static let overloaded =
        "Service momentanément surchargé : trop de connexions sont en cours de vérification. Réessayez dans "
        + "quelques secondes."
    static let passwordMissing = "Saisissez votre mot de passe."
    static let signedOut = "Vous êtes déconnecté de l’espace Organismes."
    static let passwordChanged = "Votre mot de passe a été modifié. Vous pouvez vous connecter avec le nouveau."
    static let sessionEnded = "Votre session a pris fin. Connectez-vous de nouveau."
    static let codeExpired =
        "La connexion a été interrompue (délai de 5 minutes dépassé ou trop de codes erronés) : recommencez."
}
