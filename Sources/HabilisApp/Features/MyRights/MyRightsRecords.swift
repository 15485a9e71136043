import Fluent
import Foundation
import SQLKit

/// What "Mes habilitations" reads, each list in one joined statement: the page is visited often and the history of
/// an agent can be long, so neither list pays per-row queries or model decoding.
enum MyRightsRecords {
    /// One request of the history with its application and decider.
    struct HistoryEntry: Sendable {
        let id: UUID
        let applicationName: String
        let status: AccessRequest.Status
        let createdAt: Date
        let decidedAt: Date?
        let deciderName: String?
        let refusalReason: String?
    }

    /// One current right with its application, who granted it and the request it came from.
    struct GrantEntry: Sendable {
        let applicationName: String
        let launchURL: String
        let grantedAt: Date
        let granterName: String?
        let requestStatus: AccessRequest.Status?
    }

    /// A page of the agent's requests, newest first.
    static func history(
        of agentID: UUID, offset: Int, limit: Int, on database: any Database
    ) async throws
        -> [HistoryEntry]
    {
        try await (database as! any SQLDatabase).select()
            .column(SQLColumn("id", table: "r"))
            .column(SQLColumn("status", table: "r"))
            .column(SQLColumn("created_at", table: "r"))
            .column(SQLColumn("decided_at", table: "r"))
            .column(SQLColumn("refusal_reason", table: "r"))
            .column(SQLColumn("name", table: "ap"), as: "application_name")
            .column(SQLColumn("first_name", table: "d"), as: "decider_first_name")
            .column(SQLColumn("last_name", table: "d"), as: "decider_last_name")
            .from(SQLAlias(SQLIdentifier(AccessRequest.schema), as: SQLIdentifier("r")))
            .join(
                SQLAlias(SQLIdentifier(BusinessApplication.schema), as: SQLIdentifier("ap")),
                on: SQLColumn("id", table: "ap"), .equal, SQLColumn("application_id", table: "r")
            )
            .join(
                SQLAlias(SQLIdentifier(Agent.schema), as: SQLIdentifier("d")), method: SQLJoinMethod.left,
                on: SQLColumn("id", table: "d"), .equal, SQLColumn("decided_by_id", table: "r")
            )
            .where(SQLColumn("agent_id", table: "r"), .equal, SQLBind(agentID))
            .orderBy(SQLColumn("created_at", table: "r"), SQLDirection.descending)
            .offset(offset)
            .limit(limit)
            .all()
            .map { row in
                HistoryEntry(
                    id: try row.decode(column: "id", as: UUID.self),
                    applicationName: try row.decode(column: "application_name", as: String.self),
                    status: try row.decode(column: "status", as: AccessRequest.Status.self),
                    createdAt: try row.decode(column: "created_at", as: Date.self),
                    decidedAt: try row.decode(column: "decided_at", as: Date?.self),
                    deciderName: try row.personName(prefix: "decider"),
                    refusalReason: try row.decode(column: "refusal_reason", as: String?.self))
            }
    }

    /// The agent's rights not revoked, newest first.
    static func grants(of agentID: UUID, on database: any Database) async throws -> [GrantEntry] {
        try await (database as! any SQLDatabase).select()
            .column(SQLColumn("granted_at", table: "g"))
            .column(SQLColumn("name", table: "ap"), as: "application_name")
            .column(SQLColumn("launch_url", table: "ap"))
            .column(SQLColumn("first_name", table: "b"), as: "granter_first_name")
            .column(SQLColumn("last_name", table: "b"), as: "granter_last_name")
            .column(SQLColumn("status", table: "r"), as: "request_status")
            .from(SQLAlias(SQLIdentifier(Grant.schema), as: SQLIdentifier("g")))
            .join(
                SQLAlias(SQLIdentifier(BusinessApplication.schema), as: SQLIdentifier("ap")),
                on: SQLColumn("id", table: "ap"), .equal, SQLColumn("application_id", table: "g")
            )
            .join(
                SQLAlias(SQLIdentifier(Agent.schema), as: SQLIdentifier("b")), method: SQLJoinMethod.left,
                on: SQLColumn("id", table: "b"), .equal, SQLColumn("granted_by_id", table: "g")
            )
            .join(
                SQLAlias(SQLIdentifier(AccessRequest.schema), as: SQLIdentifier("r")), method: SQLJoinMethod.left,
                on: SQLColumn("id", table: "r"), .equal, SQLColumn("access_request_id", table: "g")
            )
            .where(SQLColumn("agent_id", table: "g"), .equal, SQLBind(agentID))
            .where(SQLColumn("revoked_at", table: "g"), .is, SQLLiteral.null)
            .orderBy(SQLColumn("granted_at", table: "g"), SQLDirection.descending)
            .all()
            .map { row in
                GrantEntry(
                    applicationName: try row.decode(column: "application_name", as: String.self),
                    launchURL: try row.decode(column: "launch_url", as: String.self),
                    grantedAt: try row.decode(column: "granted_at", as: Date.self),
                    granterName: try row.personName(prefix: "granter"),
                    requestStatus: try row.decode(column: "request_status", as: AccessRequest.Status?.self))
            }
    }

}
