import Fluent
import Foundation
import SQLKit

/// The pending requests of "Demandes à traiter", soonest automatic acceptance first. Counted and read from the
/// queue index (status, routed_to, organisme, due date), each page in one joined statement: a large organisme has
/// thousands of pending requests and its correspondents open this page all day.
enum DecisionQueue {
    /// One pending request with the names the queue shows.
    struct Entry: Sendable {
        let id: UUID
        let agentID: UUID
        let agentName: String
        let organisationName: String
        let applicationName: String
        let justification: String?
        let createdAt: Date
        let dueAt: Date
    }

    /// How many requests satisfy `condition` (from `Authorization.queueCondition`).
    static func count(_ condition: any SQLExpression, on database: any Database) async throws -> Int {
        try await (database as! any SQLDatabase).select()
            .column(SQLFunction("COUNT", args: SQLLiteral.all), as: "total")
            .from(SQLAlias(SQLIdentifier(AccessRequest.schema), as: SQLIdentifier("r")))
            .where(condition)
            .first()?
            .decode(column: "total", as: Int.self) ?? 0
    }

    /// One page of the requests that satisfy `condition`.
    static func page(
        _ condition: any SQLExpression, offset: Int, limit: Int, on database: any Database
    ) async throws -> [Entry] {
        try await (database as! any SQLDatabase).select()
            .column(SQLColumn("id", table: "r"))
            .column(SQLColumn("agent_id", table: "r"))
            .column(SQLColumn("justification", table: "r"))
            .column(SQLColumn("created_at", table: "r"))
            .column(SQLColumn("due_at", table: "r"))
            .column(SQLColumn("first_name", table: "a"), as: "agent_first_name")
            .column(SQLColumn("last_name", table: "a"), as: "agent_last_name")
            .column(SQLColumn("name", table: "o"), as: "organisation_name")
            .column(SQLColumn("name", table: "ap"), as: "application_name")
            .from(SQLAlias(SQLIdentifier(AccessRequest.schema), as: SQLIdentifier("r")))
            .join(
                SQLAlias(SQLIdentifier(Agent.schema), as: SQLIdentifier("a")),
                on: SQLColumn("id", table: "a"), .equal, SQLColumn("agent_id", table: "r")
            )
            .join(
                SQLAlias(SQLIdentifier(Organisation.schema), as: SQLIdentifier("o")),
                on: SQLColumn("id", table: "o"), .equal, SQLColumn("organisation_id", table: "r")
            )
            .join(
                SQLAlias(SQLIdentifier(BusinessApplication.schema), as: SQLIdentifier("ap")),
                on: SQLColumn("id", table: "ap"), .equal, SQLColumn("application_id", table: "r")
            )
            .where(condition)
            .orderBy(SQLColumn("due_at", table: "r"))
            .orderBy(SQLColumn("created_at", table: "r"))
            .offset(offset)
            .limit(limit)
            .all()
            .map { row in
                Entry(
                    id: try row.decode(column: "id", as: UUID.self),
                    agentID: try row.decode(column: "agent_id", as: UUID.self),
                    agentName: try row.personName(prefix: "agent") ?? "",
                    organisationName: try row.decode(column: "organisation_name", as: String.self),
                    applicationName: try row.decode(column: "application_name", as: String.self),
                    justification: try row.decode(column: "justification", as: String?.self),
                    createdAt: try row.decode(column: "created_at", as: Date.self),
                    dueAt: try row.decode(column: "due_at", as: Date.self))
            }
    }
}

extension DecisionQueue.Entry {
    /// The entry of one request loaded with its agent, organisme and application.
    init(_ request: AccessRequest) {
        self.init(
            id: request.id!, agentID: request.$agent.id, agentName: request.agent.fullName,
            organisationName: request.organisation.name, applicationName: request.application.name,
            justification: request.justification, createdAt: request.createdAt, dueAt: request.dueAt)
    }
}
