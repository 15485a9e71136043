import Fluent
import Vapor

/// The FAQ reached from the footer of every page. Open to everyone.
struct AssistanceController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("faq", use: faq)
    }

    /// "Consultez notre foire aux questions".
    func faq(req: Request) async throws -> View {
        let entries = try await FAQEntry.query(on: req.db)
            .filter(\.$isActive == true)
            .sort(\.$position)
            .all()
        let page = FAQPage(
            frame: PageFrame(req, title: "Foire aux questions"),
            entries: entries.map { FAQPage.Entry(question: $0.question, answer: $0.answer) },
            webmasterEmail: req.runtimeSettings.webmasterEmail)
        return try await req.view.render("Assistance/faq", page)
    }
}

/// The FAQ page.
struct FAQPage: Encodable {
    /// One question and its answer.
    struct Entry: Encodable {
        let question: String
        let answer: String
    }

    let frame: PageFrame
    let entries: [Entry]
    let webmasterEmail: String
}
