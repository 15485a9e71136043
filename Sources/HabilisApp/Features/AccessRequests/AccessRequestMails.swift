import Foundation

/// The e-mails of access requests, in French.
extension MailTemplates {
    func accessRequestToDecide(
        to decider: Agent, requester: Agent, organisation: String, application: String, dueAt: Date
    ) -> MailMessage {
        compose(
            to: decider.email, subject: "Demande d’habilitation à traiter : \(application)",
            greeting: "Bonjour \(decider.fullName),",
            paragraphs: [
                "\(requester.fullName) (\(organisation)) demande l’accès à l’application \(application).",
                "Sauf refus formel de votre part, cette demande sera acceptée automatiquement le "
                    + "\(ParisCalendar.longDate(dueAt)).",
                "Pour l’accepter ou la refuser, rendez-vous dans « Demandes à traiter » :",
            ],
            link: baseURL + Paths.requestsToDecide,
            closing: "Vous recevez ce message parce que vous validez les demandes d’habilitation de cet organisme.")
    }

    func accessRequestReminder(
        to decider: Agent, requester: some MailAddressee, application: String, dueAt: Date
    ) -> MailMessage {
        compose(
            to: decider.email,
            subject: "Rappel : demande d’habilitation à traiter avant le \(ParisCalendar.longDate(dueAt))",
            greeting: "Bonjour \(decider.fullName),",
            paragraphs: [
                "La demande d’accès de \(requester.fullName) à l’application \(application) attend toujours une "
                    + "décision.",
                "Sans refus de votre part, elle sera acceptée automatiquement le \(ParisCalendar.longDate(dueAt)).",
            ],
            link: baseURL + Paths.requestsToDecide,
            closing: "Vous recevez ce message parce que vous validez les demandes d’habilitation de cet organisme.")
    }

    /// Several requests soon accepted automatically, told to a decider at once, soonest first.
    func remindersDigest(
        to decider: Agent, pending: [(requester: String, application: String, dueAt: Date)]
    )
        -> MailMessage
    {
        let shown = 50
        let sorted = pending.sorted { $0.dueAt < $1.dueAt }
        var lines = sorted.prefix(shown).map {
            "– \($0.requester) : \($0.application), acceptée automatiquement le \(ParisCalendar.longDate($0.dueAt))"
        }
        if pending.count > shown { lines.append("… et \(pending.count - shown) autres.") }
        return compose(
            to: decider.email,
            subject: "Rappel : \(pending.count) demandes d’habilitation à traiter avant le "
                + ParisCalendar.longDate(sorted[sorted.count - 1].dueAt),
            greeting: "Bonjour \(decider.fullName),",
            paragraphs: [
                "Ces \(pending.count) demandes d’accès attendent toujours une décision. Sans refus de votre part, "
                    + "elles seront acceptées automatiquement :",
                lines.joined(separator: "\n"),
            ],
            link: baseURL + Paths.requestsToDecide,
            closing: "Vous recevez ce message parce que vous validez les demandes d’habilitation de cet organisme.")
    }

    /// The decision told to the requester; an accepted request links straight into the application.
    func accessRequestOutcome(
        to agent: some MailAddressee, application: String, code: String, status: AccessRequest.Status,
        decidedBy: String?,
        reason: String?
    ) -> MailMessage {
        let (subject, sentence): (String, String) =
            switch status {
            case .accepted:
                (
                    "Votre demande d’accès à \(application) est acceptée",
                    "Votre demande d’accès à l’application \(application) a été acceptée"
                        + (decidedBy.map { " par \($0)" } ?? "") + "."
                )
            case .autoAccepted:
                (
                    "Votre demande d’accès à \(application) est acceptée",
                    "Votre demande d’accès à l’application \(application) a été acceptée automatiquement, "
                        + "faute de refus dans le délai prévu."
                )
            default:
                (
                    "Votre demande d’accès à \(application) est refusée",
                    "Votre demande d’accès à l’application \(application) a été refusée"
                        + (decidedBy.map { " par \($0)" } ?? "") + "."
                )
            }
        var paragraphs = [sentence]
        if let reason { paragraphs.append("Motif : \(reason)") }
        paragraphs.append(
            status == .refused
                ? "Pour toute question, contactez votre correspondant local (rubrique « Mes contacts »)."
                : "Vous pouvez dès maintenant accéder à l’application \(application) :")
        return compose(
            to: agent.email, subject: subject, greeting: "Bonjour \(agent.fullName),", paragraphs: paragraphs,
            link: baseURL + (status == .refused ? Paths.myRights : Paths.openApplication(code)),
            closing: "Retrouvez l’historique de vos demandes dans « Mes informations ».")
    }

    func autoAcceptedToDecider(to decider: Agent, requester: some MailAddressee, application: String) -> MailMessage {
        compose(
            to: decider.email, subject: "Demande acceptée automatiquement : \(application)",
            greeting: "Bonjour \(decider.fullName),",
            paragraphs: [
                "Faute de décision dans le délai prévu, la demande d’accès de \(requester.fullName) à l’application "
                    + "\(application) a été acceptée automatiquement.",
                "Si cet accès n’est pas justifié, vous pouvez retirer l’habilitation depuis l’espace Organismes.",
            ],
            link: baseURL + Paths.requestsToDecide,
            closing: "Vous recevez ce message parce que vous validez les demandes d’habilitation de cet organisme.")
    }

    /// Several automatic acceptances of one sweep, told to a decider at once.
    func autoAcceptedDigest(to decider: Agent, accepted: [(requester: String, application: String)]) -> MailMessage {
        let shown = 50
        var lines = accepted.prefix(shown).map { "– \($0.requester) : \($0.application)" }
        if accepted.count > shown { lines.append("… et \(accepted.count - shown) autres.") }
        return compose(
            to: decider.email, subject: "\(accepted.count) demandes acceptées automatiquement",
            greeting: "Bonjour \(decider.fullName),",
            paragraphs: [
                "Faute de décision dans le délai prévu, ces \(accepted.count) demandes d’accès ont été acceptées "
                    + "automatiquement :",
                lines.joined(separator: "\n"),
                "Si un accès n’est pas justifié, vous pouvez retirer l’habilitation depuis l’espace Organismes.",
            ],
            link: baseURL + Paths.requestsToDecide,
            closing: "Vous recevez ce message parce que vous validez les demandes d’habilitation de cet organisme.")
    }

    func grantRevoked(to agent: Agent, application: String, by revoker: String, reason: String) -> MailMessage {
        compose(
            to: agent.email, subject: "Votre habilitation à \(application) a été retirée",
            greeting: "Bonjour \(agent.fullName),",
            paragraphs: [
                "Votre habilitation à l’application \(application) a été retirée par \(revoker).",
                "Motif : \(reason)",
            ],
            link: baseURL + Paths.myRights,
            closing: "Pour toute question, contactez votre correspondant local (rubrique « Mes contacts »).")
    }

    func grantExpiring(to agent: Agent, application: String, endsOn end: Date, renewalURL: String) -> MailMessage {
        compose(
            to: agent.email, subject: "Votre habilitation à \(application) prend fin le \(ParisCalendar.longDate(end))",
            greeting: "Bonjour \(agent.fullName),",
            paragraphs: [
                "Votre habilitation à l’application \(application) prend fin le \(ParisCalendar.longDate(end)), au "
                    + "terme de sa durée de validité.",
                "Si vous en avez encore besoin, demandez son renouvellement : vous gardez l’accès jusqu’à la décision, "
                    + "ou au plus tard jusqu’à cette date.",
            ],
            link: baseURL + renewalURL,
            closing: "Sans renouvellement, l’accès sera retiré à cette date.")
    }

    func grantExpired(to agent: Agent, application: String, code: String) -> MailMessage {
        compose(
            to: agent.email, subject: "Votre habilitation à \(application) a pris fin",
            greeting: "Bonjour \(agent.fullName),",
            paragraphs: [
                "Votre habilitation à l’application \(application) a pris fin : sa durée de validité est écoulée.",
                "Si vous en avez encore besoin, vous pouvez en faire la demande à nouveau.",
            ],
            link: baseURL + Paths.requestAccess(code),
            closing: "Pour toute question, contactez votre correspondant local (rubrique « Mes contacts »).")
    }
}
