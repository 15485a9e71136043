import Fluent
import FluentSQL
import SQLKit

/// Case-insensitive search of accounts by name or e-mail, the same on SQLite and PostgreSQL.
enum AgentSearch {
    /// Narrows `query` to accounts whose e-mail, first or last name contains every word of `text` (five at most).
    @discardableResult
    static func filter(_ query: QueryBuilder<Agent>, text: String) -> QueryBuilder<Agent> {
        let words = text.lowercased().split(whereSeparator: \.isWhitespace).prefix(5)
        for word in words {
            let pattern =
                "%"
                + word.prefix(100).replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
            query.group(.or) { either in
                for column in ["email", "first_name", "last_name"] {
                    either.filter(
                        .sql(
                            embed: "LOWER(\(ident: Agent.schema).\(ident: column)) LIKE \(bind: pattern) ESCAPE '\\'"))
                }
            }
        }
        return query
    }
}
