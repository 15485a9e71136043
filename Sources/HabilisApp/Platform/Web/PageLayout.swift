/// The layout every page shares, and the pieces that forms and lists repeat: written by the HTML writer.
extension PageFrame {
    /// The whole document around a page's content: header with the signed-in person, side menu, footer and the
    /// warning before the session ends.
    func write(to html: inout HTMLWriter, content: (inout HTMLWriter) -> Void) {
        html.markup("<!doctype html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n")
        html.markup("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        html.markup("<title>")
        html.text(title)
        html.markup("</title>\n")
        if let refreshURL {
            html.markup("<meta http-equiv=\"refresh\" content=\"0;url=")
            html.url(refreshURL)
            html.markup("\">\n")
        }
        html.markup("<link rel=\"stylesheet\" href=\"/static/habilis.css\">\n</head>\n<body>\n")
        html.markup("<a class=\"skip-link\" href=\"#contenu\">Aller au contenu</a>\n")
        html.markup("<header class=\"site-header\">\n<a href=\"")
        html.url(Paths.home)
        html.markup("\" class=\"brand\"><span class=\"brand-name\">UCANSS</span> ")
        html.markup("<span class=\"brand-space\">Espace Organismes</span></a>\n")
        if let user { writeAccount(of: user, to: &html) }
        html.markup("</header>\n<div class=\"layout\">\n")
        if user != nil { writeMenu(to: &html) }
        html.markup("<main id=\"contenu\" tabindex=\"-1\">\n")
        if let notice {
            html.markup("<p class=\"notice\" role=\"status\">")
            html.text(notice)
            html.markup("</p>")
        }
        content(&html)
        html.markup("\n</main>\n</div>\n")
        writeFooter(to: &html)
        if let sessionWarning { writeWarning(sessionWarning, to: &html) }
        html.markup("</body>\n</html>\n")
    }

    /// The opening of a page's form: posted to `action`, checked by the server (`novalidate`: the French messages
    /// come from the server, next to each field), with the form token.
    func writeFormStart(action: String, to html: inout HTMLWriter) {
        html.markup("<form method=\"post\" action=\"")
        html.url(action)
        html.markup("\" class=\"form\" novalidate>\n<input type=\"hidden\" name=\"_csrf\" value=\"")
        html.attribute(csrfToken)
        html.markup("\">\n")
    }

    private func writeAccount(of user: UserBadge, to html: inout HTMLWriter) {
        html.markup("<div class=\"account\">\n<p class=\"account-name\">")
        html.text(user.name)
        if let roleLabel = user.roleLabel {
            html.markup(" <span class=\"role\">")
            html.text(roleLabel)
            html.markup("</span>")
        }
        html.markup("</p>\n<p class=\"account-notifications\"><a href=\"")
        html.url(Paths.notifications)
        html.markup("\">Notifications")
        if let unreadLabel = user.unreadLabel {
            html.markup(" (<strong>")
            html.text(unreadLabel)
            html.markup("</strong>)")
        }
        html.markup("</a></p>\n<form method=\"post\" action=\"")
        html.url(Paths.signOut)
        html.markup("\"><input type=\"hidden\" name=\"_csrf\" value=\"")
        html.attribute(csrfToken)
        html.markup("\"><button type=\"submit\" class=\"link-button\">Se déconnecter</button></form>\n</div>\n")
    }

    private func writeMenu(to html: inout HTMLWriter) {
        html.markup("<nav class=\"side-menu\" aria-label=\"Menu principal\">\n<ul>\n")
        for link in menu {
            html.markup("<li>")
            link.writeAnchor(to: &html)
            if !link.children.isEmpty {
                html.markup("<ul class=\"submenu\">\n")
                for child in link.children {
                    html.markup("<li>")
                    child.writeAnchor(to: &html)
                    html.markup("</li>\n")
                }
                html.markup("</ul>")
            }
            html.markup("</li>\n")
        }
        html.markup("</ul>\n</nav>\n")
    }

    private func writeFooter(to html: inout HTMLWriter) {
        html.markup("<footer class=\"site-footer\">\n<p>Vous avez des questions ?</p>\n<ul>\n<li><a href=\"")
        html.url(Paths.faq)
        html.markup("\">Consultez notre foire aux questions</a></li>\n<li>Écrivez à <a href=\"mailto:")
        html.attribute(webmasterEmail)
        html.markup("\">")
        html.text(webmasterEmail)
        html.markup("</a></li>\n</ul>\n<ul class=\"legal\">\n<li><a href=\"")
        html.url(Paths.accessibility)
        html.markup("\">Accessibilité : non conforme</a></li>\n<li><a href=\"")
        html.url(Paths.privacy)
        html.markup("\">Données personnelles</a></li>\n</ul>\n</footer>\n")
    }

    private func writeWarning(_ warning: SessionWarning, to html: inout HTMLWriter) {
        html.markup(
            "<dialog id=\"session-warning\" class=\"session-warning\" aria-labelledby=\"session-warning-title\"")
        html.markup(" data-seconds-left=\"")
        html.attribute(warning.secondsLeft)
        html.markup("\" data-seconds-before=\"")
        html.attribute(SessionWarning.secondsBefore)
        html.markup("\">\n<div data-session-active>\n<h2 id=\"session-warning-title\">Votre session va expirer</h2>\n")
        if warning.canBeExtended {
            html.markup("<p>Par sécurité, sans action de votre part, vous serez déconnecté dans moins de deux minutes.")
            html.markup(" Ce que vous avez saisi sans l’enregistrer serait perdu.</p>\n<form method=\"post\" action=\"")
            html.url(Paths.extendMySession)
            html.markup("\"><input type=\"hidden\" name=\"_csrf\" value=\"")
            html.attribute(csrfToken)
            html.markup("\"><button type=\"submit\">Rester connecté</button></form>\n")
        } else {
            html.markup("<p>Votre session atteint sa durée maximale de 12 heures et se terminera dans moins de deux")
            html.markup(" minutes. Enregistrez votre travail, puis reconnectez-vous.</p>\n")
        }
        html.markup(
            "<p><button type=\"button\" class=\"link-button\" data-session-close>Fermer ce message</button></p>\n")
        html.markup(
            "</div>\n<div data-session-ended hidden>\n<h2 id=\"session-ended-title\">Votre session a expiré</h2>\n")
        html.markup("<p>Par sécurité, vous avez été déconnecté. <a href=\"")
        html.url(Paths.signIn)
        html.markup("\">Se reconnecter</a></p>\n</div>\n</dialog>\n")
        html.markup("<script src=\"/static/session.js\" defer></script>\n")
    }
}

extension MenuLink {
    fileprivate func writeAnchor(to html: inout HTMLWriter) {
        html.markup("<a href=\"")
        html.url(url)
        html.markup("\"")
        if isCurrent { html.markup(" aria-current=\"page\"") }
        html.markup(">")
        html.text(label)
        html.markup("</a>")
    }
}

extension Pagination {
    /// "Page 2 sur 7" with the previous and next links, shown only for a list longer than a page.
    func write(to html: inout HTMLWriter) {
        guard pageCount > 1 else { return }
        html.markup("<nav class=\"pagination\" aria-label=\"Pagination\">\n<p>Page ")
        html.text(page)
        html.markup(" sur ")
        html.text(pageCount)
        html.markup("</p>\n<ul>\n")
        if let previousURL {
            html.markup("<li><a href=\"")
            html.url(previousURL)
            html.markup("\" rel=\"prev\">Page précédente</a></li>")
        }
        if let nextURL {
            html.markup("<li><a href=\"")
            html.url(nextURL)
            html.markup("\" rel=\"next\">Page suivante</a></li>")
        }
        html.markup("</ul>\n</nav>\n")
    }
}

extension OrganisationGroup {
    /// « Vous occupez des fonctions dans un second organisme »: the optional second organisme of the identity forms.
    static func writeSecondOrganisationField(
        _ groups: [OrganisationGroup], selected: String?, label: StaticString, errors: FormErrors,
        to html: inout HTMLWriter
    ) {
        errors.writeField("secondOrganisme", label: label, to: &html) { html in
            html.markup("<select id=\"secondOrganisme\" name=\"secondOrganisme\"")
            errors.writeInvalidState(of: "secondOrganisme", to: &html)
            html.markup(">\n<option value=\"\">Aucun</option>\n")
            writeOptions(groups, selected: selected, to: &html)
            html.markup("\n</select>\n")
        }
    }

    /// The organismes of a `<select>`, grouped by branch, the one chosen selected.
    static func writeOptions(_ groups: [OrganisationGroup], selected: String?, to html: inout HTMLWriter) {
        for group in groups {
            html.markup("<optgroup label=\"")
            html.attribute(group.label)
            html.markup("\">\n")
            for option in group.options {
                html.markup("<option value=\"")
                html.attribute(option.id)
                html.markup("\"")
                if option.id == selected { html.markup(" selected") }
                html.markup(">")
                html.text(option.name)
                html.markup("</option>\n")
            }
            html.markup("</optgroup>\n")
        }
    }
}

/// One entry of a list to choose from: an `<option>` or a checkbox.
struct FormChoice {
    let value: String
    let label: String
    let isSelected: Bool
}

extension HTMLWriter {
    /// The `<option>`s of `choices`, those chosen selected.
    mutating func options(_ choices: [FormChoice]) {
        for choice in choices {
            markup("<option value=\"")
            attribute(choice.value)
            markup("\"")
            if choice.isSelected { markup(" selected") }
            markup(">")
            text(choice.label)
            markup("</option>\n")
        }
    }

    /// The `<option>`s of a list whose values are their labels (the civilities), the one chosen selected.
    mutating func options(_ values: [String], selected: String?) {
        for value in values {
            markup("<option value=\"")
            attribute(value)
            markup("\"")
            if value == selected { markup(" selected") }
            markup(">")
            text(value)
            markup("</option>\n")
        }
    }
}
