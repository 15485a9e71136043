extension MyRightsPage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("\n")
            html.markup("<h1>Mes informations</h1>\n")
            html.markup("<h2>Mes habilitations</h2>\n")
            html.markup("<details class=\"block\" id=\"historique\"")
            if historyOpen {
                html.markup(" open")
            }
            html.markup(">\n")
            html.markup("<summary>Historique de vos demandes (")
            html.text(pagination.total)
            html.markup(")</summary>\n")
            if history.isEmpty {
                html.markup("<p>Vous n’avez fait aucune demande d’habilitation.</p>")
            } else {
                html.markup(
                    "<div class=\"table-wrapper\" tabindex=\"0\" role=\"region\" aria-label=\"Tableau (défilement horizontal possible)\">\n"
                )
                html.markup("<table>\n")
                html.markup(
                    "<caption class=\"visually-hidden\">Historique de vos demandes, de la plus récente à la plus ancienne</caption>\n"
                )
                html.markup(
                    "<thead><tr><th scope=\"col\">Application</th><th scope=\"col\">Date</th><th scope=\"col\">Statut</th><th scope=\"col\">Décision</th><th scope=\"col\">Motif</th></tr></thead>\n"
                )
                html.markup("<tbody>\n")
                for row in history {
                    html.markup("<tr><td><a href=\"")
                    html.url(row.url)
                    html.markup("\">")
                    html.text(row.applicationName)
                    html.markup("</a></td><td>")
                    html.text(row.createdOn)
                    html.markup("</td><td>")
                    html.text(row.statusLabel)
                    html.markup("</td><td>")
                    if let decidedOn = row.decidedOn {
                        html.text(decidedOn)
                        if let decidedBy = row.decidedBy {
                            html.markup(" — ")
                            html.text(decidedBy)
                        }
                    } else {
                        html.markup("—")
                    }
                    html.markup("</td><td>")
                    if let refusalReason = row.refusalReason {
                        html.text(refusalReason)
                    } else {
                        html.markup("—")
                    }
                    html.markup("</td></tr>\n")
                }
                html.markup("</tbody>\n")
                html.markup("</table>\n")
                html.markup("</div>\n")
                pagination.write(to: &html)
            }
            html.markup("</details>\n")
            html.markup("<details class=\"block\" id=\"habilitations\">\n")
            html.markup("<summary>Liste de vos habilitations (")
            html.text(grants.count)
            html.markup(")</summary>\n")
            if grants.isEmpty {
                html.markup("<p>Vous ne disposez d’aucune habilitation pour le moment.</p>")
            } else {
                html.markup(
                    "<div class=\"table-wrapper\" tabindex=\"0\" role=\"region\" aria-label=\"Tableau (défilement horizontal possible)\">\n"
                )
                html.markup("<table>\n")
                html.markup("<caption class=\"visually-hidden\">Liste de vos habilitations actuelles</caption>\n")
                html.markup(
                    "<thead><tr><th scope=\"col\">Application</th><th scope=\"col\">Depuis le</th><th scope=\"col\">Jusqu’au</th><th scope=\"col\">Origine</th></tr></thead>\n"
                )
                html.markup("<tbody>\n")
                for grant in grants {
                    html.markup("<tr><td><a href=\"")
                    html.url(grant.launchURL)
                    html.markup("\">")
                    html.text(grant.applicationName)
                    html.markup("</a></td><td>")
                    html.text(grant.grantedOn)
                    html.markup("</td><td>")
                    if let lastDay = grant.lastDay {
                        html.text(lastDay)
                        if let renewalURL = grant.renewalURL {
                            html.markup("<br><a href=\"")
                            html.url(renewalURL)
                            html.markup("\">Demander le renouvellement<span class=\"visually-hidden\"> de ")
                            html.text(grant.applicationName)
                            html.markup("</span></a>")
                        } else if let pendingRenewalURL = grant.pendingRenewalURL {
                            html.markup("<br><a href=\"")
                            html.url(pendingRenewalURL)
                            html.markup("\">Renouvellement demandé</a>")
                        }
                    } else {
                        html.markup("sans limite")
                    }
                    html.markup("</td><td>")
                    html.text(grant.origin)
                    html.markup("</td></tr>\n")
                }
                html.markup("</tbody>\n")
                html.markup("</table>\n")
                html.markup("</div>\n")
            }
            html.markup("</details>\n")
            html.markup(
                "<p>Sauf refus formel par votre administrateur local, votre demande est acceptée dans un délai maximum de 10 jours après la date de la demande. Vous recevez un message de notification en cas d’acceptation ou de refus.</p>\n"
            )
        }
    }
}
