import Fluent
import Foundation
import SQLKit

/// One active application of the catalogue with where the agent stands: right held, request pending, or neither.
/// Read in one statement: the catalogue is the most visited page, so it pays one round trip and no model decoding.
struct CatalogueEntry: Sendable {
    let code: String
    let name: String
    let description: String
    let launchURL: String
    /// The initiate-login URI of the application's OpenID Connect client, when it has one (OIDC Core §4).
    let initiateLoginURI: String?
    let isHeld: Bool
    let pendingRequest: PendingRequest?

    /// The agent's pending request for this application (at most one, by a unique index).
    struct PendingRequest: Sendable {
        let id: UUID
        let createdAt: Date
        let dueAt: Date
    }

    /// Columns are read by name: a `Decodable` conversion of keys costs more than the query itself.
    init(_ row: any SQLRow) throws {
        code = try row.decode(column: "code", as: String.self)
        name = try row.decode(column: "name", as: String.self)
        description = try row.decode(column: "description", as: String.self)
        launchURL = try row.decode(column: "launch_url", as: String.self)
        initiateLoginURI = try row.decode(column: "initiate_login_uri", as: String?.self)
        isHeld = try row.decode(column: "is_held", as: Bool.self)
        pendingRequest = try row.decode(column: "request_id", as: UUID?.self).map { id in
            PendingRequest(
                id: id, createdAt: try row.decode(column: "request_created_at", as: Date.self),
                dueAt: try row.decode(column: "request_due_at", as: Date.self))
        }
    }

    /// Every active application in catalogue order (position, then name).
    static func all(for agentID: UUID, on database: any Database) async throws -> [CatalogueEntry] {
        let sql = database as! any SQLDatabase
        let application = { (column: String) in SQLColumn(column, table: "ap") }
        return try await sql.select()
            .columns(
                application("code"), application("name"), application("description"), application("launch_url")
            )
            .column(
                SQLBinaryExpression(SQLColumn("id", table: "g"), .isNot, SQLLiteral.null), as: "is_held"
            )
            .column(
                SQLSubquery.select {
                    $0.column(SQLColumn("initiate_login_uri", table: "c"))
                        .from(SQLAlias(SQLIdentifier(OIDCClient.schema), as: SQLIdentifier("c")))
                        .where(SQLColumn("application_id", table: "c"), .equal, application("id"))
                        .where(SQLColumn("initiate_login_uri", table: "c"), .isNot, SQLLiteral.null)
                        .orderBy(SQLColumn("created_at", table: "c")).limit(1)
                }, as: "initiate_login_uri"
            )
            .column(SQLColumn("id", table: "r"), as: "request_id")
            .column(SQLColumn("created_at", table: "r"), as: "request_created_at")
            .column(SQLColumn("due_at", table: "r"), as: "request_due_at")
            .from(SQLAlias(SQLIdentifier(BusinessApplication.schema), as: SQLIdentifier("ap")))
            .join(
                SQLAlias(SQLIdentifier(Grant.schema), as: SQLIdentifier("g")), method: SQLJoinMethod.left,
                on: SQLBinaryExpression(
                    SQLBinaryExpression(SQLColumn("application_id", table: "g"), .equal, application("id")),
                    .and,
                    SQLBinaryExpression(
                        SQLBinaryExpression(SQLColumn("agent_id", table: "g"), .equal, SQLBind(agentID)),
                        .and, SQLBinaryExpression(SQLColumn("revoked_at", table: "g"), .is, SQLLiteral.null)))
            )
            .join(
                SQLAlias(SQLIdentifier(AccessRequest.schema), as: SQLIdentifier("r")), method: SQLJoinMethod.left,
                on: SQLBinaryExpression(
                    SQLBinaryExpression(SQLColumn("application_id", table: "r"), .equal, application("id")),
                    .and,
                    SQLBinaryExpression(
                        SQLBinaryExpression(SQLColumn("agent_id", table: "r"), .equal, SQLBind(agentID)),
                        .and,
                        AccessRequest.isPending(table: "r")))
            )
            .where(application("is_active"), .equal, SQLLiteral.boolean(true))
            .orderBy(application("position"))
            .orderBy(application("name"))
            .all()
            .map(CatalogueEntry.init)
    }
}

// The pages written by the HTML writer, and the template each replaces.
