import Foundation
import SQLKit

/// The filters the SCIM service answers (RFC 7644 §3.4.2.2): `attribute eq "value"` and `meta.lastModified gt
/// "instant"` (also `ge`, `lt`, `le`), joined by `and`. Anything else is `invalidFilter`, never a guess.
struct SCIMFilter {
    struct Comparison {
        let attribute: String
        let op: String
        let value: String
    }

    let comparisons: [Comparison]

    static func invalid(_ detail: String) -> APIProblem {
        var problem = APIProblem(.badRequest, "Filtre non pris en charge.", detail: detail)
        problem.scimType = "invalidFilter"
        return problem
    }

    /// Parses `text`, allowing the attributes of `columns` (lower-cased SCIM names).
    init(_ text: String, allowing columns: [String: String]) throws {
        guard text.utf8.count <= 1_000 else { throw Self.invalid("Filtre trop long.") }
        var comparisons: [Comparison] = []
        var rest = Substring(text).trimmingCharacters(in: .whitespaces)[...]
        while true {
            // attribute
            let attribute = rest.prefix { !$0.isWhitespace }
            rest = rest.dropFirst(attribute.count).drop { $0.isWhitespace }
            let op = rest.prefix { !$0.isWhitespace }.lowercased()
            rest = rest.dropFirst(op.count).drop { $0.isWhitespace }
            guard rest.first == "\"" else {
                throw Self.invalid("Les valeurs s’écrivent entre guillemets : userName eq \"a@b.fr\".")
            }
            var value = ""
            var index = rest.index(after: rest.startIndex)
            var closed = false
            while index < rest.endIndex {
                let character = rest[index]
                if character == "\\", rest.index(after: index) < rest.endIndex {
                    index = rest.index(after: index)
                    value.append(rest[index])
                } else if character == "\"" {
                    closed = true
                    break
                } else {
                    value.append(character)
                }
                index = rest.index(after: index)
            }
            guard closed else { throw Self.invalid("Guillemet fermant manquant.") }
            rest = rest[rest.index(after: index)...].drop { $0.isWhitespace }
            let name = attribute.lowercased()
            guard columns[name] != nil else {
                throw Self.invalid("Attribut non filtrable : \(attribute.prefix(60)).")
            }
            let allowed = name == "meta.lastmodified" ? ["gt", "ge", "lt", "le", "eq"] : ["eq"]
            guard allowed.contains(op) else { throw Self.invalid("Opérateur non pris en charge : \(op.prefix(10)).") }
            comparisons.append(Comparison(attribute: name, op: op, value: value))
            if rest.isEmpty { break }
            let joiner = rest.prefix { !$0.isWhitespace }
            guard joiner.lowercased() == "and" else {
                throw Self.invalid("Seul « and » joint des comparaisons.")
            }
            rest = rest.dropFirst(joiner.count).drop { $0.isWhitespace }
        }
        self.comparisons = comparisons
    }

    /// The SQL condition, with `columns` giving each attribute's column (an expression of the query).
    func condition(columns: [String: String]) throws -> SQLQueryString {
        var condition: SQLQueryString = "1 = 1"
        for comparison in comparisons {
            let column = columns[comparison.attribute]!
            if comparison.attribute == "meta.lastmodified" {
                guard
                    let instant = ISO8601DateFormatter().date(from: comparison.value)
                        ?? Self.fractional.date(from: comparison.value)
                else { throw Self.invalid("Date attendue au format ISO 8601.") }
                let op = ["gt": ">", "ge": ">=", "lt": "<", "le": "<=", "eq": "="][comparison.op]!
                condition = "\(condition) AND \(unsafeRaw: column) \(unsafeRaw: op) \(bind: instant)"
            } else if comparison.attribute == "id" {
                guard let id = UUID(uuidString: comparison.value) else { return "1 = 0" }
                condition = "\(condition) AND \(unsafeRaw: column) = \(bind: id)"
            } else {
                // userName and displayName are case-insensitive (caseExact false); externalId is exact.
                condition =
                    comparison.attribute == "externalid"
                    ? "\(condition) AND \(unsafeRaw: column) = \(bind: comparison.value)"
                    : "\(condition) AND lower(\(unsafeRaw: column)) = \(bind: comparison.value.lowercased())"
            }
        }
        return condition
    }

    private static var fractional: ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }
}
