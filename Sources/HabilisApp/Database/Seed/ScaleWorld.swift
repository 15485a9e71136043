import Fluent
import Foundation
import SQLKit

/// A federation-sized data set for benchmarks, added to the demo world: organismes of very different sizes,
/// agents with many or no requests, millions of historical requests, rights, and pending requests of which a share
/// is already due. Written with multi-row inserts in batches, so that it runs beside a live server.
struct ScaleWorld {
    struct Options: Sendable {
        var organisations = 300
        var agents = 200_000
        var applications = 60
        var requests = 2_000_000
        var rights = 400_000
        var pending = 100_000
        /// Share of the pending requests already past their automatic acceptance date.
        var dueShare = 0.2
        /// Pending requests routed to the correspondent of the largest scale organisme (`correspondant@scale-0.fr`).
        var queueOfLargestOrganisation = 5_000
        /// The demo agent (Aristide Charenne) and his organisme, who receive ~200 historical requests.
        var demoAgentID: UUID
        var demoOrganisationID: UUID
    }

    /// What was written.
    struct Report: Sendable {
        var organisations = 0
        var agents = 0
        var applications = 0
        var requests = 0
        var rights = 0
        var pending = 0
        var signIns = 0
    }

    let options: Options
    let now: Date
    let passwordHash: String

    /// Deterministic numbers, so that two runs give the same world.
    struct Random {
        var state: UInt64

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }

        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(max(1, bound))) }
        mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
    }

    static let firstNames = [
        "Camille", "Louis", "Emma", "Hugo", "Léa", "Jules", "Chloé", "Gabriel", "Manon", "Arthur",
        "Inès", "Nathan", "Sarah", "Paul", "Jade", "Lucas", "Anne", "Marc", "Julie", "Thomas",
    ]
    static let lastNames = [
        "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
        "Moreau", "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent",
        "Fournier",
    ]

    func run(on database: any Database, log: (String) -> Void) async throws -> Report {
        let sql = database as! any SQLDatabase
        var random = Random(state: 42)
        var report = Report()
        let branches = Organisation.Branch.allCases

        // Organismes, sizes following a Zipf-like law: a few with thousands of agents, many small ones.
        let organisationIDs = (0..<options.organisations).map { _ in UUID.timeOrdered() }
        try await bulk(
            sql, "organisations", ["id", "code", "name", "branch", "mail_domains", "is_active", "created_at"],
            (0..<options.organisations).map { index in
                [
                    organisationIDs[index], "SCALE-\(index)", "Organisme \(index) (échelle)",
                    branches[index % branches.count].rawValue, "scale-\(index).fr", true, now,
                ]
            })
        report.organisations = options.organisations
        let weights = (0..<options.organisations).map { 1 / pow(Double($0 + 1), 0.9) }
        let total = weights.reduce(0, +)
        var cumulative: [Double] = []
        var running = 0.0
        for weight in weights {
            running += weight / total
            cumulative.append(running)
        }
        func organisationIndex(_ random: inout Random) -> Int {
            let value = random.unit()
            var low = 0
            var high = cumulative.count - 1
            while low < high {
                let middle = (low + high) / 2
                if cumulative[middle] < value { low = middle + 1 } else { high = middle }
            }
            return low
        }
        log("organismes : \(options.organisations)")

        let applicationIDs = (0..<options.applications).map { _ in UUID.timeOrdered() }
        let central = Set((0..<options.applications).filter { $0 % 5 == 4 })
        try await bulk(
            sql, "applications",
            ["id", "code", "name", "description", "launch_url", "access_mode", "is_active", "position", "created_at"],
            (0..<options.applications).map { index in
                [
                    applicationIDs[index], "SCALE-APP-\(index)", "Application \(index)",
                    "Application de test de charge.",
                    "https://app-\(index).example.fr/", central.contains(index) ? "central" : "local", true,
                    100 + index, now,
                ]
            })
        report.applications = options.applications
        let localApplications = (0..<options.applications).filter { !central.contains($0) }

        // Agents: agent 0 is the correspondent of the largest organisme, with the demo password.
        var agentOrganisation: [Int] = []
        agentOrganisation.reserveCapacity(options.agents)
        for index in 0..<options.agents { agentOrganisation.append(index == 0 ? 0 : organisationIndex(&random)) }
        // Ids increase with (organisme, agent): rows written in that order land at the end of the indexes that
        // start with the agent or the organisme instead of on random pages.
        let agentRank = Self.ranks(
            (0..<options.agents).sorted {
                (agentOrganisation[$0], $0) < (agentOrganisation[$1], $1)
            })
        var agentIDs = [UUID](repeating: UUID(), count: options.agents)
        for agent in (0..<options.agents).sorted(by: { agentRank[$0] < agentRank[$1] }) {
            agentIDs[agent] = UUID.timeOrdered()
        }
        var rows: [[any Encodable & Sendable]] = []
        for index in 0..<options.agents {
            let organisation = agentOrganisation[index]
            let email = index == 0 ? "correspondant@scale-0.fr" : "agent\(index)@scale-\(organisation).fr"
            rows.append([
                agentIDs[index], email, passwordHash, index % 2 == 0 ? "Madame" : "Monsieur",
                Self.firstNames[index % Self.firstNames.count], Self.lastNames[(index / 20) % Self.lastNames.count],
                organisationIDs[organisation], index % 50 == 0, false, "active", now,
            ])
            if rows.count == Self.rowsPerTransaction {
                try await bulk(sql, "agents", Self.agentColumns, rows)
                rows.removeAll(keepingCapacity: true)
            }
        }
        try await bulk(sql, "agents", Self.agentColumns, rows)
        report.agents = options.agents
        log("agents : \(options.agents)")

        // One correspondent for four organismes out of five, the largest included.
        var correspondentRows: [[any Encodable & Sendable]] = [
            [UUID.timeOrdered(), agentIDs[0], organisationIDs[0], now]
        ]
        var firstAgentOf = [Int: Int]()
        for (index, organisation) in agentOrganisation.enumerated().dropFirst() where firstAgentOf[organisation] == nil
        {
            firstAgentOf[organisation] = index
        }
        for (organisation, agent) in firstAgentOf where organisation != 0 && organisation % 5 != 3 {
            correspondentRows.append([UUID.timeOrdered(), agentIDs[agent], organisationIDs[organisation], now])
        }
        try await bulk(sql, "correspondents", ["id", "agent_id", "organisation_id", "created_at"], correspondentRows)

        // Agents with many requests and agents with none: a skewed choice of the requester.
        func skewedAgent(_ random: inout Random) -> Int {
            let value = random.unit()
            return 1 + Int(pow(value, 2.2) * Double(options.agents - 1))
        }
        var taken = Set<Int>()
        func pairKey(_ agent: Int, _ application: Int) -> Int { agent * options.applications + application }

        // Rights.
        rows.removeAll(keepingCapacity: true)
        var rights = 0
        var rightPairs: [(agent: Int32, application: Int32)] = []
        rightPairs.reserveCapacity(options.rights)
        while rights < options.rights {
            let agent = skewedAgent(&random)
            let application = random.below(options.applications)
            guard taken.insert(pairKey(agent, application)).inserted else { continue }
            rightPairs.append((Int32(agent), Int32(application)))
            rows.append([
                UUID.timeOrdered(), agentIDs[agent], applicationIDs[application],
                now.addingTimeInterval(-Double(random.below(900)) * 86_400),
            ])
            rights += 1
            if rows.count == Self.rowsPerTransaction {
                try await bulk(sql, "grants", ["id", "agent_id", "application_id", "granted_at"], rows)
                rows.removeAll(keepingCapacity: true)
            }
        }
        try await bulk(sql, "grants", ["id", "agent_id", "application_id", "granted_at"], rows)
        report.rights = rights
        log("habilitations : \(rights)")

        // Historical requests, decided over the last three years.
        let statuses: [(String, Double)] = [
            ("accepted", 0.7), ("refused", 0.1), ("auto_accepted", 0.15), ("cancelled", 0.05),
        ]
        // Drawn first, then written in agent order (see the ids above).
        struct Historical {
            var agent: Int32
            var application: Int32
            var status: String
            var created: Date
            var decided: Date
        }
        var history: [Historical] = []
        history.reserveCapacity(options.requests)
        for index in 0..<options.requests {
            let agent = index < 200 ? -1 : skewedAgent(&random)
            let application = random.below(options.applications)
            let created = now.addingTimeInterval(
                -Double(11 + random.below(1_000)) * 86_400 - Double(random.below(86_400)))
            var pick = random.unit()
            var status = "accepted"
            for (name, share) in statuses {
                if pick < share {
                    status = name
                    break
                }
                pick -= share
            }
            let decided = created.addingTimeInterval(
                status == "auto_accepted" ? 10 * 86_400 : Double(random.below(9 * 86_400)))
            history.append(
                Historical(
                    agent: Int32(agent), application: Int32(application), status: status, created: created,
                    decided: decided))
        }
        history.sort { ($0.agent < 0 ? -1 : agentRank[Int($0.agent)]) < ($1.agent < 0 ? -1 : agentRank[Int($1.agent)]) }
        rows.removeAll(keepingCapacity: true)
        for (index, item) in history.enumerated() {
            let agent = Int(item.agent)
            let application = Int(item.application)
            rows.append([
                UUID.timeOrdered(), agent < 0 ? options.demoAgentID : agentIDs[agent], applicationIDs[application],
                agent < 0 ? options.demoOrganisationID : organisationIDs[agentOrganisation[agent]], item.status,
                central.contains(application) ? "administrators" : "correspondents", item.created,
                item.created.addingTimeInterval(10 * 86_400), item.decided,
                item.status == "refused" ? "Motif de refus de test" : String?.none,
            ])
            if rows.count == Self.rowsPerTransaction {
                try await bulk(sql, "access_requests", Self.requestColumns, rows)
                rows.removeAll(keepingCapacity: true)
                if (index + 1) % 200_000 == 0 { log("demandes historiques : \(index + 1)") }
            }
        }
        try await bulk(sql, "access_requests", Self.requestColumns, rows)
        report.requests = options.requests

        // Pending requests: the queue of the largest organisme first, then spread; a share already due.
        rows.removeAll(keepingCapacity: true)
        var pending = 0
        let largest = (0..<options.agents).filter { agentOrganisation[$0] == 0 && $0 != 0 }
        while pending < options.pending {
            let inQueue = pending < options.queueOfLargestOrganisation && !largest.isEmpty
            let agent = inQueue ? largest[random.below(largest.count)] : skewedAgent(&random)
            let application =
                inQueue ? localApplications[random.below(localApplications.count)] : random.below(options.applications)
            // The largest organisme's queue holds exactly its share, none of it due (it survives a sweep).
            if !inQueue && agentOrganisation[agent] == 0 && options.organisations > 1 { continue }
            guard taken.insert(pairKey(agent, application)).inserted else { continue }
            let due = !inQueue && random.unit() < options.dueShare
            let created = now.addingTimeInterval(
                -Double(due ? 10 + random.below(5) : random.below(10)) * 86_400 - 3_600)
            rows.append([
                UUID.timeOrdered(), agentIDs[agent], applicationIDs[application],
                organisationIDs[agentOrganisation[agent]],
                "pending", central.contains(application) ? "administrators" : "correspondents", created,
                ParisCalendar.adding(days: 10, to: created), Date?.none, String?.none,
            ])
            pending += 1
            if rows.count == Self.rowsPerTransaction {
                try await bulk(sql, "access_requests", Self.requestColumns, rows)
                rows.removeAll(keepingCapacity: true)
            }
        }
        try await bulk(sql, "access_requests", Self.requestColumns, rows)
        report.pending = pending
        log("demandes en attente : \(pending)")
        report.signIns = try await addSingleSignOn(
            sql, rights: rightPairs, agentIDs: agentIDs, applicationIDs: applicationIDs)
        log("connexions aux applications : \(report.signIns)")
        // A bulk load leaves PostgreSQL without statistics to plan from, and without the visibility map and hint bits
        // that autovacuum keeps on a live database (the first writes after the load would set them instead).
        if sql.dialect.isPostgreSQL { try await sql.raw("VACUUM (ANALYZE)").run() }
        return report
    }

    /// Single sign-on as a live federation has it: a client for each application, and sign-ins for a quarter of
    /// the rights, each with its refresh tokens (three used, one standing). Without them the token endpoint's
    /// statements were planned on empty tables, and scanned them for a minute as the bench filled them
    /// (docs/performance.md). The tokens last 30 days, the longest a client may set. Drawn
    /// from a random sequence of their own: the rest of the world stays the same.
    func addSingleSignOn(
        _ sql: any SQLDatabase, rights: [(agent: Int32, application: Int32)], agentIDs: [UUID], applicationIDs: [UUID]
    ) async throws -> Int {
        var random = Random(state: 7)
        let lifetime = 30 * 24 * 60 * 60
        let clientIDs = applicationIDs.map { _ in UUID.timeOrdered() }
        try await bulk(
            sql, "oidc_clients",
            [
                "id", "client_id", "application_id", "name", "secret_hash", "requires_pkce", "redirect_uris",
                "post_logout_redirect_uris", "signing_algorithm", "access_token_seconds", "id_token_seconds",
                "refresh_token_seconds", "created_at", "updated_at",
            ],
            applicationIDs.indices.map { index in
                [
                    clientIDs[index], "scale-app-\(index)", applicationIDs[index], "Application \(index)",
                    SecureToken.hash(SecureToken.generate()), true, "https://app-\(index).example.fr/callback", "",
                    "RS256", 300, 300, lifetime, now, now,
                ]
            })
        var signIns: [[any Encodable & Sendable]] = []
        var tokens: [[any Encodable & Sendable]] = []
        var written = 0
        for (index, right) in rights.enumerated() where index % 4 == 0 {
            let signedInAt = now.addingTimeInterval(-Double(random.below(12 * 60 * 60)))
            let expiresAt = signedInAt.addingTimeInterval(Double(lifetime))
            let signInID = UUID.timeOrdered()
            signIns.append([
                signInID, clientIDs[Int(right.application)], agentIDs[Int(right.agent)], "openid profile email",
                signedInAt, "pwd", signedInAt, expiresAt,
            ])
            for rotation in 0..<4 {
                let issuedAt = signedInAt.addingTimeInterval(Double(rotation) * 300)
                tokens.append([
                    UUID.timeOrdered(), SecureToken.hash("scale-\(index)-\(rotation)"), signInID, issuedAt, expiresAt,
                    rotation < 3 ? issuedAt.addingTimeInterval(300) : Date?.none,
                ])
            }
            written += 1
            if tokens.count >= Self.rowsPerTransaction {
                try await writeSignIns(sql, &signIns, &tokens)
            }
        }
        try await writeSignIns(sql, &signIns, &tokens)
        return written
    }

    private func writeSignIns(
        _ sql: any SQLDatabase, _ signIns: inout [[any Encodable & Sendable]],
        _ tokens: inout [[any Encodable & Sendable]]
    ) async throws {
        try await bulk(
            sql, "application_sign_ins",
            ["id", "client_id", "agent_id", "scope", "auth_time", "amr", "created_at", "expires_at"],
            signIns)
        try await bulk(
            sql, "oidc_refresh_tokens", ["id", "token_hash", "sign_in_id", "created_at", "expires_at", "used_at"],
            tokens)
        signIns.removeAll(keepingCapacity: true)
        tokens.removeAll(keepingCapacity: true)
    }

    /// The position of each index in `order`.
    static func ranks(_ order: [Int]) -> [Int] {
        var rank = [Int](repeating: 0, count: order.count)
        for (position, index) in order.enumerated() { rank[index] = position }
        return rank
    }

    /// Rows written per transaction: large enough that commits are rare, small enough for a live server's writers.
    static let rowsPerTransaction = 20_000

    static let agentColumns = [
        "id", "email", "password_hash", "civility", "first_name", "last_name", "organisation_id", "is_director",
        "is_administrator", "status", "created_at",
    ]
    static let requestColumns = [
        "id", "agent_id", "application_id", "organisation_id", "status", "routed_to", "created_at", "due_at",
        "decided_at", "refusal_reason",
    ]

    /// Inserts rows in bulk (`insertRows`), in one transaction per call.
    func bulk(
        _ sql: any SQLDatabase, _ table: String, _ columns: [String], _ rows: [[any Encodable & Sendable]]
    )
        async throws
    {
        guard !rows.isEmpty else { return }
        try await (sql as! any Database).transaction { transaction in
            try await (transaction as! any SQLDatabase).insertRows(into: table, columns: columns, rows: rows)
        }
    }
}
