extension AgentRightsPage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("<h1>Habilitations de ")
            html.text(agentName)
            html.markup("</h1>\n")
            errors.write(to: &html)
            html.markup("<dl class=\"summary\">\n")
            html.markup("<dt>Identifiant</dt><dd>")
            html.text(email)
            html.markup("</dd>\n")
            html.markup("<dt>Organisme</dt><dd>")
            html.text(organisationName)
            html.markup("</dd>\n")
            html.markup("</dl>\n")
            html.markup("<h2>Habilitations</h2>\n")
            if grants.isEmpty {
                html.markup("<p>Aucune habilitation.</p>")
            } else {
                html.markup("<ul class=\"grants\">\n")
                for grant in grants {
                    html.markup("<li class=\"grant\">\n")
                    html.markup("<p><strong>")
                    html.text(grant.applicationName)
                    html.markup("</strong> — depuis le ")
                    html.text(grant.grantedOn)
                    html.markup(" (")
                    html.text(grant.origin)
                    html.markup(")")
                    if let lastDay = grant.lastDay {
                        html.markup(" — valable jusqu’au ")
                        html.text(lastDay)
                    }
                    if !grant.isActive {
                        html.markup(" — <strong>retirée le ")
                        html.text(grant.revokedOn)
                        html.markup("</strong>")
                        if let revokedBy = grant.revokedBy {
                            html.markup(" par ")
                            html.text(revokedBy)
                        }
                        html.markup(". Motif : ")
                        html.text(grant.revocationReason)
                    }
                    html.markup("</p>\n")
                    if grant.isActive && grant.canWithdraw {
                        html.markup("\n")
                        frame.writeFormStart(action: grant.revokeURL, to: &html)
                        html.markup("<div class=\"field")
                        if grant.error != nil {
                            html.markup(" field-error")
                        }
                        html.markup("\">\n")
                        html.markup("<label for=\"motif-")
                        html.attribute(grant.id)
                        html.markup("\">Motif du retrait de l’habilitation ")
                        html.text(grant.applicationName)
                        html.markup("</label>\n")
                        if let error = grant.error {
                            html.markup("<p class=\"error-message\" id=\"motif-")
                            html.attribute(grant.id)
                            html.markup("-error\"><span class=\"visually-hidden\">Erreur : </span>")
                            html.text(error)
                            html.markup("</p>")
                        }
                        html.markup("\n")
                        html.markup("<textarea id=\"motif-")
                        html.attribute(grant.id)
                        html.markup("\" name=\"motif\" rows=\"2\"")
                        if grant.error != nil {
                            html.markup(" aria-invalid=\"true\" aria-describedby=\"motif-")
                            html.attribute(grant.id)
                            html.markup("-error\"")
                        }
                        html.markup(">")
                        html.text(grant.reason)
                        html.markup("</textarea>\n")
                        html.markup("</div>\n")
                        html.markup("<button type=\"submit\" class=\"danger\">Retirer l’habilitation ")
                        html.text(grant.applicationName)
                        html.markup("</button>\n")
                        html.markup("</form>\n")
                    }
                    html.markup("</li>\n")
                }
                html.markup("</ul>\n")
            }
            html.markup("<h2>Demandes</h2>\n")
            if history.isEmpty {
                html.markup("<p>Aucune demande.</p>")
            } else {
                html.markup(
                    "<div class=\"table-wrapper\" tabindex=\"0\" role=\"region\" aria-label=\"Tableau (défilement horizontal possible)\">\n"
                )
                html.markup("<table>\n")
                html.markup("<caption class=\"visually-hidden\">Demandes de ")
                html.text(agentName)
                html.markup("</caption>\n")
                html.markup(
                    "<thead><tr><th scope=\"col\">Application</th><th scope=\"col\">Date</th><th scope=\"col\">Statut</th><th scope=\"col\">Décision</th><th scope=\"col\">Motif</th></tr></thead>\n"
                )
                html.markup("<tbody>\n")
                for row in history {
                    html.markup("<tr><td>")
                    html.text(row.applicationName)
                    html.markup("</td><td>")
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
            }
        }
    }
}
