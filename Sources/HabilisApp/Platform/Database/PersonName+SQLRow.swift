import SQLKit

extension SQLRow {
    /// "Prénom Nom" of an agent joined under `<prefix>_first_name` / `<prefix>_last_name`; nil when a left join
    /// found none.
    func personName(prefix: String) throws -> String? {
        guard let first = try decode(column: "\(prefix)_first_name", as: String?.self),
            let last = try decode(column: "\(prefix)_last_name", as: String?.self)
        else { return nil }
        return "\(first) \(last)"
    }
}
