import Vapor

extension DoorPage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("<h1>Vous n’avez pas d’habilitation pour l’application ")
            html.text(applicationName)
            html.markup("</h1>\n")
            if let pendingRequestURL = pendingRequestURL {
                html.markup(
                    "<p>Votre demande d’accès est en cours de validation. Sauf refus formel, elle sera acceptée automatiquement le <strong>"
                )
                html.text(automaticAcceptance)
                html.markup("</strong> ; vous pourrez alors vous connecter à l’application.</p>\n")
                html.markup("<p><a href=\"")
                html.url(pendingRequestURL)
                html.markup("\">Suivre ma demande d’accès à l’application ")
                html.text(applicationName)
                html.markup("</a></p>")
            }
            if let requestURL = requestURL {
                html.markup("<p>L’application ")
                html.text(applicationName)
                html.markup(
                    " n’accepte que les agents habilités. Vous pouvez demander l’accès : votre demande sera adressée pour validation.</p>\n"
                )
                html.markup("<p><a class=\"button\" href=\"")
                html.url(requestURL)
                html.markup("\">Demander l’accès à l’application ")
                html.text(applicationName)
                html.markup("</a></p>")
            }
            html.markup("\n")
            html.markup("<p><a href=\"")
            html.url(catalogueURL)
            html.markup("\">Retour aux applications</a></p>\n")
        }
    }
}

extension DoorPage {
    /// « Vous n'avez pas d'habilitation pour l'application X », with the request in one click or the pending one:
    /// what an agent meets at the authorization endpoint and at « Accéder à l'application » without a right.
    static func response(application: BusinessApplication, pending: AccessRequest?, _ req: Request) -> Response {
        let page = DoorPage(
            frame: PageFrame(req, title: "Pas d’habilitation pour \(application.name)"),
            applicationName: application.name,
            requestURL: pending == nil ? Paths.requestAccess(application.code) : nil,
            pendingRequestURL: pending.map { Paths.accessRequest($0.id!) },
            automaticAcceptance: pending.map { ParisCalendar.longDate($0.dueAt) }, catalogueURL: Paths.home)
        return req.page(page, status: .forbidden)
    }
}
