extension PrivacyPage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("<h1>Données personnelles</h1>\n")
            html.markup("<h2>Responsable et finalités</h2>\n")
            html.markup(
                "<p>L’UCANSS traite les données de l’espace Organismes pour donner aux agents des organismes de Sécurité sociale l’accès aux applications de l’offre de services : créer et gérer les comptes d’accès, instruire les demandes d’habilitation, informer les agents et leurs correspondants, envoyer les lettres d’information choisies, et assurer la sécurité du portail.</p>\n"
            )
            html.markup(
                "<p>Ce traitement est nécessaire à l’exécution de la mission d’intérêt public de l’UCANSS (article 6, 1, e du RGPD). L’abonnement aux lettres d’information repose sur votre consentement, que vous pouvez retirer à tout moment.</p>\n"
            )
            html.markup("<h2>Données traitées</h2>\n")
            html.markup("<ul>\n")
            html.markup(
                "<li>Identité et coordonnées professionnelles : civilité, nom, prénom, adresse électronique, téléphone, organisme.</li>\n"
            )
            html.markup("<li>Demandes d’habilitation, décisions, habilitations accordées ou retirées.</li>\n")
            html.markup("<li>Abonnements aux lettres d’information.</li>\n")
            html.markup(
                "<li>Si vous l’activez, la clé de votre application de double authentification (elle ne quitte pas le portail et disparaît quand la double authentification est désactivée ou réinitialisée).</li>\n"
            )
            html.markup("<li>Journal de sécurité : connexions, décisions et modifications, avec l’adresse IP.</li>\n")
            html.markup("</ul>\n")
            html.markup("<h2>Destinataires</h2>\n")
            html.markup(
                "<p>Les correspondants locaux de votre organisme et les administrateurs de l’UCANSS, chacun pour ce qui le concerne. Aucune donnée n’est cédée ni transférée hors de l’Union européenne.</p>\n"
            )
            html.markup("<h2>Durées de conservation</h2>\n")
            html.markup("<ul>\n")
            html.markup("<li>Compte d’accès : tant qu’il est actif.</li>\n")
            html.markup("<li>Inscription dont l’adresse n’est pas confirmée : ")
            html.text(proofValidityHours)
            html.markup(" heures.</li>\n")
            html.markup("<li>Session : 30 minutes sans activité, 12 heures au plus.</li>\n")
            html.markup("<li>Journal de sécurité : ")
            html.text(auditRetentionDays)
            html.markup(" jours.</li>\n")
            html.markup("</ul>\n")
            html.markup("<h2>Vos droits</h2>\n")
            html.markup("<p>Vous pouvez accéder à vos données et les rectifier dans <a href=\"")
            html.url(myDetailsURL)
            html.markup("\">Mes coordonnées</a>, les télécharger (<a href=\"")
            html.url(myDataURL)
            html.markup("\">Télécharger mes données</a>) et voir vos sessions ouvertes dans <a href=\"")
            html.url(mySessionsURL)
            html.markup(
                "\">Mes sessions</a>. Pour exercer vos droits d’effacement, de limitation ou d’opposition, ou pour joindre le délégué à la protection des données, écrivez à <a href=\"mailto:"
            )
            html.attribute(frame.webmasterEmail)
            html.markup("\">")
            html.text(frame.webmasterEmail)
            html.markup("</a>.</p>\n")
            html.markup(
                "<p>Si vous estimez que vos droits ne sont pas respectés, vous pouvez adresser une réclamation à la Commission nationale de l’informatique et des libertés (CNIL).</p>\n"
            )
        }
    }
}
