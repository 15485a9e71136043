import PostgresKit
import PostgresNIO
import SQLKit
import Synchronization

extension SQLDatabase {
    /// A statement of a busy page, prepared once per PostgreSQL connection instead of parsed and planned on every
    /// request: PostgresNIO sends plain queries unnamed, and planning the history's or the session's statement costs
    /// two to four times running it (docs/performance.md). SQLite runs it as `raw` does.
    func prepared(_ query: SQLQueryString) -> PreparedQuery { PreparedQuery(database: self, query: query) }
}

/// `raw(…).all()`, `first()` and `run()`, with the statement prepared on PostgreSQL. A statement with a bind that
/// PostgreSQL cannot take as it is (one SQLKit would encode as JSON) runs unprepared.
struct PreparedQuery {
    let database: any SQLDatabase
    let query: SQLQueryString

    func all() async throws -> [any SQLRow] {
        guard let postgres = database as? any PostgresDatabase, let statement = PreparedStatement(query, database)
        else { return try await database.raw(query).all() }
        // Logged as SQLKit logs every other statement (what the query-count tests read).
        database.logger.debug(
            "Executing query",
            metadata: ["sql": .string(statement.text.sql), "prepared-as": .string(statement.text.name)])
        do {
            return try await statement.rows(on: postgres, logger: database.logger)
        } catch {
            // PostgresNIO keeps a failed preparation for good: the name would fail on that connection forever
            // (e.g. first prepared inside a transaction an earlier error had aborted). The next call takes a new one.
            PreparedStatement.retire(statement.text.name)
            throw error
        }
    }

    func first() async throws -> (any SQLRow)? { try await all().first }

    func run() async throws { _ = try await all() }
}

/// PostgresNIO names a prepared statement by its type (`static var name`, `static var sql`); one type serves every
/// statement by reading them from a task-local value set around the call.
private struct PreparedStatement: PostgresPreparedStatement {
    typealias Row = PostgresRow

    struct Text: Sendable {
        let name: String
        let sql: String
    }

    @TaskLocal static var text = Text(name: "", sql: "")
    static var name: String { text.name }
    static var sql: String { text.sql }

    /// What makes two statements the same prepared one: the text and each bind's type, nil for a null. Types are
    /// told by identity: their names (`String(reflecting:)`) were two fifths of the cost of preparing a call.
    private struct Key: Hashable {
        let sql: String
        var bindTypes: [ObjectIdentifier?] = []
    }

    /// One name per statement text and bind types, in this process; connections live and die with the process.
    private static let names = Mutex<(byKey: [Key: String], issued: Int)>(([:], 0))

    /// Gives up a name after a failed run; at worst a statement is prepared again under its next name.
    static func retire(_ name: String) {
        names.withLock { names in names.byKey = names.byKey.filter { $0.value != name } }
    }

    let text: Text
    let bindings: PostgresBindings

    init?(_ query: SQLQueryString, _ database: any SQLDatabase) {
        let (sql, binds) = database.serialize(query)
        var bindings = PostgresBindings(capacity: binds.count)
        // The key tells the binds' types, and which are null: PostgreSQL infers a null parameter's type from the
        // statement, and a statement prepared so must not be run later with a value of another type.
        var key = Key(sql: sql)
        key.bindTypes.reserveCapacity(binds.count)
        for bind in binds {
            if isNull(bind) {
                bindings.appendNull()
                key.bindTypes.append(nil)
            } else if let value = bind as? any PostgresThrowingDynamicTypeEncodable,
                (try? bindings.append(value)) != nil
            {
                key.bindTypes.append(ObjectIdentifier(type(of: value)))
            } else {
                return nil
            }
        }
        let name = Self.names.withLock { names in
            if let name = names.byKey[key] { return name }
            names.issued += 1
            let name = "habilis_\(names.issued)"
            names.byKey[key] = name
            return name
        }
        self.text = Text(name: name, sql: sql)
        self.bindings = bindings
    }

    func makeBindings() -> PostgresBindings { bindings }
    func decodeRow(_ row: PostgresRow) -> PostgresRow { row }

    /// Runs on the connection's event loop, where the connection closes: open when checked, it is still open when
    /// the statement is written right after, with no wait between (PostgresNIO never answers a statement written
    /// after the close; LostConnection.swift).
    func rows(on database: any PostgresDatabase, logger: Logger) async throws -> [any SQLRow] {
        try await database.withConnection { connection in
            connection.eventLoop.makeFutureWithTaskOnTheLoop {
                guard !connection.isClosed else { throw LostConnection() }
                return try await Self.$text.withValue(text) {
                    var rows: [any SQLRow] = []
                    for try await row in try await connection.execute(self, logger: logger) {
                        rows.append(row.sql())
                    }
                    return rows
                }
            }
        }.get()
    }
}
