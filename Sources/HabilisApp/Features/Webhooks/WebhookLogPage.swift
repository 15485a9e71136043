/// The deliveries of one endpoint in the last 30 days, newest first, with the answer received and « Renvoyer » for
/// the failed ones.
struct WebhookLogPage: HTMLPage {
    struct Row {
        let createdAt: String
        let event: String
        let messageID: String
        let status: String
        let attempts: Int
        let answer: String
        let resendURL: String?
    }

    let frame: PageFrame
    let applicationName: String
    let url: String
    let rows: [Row]
    let removeURL: String
    let listURL: String

    static func label(_ status: WebhookDelivery.Status) -> String {
        switch status {
        case .pending: "En attente"
        case .sending: "En cours d’envoi"
        case .sent: "Reçu"
        case .failed: "En échec"
        }
    }

    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("<h1>Envois vers ")
            html.text(url)
            html.markup("</h1>\n<p>Point de réception de l’application ")
            html.text(applicationName)
            html.markup(". Les envois des 30 derniers jours, du plus récent au plus ancien.</p>\n")
            if rows.isEmpty {
                html.markup("<p>Aucun événement n’a été envoyé à ce point de réception.</p>\n")
            } else {
                html.markup("<div class=\"table-wrapper\" tabindex=\"0\" role=\"region\" aria-label=\"Envois\">\n")
                html.markup("<table>\n<caption>Envois des 30 derniers jours</caption>\n<thead><tr>")
                html.markup("<th scope=\"col\">Date</th><th scope=\"col\">Événement</th>")
                html.markup("<th scope=\"col\">Identifiant (webhook-id)</th><th scope=\"col\">État</th>")
                html.markup("<th scope=\"col\">Tentatives</th><th scope=\"col\">Réponse reçue</th>")
                html.markup("<th scope=\"col\">Action</th></tr></thead>\n<tbody>\n")
                for row in rows {
                    html.markup("<tr><td>")
                    html.text(row.createdAt)
                    html.markup("</td><td><code>")
                    html.text(row.event)
                    html.markup("</code></td><td><code>")
                    html.text(row.messageID)
                    html.markup("</code></td><td>")
                    html.text(row.status)
                    html.markup("</td><td>")
                    html.text(String(row.attempts))
                    html.markup("</td><td class=\"wrap\">")
                    html.text(row.answer)
                    html.markup("</td><td>")
                    if let resendURL = row.resendURL {
                        html.markup("<form method=\"post\" action=\"")
                        html.url(resendURL)
                        html.markup("\"><input type=\"hidden\" name=\"_csrf\" value=\"")
                        html.attribute(frame.csrfToken)
                        html.markup("\"><button type=\"submit\" class=\"secondary\">Renvoyer<span class=")
                        html.markup("\"visually-hidden\"> l’événement ")
                        html.text(row.messageID)
                        html.markup("</span></button></form>")
                    } else {
                        html.markup("—")
                    }
                    html.markup("</td></tr>\n")
                }
                html.markup("</tbody>\n</table>\n</div>\n")
            }
            html.markup("<form method=\"post\" action=\"")
            html.url(removeURL)
            html.markup("\"><input type=\"hidden\" name=\"_csrf\" value=\"")
            html.attribute(frame.csrfToken)
            html.markup("\"><div class=\"actions\"><button type=\"submit\" class=\"danger\">Supprimer ce point de ")
            html.markup("réception</button></div></form>\n<p><a href=\"")
            html.url(listURL)
            html.markup("\">Retour à l’accès machine et aux événements</a></p>\n")
        }
    }
}
