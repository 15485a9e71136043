extension RegistrationSentPage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("<h1>Confirmez votre adresse e-mail</h1>\n")
            html.markup("<div class=\"confirmation\" role=\"status\">\n")
            html.markup("<p>Un message vient d’être envoyé à <strong>")
            html.text(email)
            html.markup("</strong>. Ouvrez le lien qu’il contient (valable ")
            html.text(validHours)
            html.markup(" heures) pour confirmer votre adresse.</p>\n")
            html.markup("<p>Votre demande sera alors immédiatement adressée pour validation ")
            html.text(decidersDescription)
            html.markup(". Vous recevrez un message dès qu’elle aura été traitée.</p>\n")
            html.markup("</div>\n")
            html.markup(
                "<p>Vous ne trouvez pas le message ? Regardez dans vos courriers indésirables, ou recommencez votre demande dans quelques minutes.</p>\n"
            )
        }
    }
}
