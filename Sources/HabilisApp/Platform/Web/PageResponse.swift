import Vapor

extension Request {
    /// A page written by the server itself, as the response.
    func page<Page: HTMLPage>(_ page: Page, status: HTTPStatus = .ok) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .html
        return Response(status: status, headers: headers, body: .init(buffer: page.render()))
    }
}
