import Foundation

/// The e-mails of account requests, in French.
extension MailTemplates {
    func registrationProof(to email: String, name: String, link: String, validHours: Int) -> MailMessage {
        compose(
            to: email, subject: "Confirmez votre adresse — demande d’accès à l’espace Organismes",
            greeting: "Bonjour \(name),",
            paragraphs: [
                "Vous avez demandé la création d’un compte d’accès à l’espace Organismes de l’UCANSS.",
                "Pour confirmer que cette adresse est bien la vôtre, ouvrez ce lien (valable \(validHours) heures) : "
                    + "votre demande sera alors adressée pour validation.",
            ],
            link: link,
            closing: "Si vous n’êtes pas à l’origine de cette demande, ignorez ce message : rien ne sera créé.")
    }

    func registrationForExistingAccount(to email: String) -> MailMessage {
        compose(
            to: email, subject: "Vous avez déjà un compte — espace Organismes",
            greeting: "Bonjour,",
            paragraphs: [
                "Une demande de création de compte vient d’être faite avec cette adresse, mais un compte d’accès "
                    + "à l’espace Organismes existe déjà pour elle.",
                "Si vous avez oublié votre mot de passe, vous pouvez en créer un nouveau :",
            ],
            link: baseURL + Paths.forgotPassword,
            closing: "Si vous n’êtes pas à l’origine de cette demande, ignorez ce message.")
    }

    func registrationAlreadyPending(to email: String) -> MailMessage {
        compose(
            to: email, subject: "Votre demande d’accès est en cours d’examen — espace Organismes",
            greeting: "Bonjour,",
            paragraphs: [
                "Une demande de création de compte pour cette adresse est déjà en cours d’examen. Vous recevrez un "
                    + "message dès qu’elle aura été traitée."
            ],
            link: nil,
            closing: "Si vous n’êtes pas à l’origine de cette demande, écrivez à \(webmasterEmail).")
    }

    func accountRequestToDecide(to decider: Agent, request: AccountRequest, organisation: String) -> MailMessage {
        var paragraphs = [
            "\(request.civility) \(request.firstName) \(request.lastName) (\(request.email)) demande un compte "
                + "d’accès à l’espace Organismes pour \(organisation)."
        ]
        if request.isOutsideMailDomains {
            paragraphs.append(
                "Attention : cette adresse n’appartient pas aux domaines de messagerie déclarés pour cet organisme. "
                    + "Vérifiez l’identité de la personne avant d’accepter.")
        }
        paragraphs.append("Pour accepter ou refuser cette demande, rendez-vous dans « Demandes à traiter » :")
        return compose(
            to: decider.email,
            subject: "Demande de création de compte à traiter : \(request.firstName) \(request.lastName)",
            greeting: "Bonjour \(decider.fullName),", paragraphs: paragraphs, link: baseURL + Paths.requestsToDecide,
            closing: "Une demande de création de compte n’est jamais acceptée automatiquement.")
    }

    func accountRequestEscalated(to administrator: Agent, request: AccountRequest, days: Int) -> MailMessage {
        compose(
            to: administrator.email,
            subject: "Demande de création de compte en attente depuis \(days) jours",
            greeting: "Bonjour \(administrator.fullName),",
            paragraphs: [
                "La demande de création de compte de \(request.firstName) \(request.lastName) (\(request.email)) "
                    + "attend une décision depuis \(days) jours.",
                "Elle apparaît désormais en retard dans vos « Demandes à traiter ».",
            ],
            link: baseURL + Paths.requestsToDecide,
            closing: "Une demande de création de compte n’est jamais acceptée automatiquement.")
    }

    func accountRequestOutcome(to request: AccountRequest, accepted: Bool, reason: String?) -> MailMessage {
        let name = "\(request.firstName) \(request.lastName)"
        if accepted {
            return compose(
                to: request.email, subject: "Votre compte d’accès à l’espace Organismes est ouvert",
                greeting: "Bonjour \(name),",
                paragraphs: [
                    "Votre demande de création de compte a été acceptée. Vous pouvez vous connecter avec votre "
                        + "adresse e-mail et le mot de passe choisi lors de votre demande :"
                ],
                link: baseURL + Paths.signIn,
                closing: "Depuis l’espace Organismes, vous pourrez demander l’accès aux applications de l’UCANSS.")
        }
        return compose(
            to: request.email, subject: "Votre demande de compte d’accès à l’espace Organismes est refusée",
            greeting: "Bonjour \(name),",
            paragraphs: ["Votre demande de création de compte a été refusée.", "Motif : \(reason ?? "")"],
            link: nil,
            closing: "Pour toute question, écrivez à \(webmasterEmail).")
    }
}
