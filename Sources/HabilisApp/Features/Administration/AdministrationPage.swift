extension AdministrationPage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("\n")
            html.markup("<h1>Administration</h1>\n")
            html.markup("<ul class=\"admin-menu\">\n")
            html.markup("<li><a href=\"")
            html.url(dashboardURL)
            html.markup("\">Tableau de bord</a> — demandes par semaine, décisions, délais, demandes en attente</li>\n")
            html.markup("<li><a href=\"")
            html.url(organisationsURL)
            html.markup(
                "\">Organismes</a> — créer, modifier, désactiver ; domaines de messagerie ; correspondants locaux</li>\n"
            )
            html.markup("<li><a href=\"")
            html.url(applicationsURL)
            html.markup("\">Applications</a> — catalogue, ordre, mode de gestion des accès</li>\n")
            html.markup("<li><a href=\"")
            html.url(agentsURL)
            html.markup(
                "\">Agents</a> — rechercher, modifier, désactiver un compte ; attribuer une habilitation</li>\n")
            html.markup("<li><a href=\"")
            html.url(newslettersURL)
            html.markup("\">Lettres d’information</a> — créer, modifier, exporter les abonnés</li>\n")
            html.markup("<li><a href=\"")
            html.url(faqURL)
            html.markup("\">Foire aux questions</a> — créer, modifier, ordonner et masquer les questions</li>\n")
            html.markup("<li><a href=\"")
            html.url(settingsURL)
            html.markup("\">Paramètres</a> — délai d’acceptation automatique, rappel, adresses de contact</li>\n")
            html.markup("<li><a href=\"")
            html.url(auditURL)
            html.markup("\">Journal d’audit</a> — événements de sécurité et décisions, export CSV</li>\n")
            html.markup("<li><a href=\"")
            html.url(failedMailsURL)
            html.markup(
                "\">Courriels en échec</a> — courriels non envoyés après plusieurs tentatives, les renvoyer</li>\n")
            html.markup("<li><a href=\"")
            html.url(directorsImportURL)
            html.markup("\">Agents de Direction</a> — importer l’export du Référentiel</li>\n")
            html.markup("<li><a href=\"")
            html.url(organisationsImportURL)
            html.markup("\">Importer des organismes (CSV)</a> · <a href=\"")
            html.url(agentsImportURL)
            html.markup("\">Importer des agents (CSV)</a></li>\n")
            html.markup("<li><a href=\"")
            html.url(rightsCSVURL)
            html.markup("\">Exporter toutes les habilitations (CSV)</a></li>\n")
            html.markup("</ul>\n")
        }
    }
}
