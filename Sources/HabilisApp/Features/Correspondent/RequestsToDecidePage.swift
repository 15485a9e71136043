import Foundation

extension RequestsToDecidePage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("<h1>Demandes à traiter</h1>\n")
            errors.write(to: &html)
            if rows.isEmpty {
                if accountRows.isEmpty {
                    html.markup("<p>Aucune demande n’attend votre décision.</p>")
                }
            }
            if !accountRows.isEmpty {
                html.markup("<h2>Demandes de création de compte (")
                html.text(accountRows.count)
                html.markup(")</h2>\n")
                html.markup(
                    "<p>Une demande de création de compte n’est jamais acceptée automatiquement : vérifiez l’identité de la personne avant d’accepter.</p>\n"
                )
                html.markup("<form method=\"post\" action=\"")
                html.url(accountAction)
                html.markup("\" novalidate>\n")
                html.markup("<input type=\"hidden\" name=\"_csrf\" value=\"")
                html.attribute(frame.csrfToken)
                html.markup("\">\n")
                html.markup("<fieldset id=\"comptesSelection\" class=\"")
                if errors["comptesSelection"] != nil {
                    html.markup("field-error")
                }
                html.markup("\">\n")
                html.markup("<legend>Demandes de création de compte en attente</legend>\n")
                errors.writeMessage(of: "comptesSelection", to: &html)
                html.markup(
                    "<div class=\"table-wrapper\" tabindex=\"0\" role=\"region\" aria-label=\"Tableau (défilement horizontal possible)\">\n"
                )
                html.markup("<table>\n")
                html.markup(
                    "<caption class=\"visually-hidden\">Demandes de création de compte en attente de décision</caption>\n"
                )
                html.markup(
                    "<thead><tr><th scope=\"col\">Sélection</th><th scope=\"col\">Personne</th><th scope=\"col\">Organisme</th><th scope=\"col\">Coordonnées</th><th scope=\"col\">Reçue le</th></tr></thead>\n"
                )
                html.markup("<tbody>\n")
                for row in accountRows {
                    html.markup("<tr")
                    if row.isOverdue {
                        html.markup(" class=\"overdue\"")
                    }
                    html.markup(">\n")
                    html.markup("<td><input type=\"checkbox\" name=\"ids[]\" value=\"")
                    html.attribute(row.id)
                    html.markup("\" id=\"compte-")
                    html.attribute(row.id)
                    html.markup("\"")
                    if row.isSelected {
                        html.markup(" checked")
                    }
                    html.markup("><label for=\"compte-")
                    html.attribute(row.id)
                    html.markup("\" class=\"visually-hidden\">Sélectionner la demande de compte de ")
                    html.text(row.name)
                    html.markup("</label></td>\n")
                    html.markup("<td><a href=\"")
                    html.url(row.url)
                    html.markup("\">")
                    html.text(row.name)
                    html.markup("</a><br>")
                    html.text(row.email)
                    if row.isOutsideMailDomains {
                        html.markup(
                            "<br><strong class=\"warning\">Attention : adresse hors des domaines de l’organisme (")
                        html.text(row.mailDomains)
                        html.markup(")</strong>")
                    }
                    html.markup("</td>\n")
                    html.markup("<td>")
                    html.text(row.organisationName)
                    if let secondOrganisationName = row.secondOrganisationName {
                        html.markup("<br><span class=\"muted\">second organisme : ")
                        html.text(secondOrganisationName)
                        html.markup("</span>")
                    }
                    html.markup("</td>\n")
                    html.markup("<td>")
                    html.text(row.phone)
                    if let contactEmail = row.contactEmail {
                        html.markup("<br>")
                        html.text(contactEmail)
                    }
                    html.markup("</td>\n")
                    html.markup("<td>")
                    html.text(row.submittedOn)
                    if row.isOverdue {
                        html.markup("<br><strong>en retard</strong>")
                    }
                    html.markup("</td>\n")
                    html.markup("</tr>\n")
                }
                html.markup("\n")
                html.markup("</tbody>\n")
                html.markup("</table>\n")
                html.markup("</div>\n")
                html.markup("</fieldset>\n")
                errors.writeField("comptesMotif", label: "Motif du refus (obligatoire pour refuser)", to: &html) {
                    html in
                    html.markup("<textarea id=\"comptesMotif\" name=\"motif\" rows=\"3\"")
                    errors.writeInvalidState(of: "comptesMotif", to: &html)
                    html.markup(">")
                    html.text(accountReason)
                    html.markup("</textarea>\n")
                }
                if let error = errors["comptesDecision"] {
                    html.markup("<p class=\"error-message\" id=\"comptesDecision\">")
                    html.text(error)
                    html.markup("</p>")
                }
                html.markup("<div class=\"actions\">\n")
                html.markup(
                    "<button type=\"submit\" name=\"decision\" value=\"accepter\">Accepter les comptes sélectionnés</button>\n"
                )
                html.markup(
                    "<button type=\"submit\" name=\"decision\" value=\"refuser\" class=\"danger\">Refuser les comptes sélectionnés</button>\n"
                )
                html.markup("</div>\n")
                html.markup("</form>\n")
            }
            if !rows.isEmpty {
                let listed = pagination.total.formatted(.number.locale(Locale(identifier: "fr_FR")))
                html.markup("<h2>Demandes d’habilitation (")
                html.text(hasMore ? "plus de \(listed)" : listed)
                html.markup(")</h2>\n<p>")
                if hasMore {
                    html.text(
                        "Plus de \(listed) demandes en attente : voici les \(listed) dont l’acceptation automatique "
                            + "est la plus proche, de la plus proche à la plus lointaine ; les suivantes s’ajoutent à "
                            + "la liste à mesure que vous décidez.")
                } else {
                    html.text(listed)
                    html.markup(
                        " demande(s) en attente, de l’acceptation automatique la plus proche à la plus lointaine.")
                }
                html.markup(" Sans refus formel, chaque demande est acceptée automatiquement à sa date.</p>\n")
                html.markup("<form method=\"post\" action=\"")
                html.url(action)
                html.markup("\" novalidate>\n")
                html.markup("<input type=\"hidden\" name=\"_csrf\" value=\"")
                html.attribute(frame.csrfToken)
                html.markup("\">\n")
                html.markup("<fieldset id=\"selection\" class=\"")
                if errors["selection"] != nil {
                    html.markup("field-error")
                }
                html.markup("\">\n")
                html.markup("<legend>Demandes en attente</legend>\n")
                errors.writeMessage(of: "selection", to: &html)
                html.markup(
                    "<div class=\"table-wrapper\" tabindex=\"0\" role=\"region\" aria-label=\"Tableau (défilement horizontal possible)\">\n"
                )
                html.markup("<table>\n")
                html.markup("<caption class=\"visually-hidden\">Demandes en attente de décision</caption>\n")
                html.markup(
                    "<thead><tr><th scope=\"col\">Sélection</th><th scope=\"col\">Agent</th><th scope=\"col\">Application</th><th scope=\"col\">Demandée le</th><th scope=\"col\">Acceptation automatique</th><th scope=\"col\">Justification</th></tr></thead>\n"
                )
                html.markup("<tbody>\n")
                for row in rows {
                    html.markup("<tr")
                    if row.isOverdue {
                        html.markup(" class=\"overdue\"")
                    }
                    html.markup(">\n")
                    html.markup("<td><input type=\"checkbox\" name=\"ids[]\" value=\"")
                    html.attribute(row.id)
                    html.markup("\" id=\"select-")
                    html.attribute(row.id)
                    html.markup("\"")
                    if row.isSelected {
                        html.markup(" checked")
                    }
                    html.markup("><label for=\"select-")
                    html.attribute(row.id)
                    html.markup("\" class=\"visually-hidden\">Sélectionner la demande de ")
                    html.text(row.agentName)
                    html.markup(" pour ")
                    html.text(row.applicationName)
                    html.markup("</label></td>\n")
                    html.markup("<td><a href=\"")
                    html.url(row.agentURL)
                    html.markup("\">")
                    html.text(row.agentName)
                    html.markup("</a><br><span class=\"muted\">")
                    html.text(row.organisationName)
                    html.markup("</span></td>\n")
                    html.markup("<td><a href=\"")
                    html.url(row.url)
                    html.markup("\">")
                    html.text(row.applicationName)
                    html.markup("</a></td>\n")
                    html.markup("<td>")
                    html.text(row.createdOn)
                    html.markup("</td>\n")
                    html.markup("<td>")
                    html.text(row.autoAcceptOn)
                    html.markup("<br><strong>")
                    html.text(row.daysLeftLabel)
                    html.markup("</strong></td>\n")
                    html.markup("<td class=\"multiline\">")
                    if let justification = row.justification {
                        html.text(justification)
                    } else {
                        html.markup("—")
                    }
                    html.markup("</td>\n")
                    html.markup("</tr>\n")
                }
                html.markup("\n")
                html.markup("</tbody>\n")
                html.markup("</table>\n")
                html.markup("</div>\n")
                html.markup("</fieldset>\n")
                errors.writeField("motif", label: "Motif du refus (obligatoire pour refuser)", to: &html) { html in
                    html.markup("<textarea id=\"motif\" name=\"motif\" rows=\"3\"")
                    errors.writeInvalidState(of: "motif", to: &html)
                    html.markup(">")
                    html.text(reason)
                    html.markup("</textarea>\n")
                }
                if let error = errors["decision"] {
                    html.markup("<p class=\"error-message\" id=\"decision\">")
                    html.text(error)
                    html.markup("</p>")
                }
                html.markup("<div class=\"actions\">\n")
                html.markup(
                    "<button type=\"submit\" name=\"decision\" value=\"accepter\">Accepter la sélection</button>\n")
                html.markup(
                    "<button type=\"submit\" name=\"decision\" value=\"refuser\" class=\"danger\">Refuser la sélection</button>\n"
                )
                html.markup("</div>\n")
                html.markup("</form>\n")
                pagination.write(to: &html)
            }
        }
    }
}
