import Foundation

/// The mail of deputies.
extension MailTemplates {
    /// To the deputy named for an absence.
    func deputyNamed(to deputy: Agent, absent: Agent, firstDay: String, lastDay: String) -> MailMessage {
        compose(
            to: deputy.email, subject: "Vous suppléez \(absent.fullName) du \(firstDay) au \(lastDay)",
            greeting: "Bonjour \(deputy.fullName),",
            paragraphs: [
                "\(absent.fullName) vous a désigné·e comme suppléant·e du \(firstDay) au \(lastDay).",
                "Pendant cette période, vous voyez et décidez ses demandes à traiter, recevez ses notifications et "
                    + "ses rappels, et menez ses revues d’habilitations. Chacune de vos décisions porte la mention "
                    + "« en suppléance de \(absent.fullName) ».",
            ],
            link: baseURL + Paths.requestsToDecide,
            closing: "Pour toute question, contactez les administrateurs de l’espace Organismes.")
    }
}
