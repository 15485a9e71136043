import Vapor

extension Request {
    /// A page written by the server itself, as the response.
    func page<Page: HTMLPage>(_ page: Page, status: HTTPStatus = .ok) async throws -> Response {
        let body = page.render()
        try await LeafComparison.check(page, body: body, on: self)
        var headers = HTTPHeaders()
        headers.contentType = .html
        return Response(status: status, headers: headers, body: .init(buffer: body))
    }
}
