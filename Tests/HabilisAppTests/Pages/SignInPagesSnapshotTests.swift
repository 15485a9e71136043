import Testing

@testable import HabilisApp

/// The sign-in steps, the forgotten password and the second factor, against committed snapshots.
@Suite("Pages of the sign-in: snapshots")
struct SignInPagesSnapshotTests {
    @Test("the e-mail step, blank and refused with the typed address kept")
    func emailStep() {
        func page(_ email: String, _ errors: FormErrors) -> SignInEmailPage {
            SignInEmailPage(
                frame: Fixture.frame(.visitor), action: Paths.signIn, forgotPasswordURL: Paths.forgotPassword,
                email: email, errors: errors, registrationURL: Paths.registration)
        }
        assertPage(page("", FormErrors()), "blank")
        assertPage(page(Fixture.hostile, Fixture.errors(("email", "Saisissez une adresse e-mail valide."))), "refused")
    }

    @Test("the password step, and refused")
    func passwordStep() {
        func page(_ errors: FormErrors) -> SignInPasswordPage {
            SignInPasswordPage(
                frame: Fixture.frame(.visitor), action: Paths.signInPassword, backAction: Paths.signIn,
                forgotPasswordAction: Paths.forgotPassword, email: "a.charenne@lassuranceretraite.fr", errors: errors)
        }
        assertPage(page(FormErrors()), "blank")
        assertPage(page(Fixture.errors(("password", "Identifiant ou mot de passe incorrect."))), "refused")
    }

    @Test("the forgotten password: asked, sent, refused")
    func forgotPassword() {
        func page(_ email: String, sent: Bool, _ errors: FormErrors = FormErrors()) -> ForgotPasswordPage {
            ForgotPasswordPage(
                frame: Fixture.frame(.visitor), action: Paths.forgotPassword, email: email, errors: errors, sent: sent,
                validMinutes: 30)
        }
        assertPage(page("", sent: false), "asked")
        assertPage(page("a.charenne@lassuranceretraite.fr", sent: true), "sent")
        assertPage(page(Fixture.hostile, sent: false, Fixture.errors(("email", "Adresse invalide."))), "refused")
    }

    @Test("the new password: valid link, expired link, refused")
    func newPassword() {
        func page(valid: Bool, _ errors: FormErrors = FormErrors()) -> NewPasswordPage {
            NewPasswordPage(
                frame: Fixture.frame(.visitor), action: Paths.resetPassword, token: "jeton", linkIsValid: valid,
                forgotPasswordURL: Paths.forgotPassword, errors: errors, minimumLength: 12, maximumLength: 128)
        }
        assertPage(page(valid: true), "valid")
        assertPage(page(valid: false), "expired")
        assertPage(
            page(
                valid: true,
                Fixture.errors(
                    ("password", "Votre mot de passe doit contenir de 12 à 128 caractères."),
                    ("confirmation", "Les deux mots de passe ne sont pas identiques."))),
            "refused")
    }

    @Test("the code step, and refused")
    func codeStep() {
        func page(_ errors: FormErrors) -> SecondFactorCodePage {
            SecondFactorCodePage(
                frame: Fixture.frame(.visitor), action: Paths.signInCode, restartURL: Paths.signIn, errors: errors)
        }
        assertPage(page(FormErrors()), "blank")
        assertPage(page(Fixture.errors(("code", "Ce code n’est pas valable."))), "refused")
    }

    @Test("the second-factor setup: off, key shown, on, required")
    func secondFactorSetup() {
        func page(
            since: String? = nil, key: String? = nil, required: Bool = false, _ errors: FormErrors = FormErrors()
        ) -> SecondFactorSetupPage {
            SecondFactorSetupPage(
                frame: Fixture.frame(required ? .correspondent : .agent, path: Paths.mySecondFactor),
                enabledSince: since, pendingKey: key,
                provisioningURI: key.map { "otpauth://totp/UCANSS:a?secret=\($0)&issuer=UCANSS" },
                accountName: "a.charenne@lassuranceretraite.fr", issuer: "UCANSS Espace Organismes",
                isRequired: required, setUpAction: Paths.mySecondFactor + "/configurer",
                confirmAction: Paths.mySecondFactor + "/confirmer", disableAction: Paths.mySecondFactor + "/desactiver",
                errors: errors)
        }
        assertPage(page(), "off")
        assertPage(
            page(key: "ABCD EFGH IJKL MNOP", Fixture.errors(("code", "Ce code n’est pas valable."))), "key-shown")
        assertPage(page(since: "1 décembre 2026"), "on")
        assertPage(page(required: true), "required")
    }
}
