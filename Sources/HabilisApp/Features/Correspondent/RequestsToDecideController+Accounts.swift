import Fluent
import Vapor

/// The account requests of "Demandes à traiter": correspondents of the organisme, or administrators.
extension RequestsToDecideController {
    /// A decision on the selected account requests.
    func decideAccountSelection(req: Request) async throws -> Response {
        let user = try requireDecider(req)
        let form = DecisionForm.decode(req)
        var errors = form.validate(reasonLimit: Self.reasonLimit, prefix: "comptes")
        let ids = (form.ids ?? []).compactMap(UUID.init(uuidString:))
        if ids.isEmpty { errors.add("comptesSelection", "Sélectionnez au moins une demande de compte.") }
        guard errors.isEmpty, let accept = form.accepts else {
            return try await renderQueue(req, user: user, form: DecisionForm(), errors: errors, accountForm: form)
        }
        return try await decideEach(req, ids: ids, accept: accept) { id in
            try await req.portal.accountRequests.decide(
                id, accept: accept, reason: TextInput.stored(form.motif), by: user, ip: req.clientIP, on: req.db)
        }
    }

    /// One account request with every submitted value.
    func showAccount(req: Request) async throws -> Response {
        let user = try requireDecider(req)
        let request = try await decidableAccountRequest(req, user: user)
        return try await renderAccount(req, request: request, form: DecisionForm(), errors: FormErrors())
    }

    /// The decision on one account request.
    func decideAccount(req: Request) async throws -> Response {
        let user = try requireDecider(req)
        let request = try await decidableAccountRequest(req, user: user)
        let form = DecisionForm.decode(req)
        let errors = form.validate(reasonLimit: Self.reasonLimit)
        guard errors.isEmpty, let accept = form.accepts else {
            return try await renderAccount(req, request: request, form: form, errors: errors)
        }
        return try await decideEach(req, ids: [request.id!], accept: accept) { id in
            try await req.portal.accountRequests.decide(
                id, accept: accept, reason: TextInput.stored(form.motif), by: user, ip: req.clientIP, on: req.db)
        }
    }

    private func renderAccount(
        _ req: Request, request: AccountRequest, form: DecisionForm, errors: FormErrors
    )
        async throws -> Response
    {
        let row = AccountRequestRow(DecisionQueue.AccountEntry(request), selected: [])
        let page = AccountRequestToDecidePage(
            frame: PageFrame(req, title: errorPrefix(errors) + "Demande de compte de \(row.name)"), row: row,
            action: Paths.decideAccountRequest(request.id!), queueURL: Paths.requestsToDecide,
            reason: form.motif ?? "", reasonLimit: Self.reasonLimit, errors: errors)
        return req.page(page, status: status(errors))
    }

    /// The pending account request named in the URL if the user may decide it; 404 otherwise.
    private func decidableAccountRequest(_ req: Request, user: CurrentUser) async throws -> AccountRequest {
        guard let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)),
            let request = try await AccountRequest.query(on: req.db).filter(\.$id == id)
                .filter(\.$status == .pending)
                .with(\.$organisation).with(\.$secondOrganisation).first(),
            req.portal.authorization.canDecide(user, request)
        else { throw Abort(.notFound) }
        return request
    }
}
