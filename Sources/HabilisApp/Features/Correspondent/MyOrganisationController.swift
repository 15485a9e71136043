import Fluent
import Vapor

/// "Agents de mon organisme": a correspondent searches the agents of their organisme(s), 50 a page, and opens
/// each one's rights. Correspondents only; the query is scoped to their organismes.
struct MyOrganisationController: RouteCollection {
    static let perPage = 50

    func boot(routes: any RoutesBuilder) throws {
        routes.get(Paths.myOrganisationAgents.pathComponents, use: index)
    }

    func index(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard user.isCorrespondent else { throw Abort(.forbidden) }
        let text = String((req.query[String.self, at: "q"] ?? "").prefix(200))
        let query = AgentSearch.filter(
            Agent.query(on: req.db).filter(\.$organisation.$id ~~ user.correspondentOrganisationIDs), text: text)
        let pagination = Pagination(
            page: Pagination.page(from: req), perPage: Self.perPage, total: try await query.countRows(),
            baseURL: Paths.myOrganisationAgents + "?q="
                + (text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
        let agents = try await query.copy().sort(\.$lastName).sort(\.$firstName)
            .range(pagination.offset..<(pagination.offset + Self.perPage)).with(\.$organisation).all()
        return req.page(
            AgentListPage(
                frame: PageFrame(req, title: "Agents de mon organisme"), heading: "Agents de mon organisme",
                action: Paths.myOrganisationAgents, query: text,
                rows: try await AgentListPage.rows(agents, url: Paths.agentRights, on: req.db),
                pagination: pagination))
    }
}
