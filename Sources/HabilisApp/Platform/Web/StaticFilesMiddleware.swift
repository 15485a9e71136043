import Vapor

/// Serves `Public/static/` and nothing else. Vapor's `FileMiddleware` asks the file system about every path it is
/// given, on a thread pool: a thread hop for every page and probe, where only `/static/` can ever be a file.
struct StaticFilesMiddleware: Middleware {
    static let prefix = "/static/"
    let files: FileMiddleware

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        guard request.url.path.hasPrefix(Self.prefix) else { return next.respond(to: request) }
        return files.respond(to: request, chainingTo: next)
    }
}
