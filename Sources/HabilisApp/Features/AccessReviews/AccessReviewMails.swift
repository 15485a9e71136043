import Foundation

/// The mails of access reviews.
extension MailTemplates {
    /// To a reviewer, when a campaign opens and in each reminder: how many rights wait, by when, and the rule.
    func reviewToDo(to reviewer: Agent, campaign: ReviewCampaign, rights: Int, isReminder: Bool) -> MailMessage {
        let what = rights == 1 ? "1 habilitation attend" : "\(rights) habilitations attendent"
        let lastDay = RightValidity.lastDay(of: campaign.deadline)
        return compose(
            to: reviewer.email,
            subject: (isReminder ? "Rappel — " : "")
                + "Revue des habilitations « \(campaign.name) » avant le \(lastDay)",
            greeting: "Bonjour \(reviewer.fullName),",
            paragraphs: [
                "\(what) votre revue dans la campagne « \(campaign.name) » : pour chacune, conservez-la ou "
                    + "retirez-la (avec un motif), d’ici la fin du \(lastDay).",
                campaign.ruleSentence,
            ],
            link: baseURL + Paths.accessReview(campaign.id!),
            closing: "Merci de votre contribution au contrôle interne des habilitations.")
    }
}
