import SQLKit

extension SQLDialect {
    /// PostgreSQL, where a statement may use what SQLite lacks (row locks, arrays, `VACUUM (ANALYZE)`).
    var isPostgreSQL: Bool { name == "postgresql" }
}
