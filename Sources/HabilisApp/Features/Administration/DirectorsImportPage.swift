extension DirectorsImportPage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("<h1>")
            html.text(heading)
            html.markup("</h1>\n")
            if kind == .organisations {
                html.markup(
                    "<p>Fichier CSV (séparateur point-virgule ou virgule, UTF-8). Colonnes : <code>code</code> et <code>nom</code> (obligatoires), <code>branche</code> (maladie, famille, retraite, recouvrement, autre), <code>domaines</code>, <code>actif</code> (oui/non). Chaque ligne crée l’organisme ou met à jour celui de même code.</p>"
                )
            } else if kind == .rights {
                html.markup(
                    "<p>Fichier CSV (séparateur point-virgule ou virgule, UTF-8). Colonnes : <code>email</code> et <code>application</code> (code) obligatoires ; <code>profil</code> (code), pour une application qui a des profils — vide, son profil par défaut. Chaque ligne attribue l’habilitation, comme depuis la page de l’agent, qui en est informé ; une habilitation déjà détenue reste inchangée. L’import ne retire rien.</p>"
                )
            } else if kind == .agents {
                html.markup(
                    "<p>Fichier CSV (séparateur point-virgule ou virgule, UTF-8). Colonnes : <code>email</code>, <code>prenom</code>, <code>nom</code>, <code>organisme</code> (code) obligatoires ; <code>civilite</code>, <code>telephone</code>. Chaque ligne crée le compte ou met à jour celui de même adresse ; un compte créé choisit son mot de passe avec « mot de passe oublié ».</p>"
                )
            } else {
                html.markup(
                    "<p>Importez l’export CSV du Référentiel des Agents de Direction (séparateur point-virgule ou virgule, encodage UTF-8). Colonnes : <code>email</code> (obligatoire), <code>civilite</code>, <code>prenom</code>, <code>nom</code>, <code>nom_naissance</code>, <code>organisme</code> (code, pour créer un compte absent). Chaque ligne met à jour le compte de même adresse et le marque comme Agent de Direction.</p>"
                )
            }
            errors.write(to: &html)
            html.markup("\n")
            html.markup("<form method=\"post\" action=\"")
            html.url(action)
            html.markup("\" class=\"form\" enctype=\"multipart/form-data\" novalidate>\n")
            html.markup("<input type=\"hidden\" name=\"_csrf\" value=\"")
            html.attribute(frame.csrfToken)
            html.markup("\">\n")
            errors.writeField("fichier", label: "Fichier CSV (5 Mo au plus)", to: &html) { html in
                html.markup("<input type=\"file\" id=\"fichier\" name=\"fichier\" accept=\".csv,text/csv\"")
                errors.writeInvalidState(of: "fichier", to: &html)
                html.markup(">\n")
            }
            html.markup(
                "<div class=\"field\"><input type=\"checkbox\" id=\"simulation\" name=\"simulation\" value=\"1\"> <label for=\"simulation\" class=\"inline\">Simulation : vérifier le fichier sans rien enregistrer</label></div>\n"
            )
            html.markup("<div class=\"actions\"><button type=\"submit\">Importer</button></div>\n")
            html.markup("</form>\n")
            if let report {
                html.markup("<h2>")
                if report.dryRun {
                    html.markup("Résultat de la simulation (rien n’a été enregistré)")
                } else {
                    html.markup("Résultat de l’import")
                }
                html.markup("</h2>\n")
                html.markup("<ul>\n")
                html.markup("<li>")
                html.text(report.created)
                html.markup(" créé(s)</li>\n")
                html.markup("<li>")
                html.text(report.updated)
                html.markup(" mis à jour</li>\n")
                html.markup("<li>")
                html.text(report.unchanged)
                html.markup(" inchangé(s)</li>\n")
                html.markup("<li>")
                html.text(report.rejected)
                html.markup(" ligne(s) rejetée(s)</li>\n")
                html.markup("</ul>\n")
                if !report.lines.isEmpty {
                    html.markup(
                        "<div class=\"table-wrapper\" tabindex=\"0\" role=\"region\" aria-label=\"Tableau (défilement horizontal possible)\">\n"
                    )
                    html.markup("<table>\n")
                    html.markup("<caption class=\"visually-hidden\">Détail par ligne</caption>\n")
                    html.markup(
                        "<thead><tr><th scope=\"col\">Ligne</th><th scope=\"col\">Clé</th><th scope=\"col\">Résultat</th><th scope=\"col\">Détail</th></tr></thead>\n"
                    )
                    html.markup("<tbody>\n")
                    for line in report.lines {
                        html.markup("<tr><td>")
                        html.text(line.number)
                        html.markup("</td><td>")
                        html.text(line.email)
                        html.markup("</td><td>")
                        html.text(line.outcome)
                        html.markup("</td><td>")
                        html.text(line.detail)
                        html.markup("</td></tr>\n")
                    }
                    html.markup("</tbody>\n")
                    html.markup("</table>\n")
                    html.markup("</div>\n")
                }
            }
        }
    }
}
