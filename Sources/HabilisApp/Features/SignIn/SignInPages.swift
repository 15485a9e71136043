import Vapor

/// Step 1: "Entrez votre adresse e-mail professionnelle".
struct SignInEmailPage {
    let frame: PageFrame
    let action: String
    let forgotPasswordURL: String
    let email: String
    let errors: FormErrors
    let registrationURL: String
}

/// Step 2: the identifier recalled, the password, "Retour" and "Se connecter".
struct SignInPasswordPage {
    let frame: PageFrame
    let action: String
    let backAction: String
    let forgotPasswordAction: String
    let email: String
    let errors: FormErrors
}

/// "Mot de passe oublié": the e-mail to send the link to, or the confirmation that it was sent.
struct ForgotPasswordPage {
    let frame: PageFrame
    let action: String
    let email: String
    let errors: FormErrors
    let sent: Bool
    let validMinutes: Int
}

/// The new password, twice; or the explanation that the link is no longer valid.
struct NewPasswordPage {
    let frame: PageFrame
    let action: String
    let token: String
    let linkIsValid: Bool
    let forgotPasswordURL: String
    let errors: FormErrors
    let minimumLength: Int
    let maximumLength: Int
}
