import Fluent
import Vapor

/// "Mes informations" › "Mes abonnements": one checkbox per newsletter. Signed-in agents, about themselves only.
struct SubscriptionsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(Paths.mySubscriptions.pathComponents, use: edit)
        routes.post(Paths.mySubscriptions.pathComponents, use: update)
    }

    /// The newsletters, ticked where subscribed.
    func edit(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let newsletters = try await Newsletter.query(on: req.db).filter(\.$isActive == true).sort(\.$position).all()
        let subscribed = try await Subscription.query(on: req.db).filter(\.$agent.$id == user.id)
            .all(\.$newsletter.$id)
        let page = SubscriptionsPage(
            frame: PageFrame(
                req, title: "Mes abonnements",
                notice: req.query[String.self, at: "enregistre"] == "1" ? "Vos abonnements ont été enregistrés." : nil),
            action: Paths.mySubscriptions,
            newsletters: newsletters.map {
                SubscriptionsPage.Row(
                    id: $0.id!.uuidString.lowercased(), title: $0.title, isSubscribed: subscribed.contains($0.id!))
            })
        return req.page(page)
    }

    /// "Valider mes abonnements": exactly the ticked newsletters, each new one with its time of consent.
    func update(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let ticked = Set(
            ((try? req.content.get([String].self, at: "lettres")) ?? []).compactMap(UUID.init(uuidString:)))
        let clock = req.portal.clock
        let audit = req.portal.audit
        let context = req.auditContext
        try await req.db.atomically { database in
            // The same form sent twice at once: the second waits, then finds the first's subscriptions.
            try await database.lockRow(Agent.schema, id: user.id)
            let active = try await Newsletter.query(on: database).filter(\.$isActive == true).all(\.$id)
            let wanted = ticked.intersection(active)
            let current = try await Subscription.query(on: database).filter(\.$agent.$id == user.id).all()
            let currentIDs = Set(current.map(\.$newsletter.id))
            let removed = current.filter { !wanted.contains($0.$newsletter.id) && active.contains($0.$newsletter.id) }
            for subscription in removed { try await subscription.delete(on: database) }
            let added = wanted.subtracting(currentIDs)
            for id in added {
                try await Subscription(agentID: user.id, newsletterID: id, subscribedAt: clock.now).create(on: database)
            }
            if !added.isEmpty || !removed.isEmpty {
                try await audit.record(
                    .subscriptionsUpdated, by: context, target: ("agent", user.id.uuidString),
                    details: [
                        "added": added.map(\.uuidString).sorted().joined(separator: ","),
                        "removed": removed.map { $0.$newsletter.id.uuidString }.sorted().joined(separator: ","),
                    ], on: database)
            }
        }
        return req.redirect(to: Paths.mySubscriptions + "?enregistre=1")
    }
}

/// "Mes abonnements".
struct SubscriptionsPage {
    /// One newsletter.
    struct Row {
        let id: String
        let title: String
        let isSubscribed: Bool
    }

    let frame: PageFrame
    let action: String
    let newsletters: [Row]
}
