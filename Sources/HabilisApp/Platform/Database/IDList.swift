import Foundation
import SQLKit

/// `column IN (…)` for many ids. On PostgreSQL it is `column = ANY($1)` with one array bind: a list of 10,000
/// placeholders (a sweep's batch) costs both sides more than the statement's work, and an empty list is valid.
/// SQLite lists them, `IN ()` when empty; it takes at most 32,766 binds in a statement, so callers chunk long lists.
struct SQLIDList: SQLExpression {
    let column: any SQLExpression
    let ids: [UUID]

    /// `column` is a column name, or a qualified column such as `SQLColumn("agent_id", table: "g")`.
    init(_ column: String, in ids: [UUID]) {
        self.init(SQLColumn(column), in: ids)
    }

    init(_ column: any SQLExpression, in ids: [UUID]) {
        self.column = column
        self.ids = ids
    }

    func serialize(to serializer: inout SQLSerializer) {
        column.serialize(to: &serializer)
        if serializer.dialect.isPostgreSQL {
            serializer.write(" = ANY(")
            serializer.write(bind: ids)
            serializer.write(")")
        } else {
            serializer.write(" IN ")
            SQLBind.group(ids).serialize(to: &serializer)
        }
    }
}
