import Vapor

/// Turns every error into a French page with a correlation id: no stack, SQL or path ever reaches the browser. The
/// programs' interfaces (`ProgramInterface`) get the same status in their own format.
struct ErrorPageMiddleware: Middleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        next.respond(to: request).recover { error in page(for: error, request: request) }
    }

    private func page(for error: any Error, request: Request) -> Response {
        let status: HTTPResponseStatus
        var headers = HTTPHeaders()
        if let abort = error as? any AbortError {
            status = abort.status
            headers = abort.headers
        } else if NulCharacterGuard.isRefusedByDatabase(error) {
            status = .badRequest
        } else if WriteConflict.isConflict(error) {
            status = .conflict
            request.logger.warning(
                "\(request.method) \(request.url.path): write conflict: \(String(reflecting: error))")
        } else if DatabaseOutage.isOutage(error) {
            status = .serviceUnavailable
            headers.replaceOrAdd(name: .retryAfter, value: String(DatabaseOutage.retryAfterSeconds))
        } else {
            status = .internalServerError
        }
        if status == .seeOther || status == .found || status == .temporaryRedirect {
            return Response(status: status, headers: headers)
        }
        let correlationID = SecureToken.generate().prefix(12)
        if status.code >= 500 {
            request.logger.error("\(correlationID) \(request.method) \(request.url.path): \(String(reflecting: error))")
        }
        if let interface = ProgramInterface(path: request.url.path) {
            return interface.response(status, headers: headers)
        }
        let (title, message): (String, String) =
            switch status.code {
            case 403 where (error as? Abort)?.reason == "csrf":
                (
                    "Formulaire expiré",
                    "Ce formulaire a expiré ou ne vient pas de ce site. Rechargez la page et recommencez."
                )
            case 403: ("Accès refusé", "Vous n’avez pas accès à cette page.")
            case 404: ("Page introuvable", "La page demandée n’existe pas ou n’existe plus.")
            case 405: ("Méthode non autorisée", "Cette adresse ne s’utilise pas ainsi.")
            case 409:
                (
                    "Modification simultanée",
                    "Une autre modification des mêmes données a été enregistrée au même instant, et la vôtre ne l’a pas été. Rechargez la page pour voir l’état actuel, puis recommencez si besoin."
                )
            case 413: ("Envoi trop volumineux", "Les données envoyées sont trop volumineuses.")
            case 400..<500: ("Requête invalide", "La requête n’a pas pu être comprise.")
            case 503 where error is HashingOverloaded:
                (
                    "Service momentanément surchargé",
                    "Trop de connexions sont en cours de vérification. Réessayez dans quelques secondes."
                )
            case 503:
                ("Service indisponible", "Le service est momentanément indisponible. Réessayez dans quelques minutes.")
            default: ("Erreur du service", "Une erreur inattendue est survenue. Réessayez dans quelques instants.")
            }
        let context = ErrorPage(
            frame: PageFrame(request, title: title), heading: title, message: message,
            correlationID: status.code >= 500 ? String(correlationID) : nil)
        let response = request.page(context, status: status)
        for (name, value) in headers { response.headers.replaceOrAdd(name: name, value: value) }
        return response
    }
}

/// The context of the error page.
struct ErrorPage {
    let frame: PageFrame
    let heading: String
    let message: String
    let correlationID: String?
}
