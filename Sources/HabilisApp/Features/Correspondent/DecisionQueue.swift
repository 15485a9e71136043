import Fluent
import Foundation
import SQLKit

/// What "Demandes à traiter" reads: the pending access requests, soonest automatic acceptance first, and the
/// account requests. A large organisme has thousands of pending requests and its correspondents open this page all
/// day, so each list is one statement written as SQL text, read from the queue indexes.
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

    /// The queue lists the requests whose automatic acceptance comes soonest, this many at most, and counts no
    /// further: counting a large organisme's whole queue at each visit read thousands of index entries and rows
    /// (2.4 ms of the database for 5,000), for a figure nobody acts on past this size.
    static let listedBound = 1_000

    /// One page of the queue and the number of requests listed.
    struct Page: Sendable {
        let entries: [Entry]
        /// At most `listedBound`.
        let total: Int
        /// More requests wait than are listed: they come into the list as the first ones are decided.
        let hasMore: Bool
    }

    /// Page `number` (from 1) of the requests `user` may decide, with the queue's size up to `listedBound`
    /// (`CountedPage`).
    static func page(
        _ number: Int, perPage: Int, for user: CurrentUser, authorization: Authorization, on database: any Database
    ) async throws -> Page {
        let sql = database as! any SQLDatabase
        let lastListedPage = max(1, listedBound / perPage)
        let queueSize: SQLQueryString = """
            SELECT COUNT(*) FROM (
                SELECT 1 FROM access_requests q WHERE \(authorization.queueCondition(for: user, table: "q"))
                LIMIT \(literal: listedBound + 1)) queued
            """
        let page = try await CountedPage.read(
            page: min(number, lastListedPage), perPage: perPage,
            rows: { offset in
                try await sql.prepared(
                    """
                    SELECT r.id, r.agent_id, r.justification, r.created_at, r.due_at,
                        a.first_name AS agent_first_name, a.last_name AS agent_last_name,
                        o.name AS organisation_name,
                        \(RightName.sql(application: "ap", profile: "pr")) AS application_name,
                        (\(queueSize)) AS total
                    FROM access_requests r
                    JOIN agents a ON a.id = r.agent_id
                    JOIN organisations o ON o.id = r.organisation_id
                    JOIN applications ap ON ap.id = r.application_id
                    LEFT JOIN application_profiles pr ON pr.id = r.profile_id
                    WHERE \(authorization.queueCondition(for: user, table: "r"))
                    ORDER BY r.due_at, r.created_at
                    LIMIT \(bind: perPage) OFFSET \(bind: offset)
                    """
                ).all()
            },
            count: {
                try await sql.prepared("SELECT (\(queueSize)) AS total").first()?.decode(column: "total", as: Int.self)
                    ?? 0
            })
        return Page(
            entries: try page.rows.map { row in
                Entry(
                    id: try row.decode(column: "id", as: UUID.self),
                    agentID: try row.decode(column: "agent_id", as: UUID.self),
                    agentName: try row.personName(prefix: "agent") ?? "",
                    organisationName: try row.decode(column: "organisation_name", as: String.self),
                    applicationName: try row.decode(column: "application_name", as: String.self),
                    justification: try row.decode(column: "justification", as: String?.self),
                    createdAt: try row.decode(column: "created_at", as: Date.self),
                    dueAt: try row.decode(column: "due_at", as: Date.self))
            },
            total: min(page.total, listedBound), hasMore: page.total > listedBound)
    }

    /// One account request awaiting a decision, with its organismes.
    struct AccountEntry: Sendable {
        let id: UUID
        let civility: String
        let firstName: String
        let lastName: String
        let email: String
        let birthName: String?
        let phone: String?
        let contactEmail: String?
        let organisationName: String
        let organisationMailDomains: [String]
        let secondOrganisationName: String?
        let isOutsideMailDomains: Bool
        let submittedAt: Date
        let isEscalated: Bool
    }

    /// The oldest pending account requests `user` may decide: the correspondents' of their organismes, and for
    /// administrators those routed to them or escalated.
    static func accountRequests(
        for user: CurrentUser, limit: Int, on database: any Database
    ) async throws -> [AccountEntry] {
        var either: [SQLQueryString] = []
        if user.isAdministrator {
            either.append("r.routed_to = \(bind: Deciders.administrators.rawValue) OR r.escalated_at IS NOT NULL")
        }
        if !user.designations.isEmpty {
            either.append(
                """
                (r.routed_to = \(bind: Deciders.correspondents.rawValue) \
                AND r.organisation_id IN (\(binds: user.correspondentOrganisationIDs)))
                """)
        }
        guard !either.isEmpty else { return [] }
        return try await (database as! any SQLDatabase).prepared(
            """
            SELECT r.id, r.civility, r.first_name, r.last_name, r.email, r.birth_name, r.phone, r.contact_email,
                r.outside_mail_domains, r.created_at, r.proven_at, r.escalated_at,
                o.name AS organisation_name, o.mail_domains AS organisation_mail_domains,
                o2.name AS second_organisation_name
            FROM account_requests r
            JOIN organisations o ON o.id = r.organisation_id
            LEFT JOIN organisations o2 ON o2.id = r.second_organisation_id
            WHERE r.status = \(bind: AccountRequest.Status.pending.rawValue) AND (\(either.joined(separator: " OR ")))
            ORDER BY r.proven_at, r.created_at
            LIMIT \(bind: limit)
            """
        ).all().map { row in
            AccountEntry(
                id: try row.decode(column: "id", as: UUID.self),
                civility: try row.decode(column: "civility", as: String.self),
                firstName: try row.decode(column: "first_name", as: String.self),
                lastName: try row.decode(column: "last_name", as: String.self),
                email: try row.decode(column: "email", as: String.self),
                birthName: try row.decode(column: "birth_name", as: String?.self),
                phone: try row.decode(column: "phone", as: String?.self),
                contactEmail: try row.decode(column: "contact_email", as: String?.self),
                organisationName: try row.decode(column: "organisation_name", as: String.self),
                organisationMailDomains: Organisation.mailDomains(
                    fromText: try row.decode(column: "organisation_mail_domains", as: String.self)),
                secondOrganisationName: try row.decode(column: "second_organisation_name", as: String?.self),
                isOutsideMailDomains: try row.decode(column: "outside_mail_domains", as: Bool.self),
                submittedAt: try row.decode(column: "proven_at", as: Date?.self)
                    ?? row.decode(column: "created_at", as: Date.self),
                isEscalated: try row.decode(column: "escalated_at", as: Date?.self) != nil)
        }
    }
}

extension DecisionQueue.Entry {
    /// The entry of one request loaded with its agent, organisme and application.
    init(_ request: AccessRequest) {
        self.init(
            id: request.id!, agentID: request.$agent.id, agentName: request.agent.fullName,
            organisationName: request.organisation.name,
            applicationName: RightName.of(request.application.name, profile: request.profile?.label),
            justification: request.justification, createdAt: request.createdAt, dueAt: request.dueAt)
    }
}

extension DecisionQueue.AccountEntry {
    /// The entry of one account request loaded with its organismes.
    init(_ request: AccountRequest) {
        self.init(
            id: request.id!, civility: request.civility, firstName: request.firstName, lastName: request.lastName,
            email: request.email, birthName: request.birthName, phone: request.phone,
            contactEmail: request.contactEmail, organisationName: request.organisation.name,
            organisationMailDomains: request.organisation.mailDomains,
            secondOrganisationName: request.secondOrganisation?.name,
            isOutsideMailDomains: request.isOutsideMailDomains, submittedAt: request.provenAt ?? request.createdAt,
            isEscalated: request.escalatedAt != nil)
    }
}
