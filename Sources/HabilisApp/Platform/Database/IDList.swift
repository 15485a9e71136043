import Foundation
import SQLKit

/// `column IN (…)` for many ids. On PostgreSQL it is `column = ANY($1)` with one array bind: a list of 10,000
/// placeholders (a sweep's batch) costs both sides more than the statement's work. SQLite lists them.
struct SQLIDList: SQLExpression {
    let column: String
    let ids: [UUID]

    init(_ column: String, in ids: [UUID]) {
        self.column = column
        self.ids = ids
    }

    func serialize(to serializer: inout SQLSerializer) {
        SQLIdentifier(column).serialize(to: &serializer)
        if serializer.dialect.name == "postgresql" {
            serializer.write(" = ANY(")
            serializer.write(bind: ids)
            serializer.write(")")
        } else {
            serializer.write(" IN ")
            SQLBind.group(ids).serialize(to: &serializer)
        }
    }
}
