extension AccessibilityPage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("\n")
            html.markup("<h1>Accessibilité</h1>\n")
            html.markup(
                "<p>L’UCANSS s’engage à rendre l’espace Organismes accessible, conformément à l’article 47 de la loi n° 2005-102 du 11 février 2005.</p>\n"
            )
            html.markup("<h2>État de conformité</h2>\n")
            html.markup(
                "<p>L’espace Organismes est <strong>non conforme</strong> au référentiel général d’amélioration de l’accessibilité (RGAA 4.1) : il n’a pas encore fait l’objet d’un audit de conformité complet, et en l’absence d’audit le site doit être déclaré non conforme.</p>\n"
            )
            html.markup("<h2>Ce qui est vérifié à chaque version</h2>\n")
            html.markup("<ul>\n")
            html.markup(
                "<li>Chaque écran est analysé automatiquement selon les critères WCAG 2.1 de niveaux A et AA.</li>\n")
            html.markup("<li>Le code HTML de chaque écran est validé.</li>\n")
            html.markup("<li>Chaque écran s’affiche sans défilement horizontal sur une largeur de 320 pixels.</li>\n")
            html.markup(
                "<li>Le portail fonctionne sans JavaScript et au clavier ; les erreurs de saisie sont annoncées à côté du champ concerné.</li>\n"
            )
            html.markup(
                "<li>Deux minutes avant la fin d’une session inactive, un message permet de la prolonger sans quitter la page (critère 13.1). Ce message demande JavaScript : sans lui, la limite de 30 minutes sans activité est annoncée sur la page de connexion.</li>\n"
            )
            html.markup("</ul>\n")
            html.markup("<h2>Retour d’information et contact</h2>\n")
            html.markup(
                "<p>Si vous ne parvenez pas à accéder à un contenu ou à un service, écrivez à <a href=\"mailto:")
            html.attribute(frame.webmasterEmail)
            html.markup("\">")
            html.text(frame.webmasterEmail)
            html.markup("</a> : nous vous proposerons une alternative accessible.</p>\n")
            html.markup("<h2>Voies de recours</h2>\n")
            html.markup(
                "<p>Si vous nous avez signalé un défaut d’accessibilité sans obtenir de réponse satisfaisante, vous pouvez saisir le Défenseur des droits (formulaire en ligne, délégué de votre région, ou courrier gratuit à Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07).</p>\n"
            )
        }
    }
}
