import Fluent
import Foundation
import PostgresNIO
import SQLKit

extension SQLDatabase {
    /// Inserts many rows in a few statements, inside the caller's transaction. `ignoringConflicts` skips rows a
    /// unique index refuses (`ON CONFLICT DO NOTHING`), e.g. a right the agent already holds.
    ///
    /// On PostgreSQL each column goes as one array (`INSERT … SELECT * FROM unnest($1, $2, …)`): a multi-row
    /// `VALUES` of 10,000 rights had 70,000 placeholders to write, encode one by one, parse and plan, which was about
    /// a sixth of the sweep's time on each side. SQLite takes multi-row `VALUES`, under its limit of bound values.
    func insertRows(
        into table: String, columns: [String], rows: [[any Encodable & Sendable]], ignoringConflicts: Bool = false
    ) async throws {
        guard !rows.isEmpty else { return }
        if dialect.isPostgreSQL {
            for chunk in rows.chunks(of: 10_000) {
                if let statement = UnnestInsert(into: table, columns: columns, rows: Array(chunk)) {
                    try await raw(statement.query(ignoringConflicts: ignoringConflicts)).run()
                } else {
                    try await insertValues(
                        into: table, columns: columns, rows: Array(chunk), ignoringConflicts: ignoringConflicts)
                }
            }
            return
        }
        try await insertValues(into: table, columns: columns, rows: rows, ignoringConflicts: ignoringConflicts)
    }

    /// Multi-row `VALUES`, each statement under SQLite's and PostgreSQL's limits on bound values.
    private func insertValues(
        into table: String, columns: [String], rows: [[any Encodable & Sendable]], ignoringConflicts: Bool
    ) async throws {
        for chunk in rows.chunks(of: 30_000 / columns.count) {
            let insert = self.insert(into: table).columns(columns)
            for row in chunk {
                insert.values(row)
            }
            if ignoringConflicts { insert.ignoringConflicts() }
            try await insert.run()
        }
    }
}

/// `INSERT INTO table (a, b, c) SELECT u.a, NULL, u.c FROM unnest($1, $2) AS u(a, c)`: one array per column; a
/// column with no value at all is a `NULL`, since an array of nothing but nulls tells PostgreSQL no element type.
private struct UnnestInsert {
    let table: String
    let columns: [String]
    let arrays: [(any PostgresThrowingDynamicTypeEncodable & Encodable & Sendable)?]

    /// Nil when a value is of a type without a PostgreSQL array here: the caller then writes `VALUES`.
    init?(into table: String, columns: [String], rows: [[any Encodable & Sendable]]) {
        var arrays: [(any PostgresThrowingDynamicTypeEncodable & Encodable & Sendable)?] = []
        for index in columns.indices {
            let values = rows.map { $0[index] }
            // The first value that is not null says the type; a column of nulls only is written `NULL`.
            guard let first = values.first(where: { !isNull($0) }) else {
                arrays.append(nil)
                continue
            }
            guard let array = Self.array(of: values, typedAs: first) else { return nil }
            arrays.append(array)
        }
        self.table = table
        self.columns = columns
        self.arrays = arrays
    }

    /// One column's values as a typed array, nulls included, or nil for a type without an array here. A cast looks
    /// through an optional, so a `UUID?` is a UUID.
    private static func array(
        of values: [any Encodable & Sendable], typedAs first: any Encodable & Sendable
    ) -> (any PostgresThrowingDynamicTypeEncodable & Encodable & Sendable)? {
        func typed<T: PostgresArrayEncodable & Encodable & Sendable>(_: T.Type) -> PostgresArray<T>? {
            var typed: [T?] = []
            typed.reserveCapacity(values.count)
            for value in values {
                if let value = value as? T {
                    typed.append(value)
                } else if isNull(value) {
                    typed.append(nil)
                } else {
                    return nil
                }
            }
            return PostgresArray(typed)
        }
        switch first {
        case is UUID: return typed(UUID.self)
        case is Date: return typed(Date.self)
        case is String: return typed(String.self)
        case is Int: return typed(Int.self)
        case is Bool: return typed(Bool.self)
        default: return nil
        }
    }

    func query(ignoringConflicts: Bool) -> SQLQueryString {
        let unnested = zip(columns, arrays).compactMap { column, array in array.map { (column, $0) } }
        let selected: [SQLQueryString] = zip(columns, arrays).map { column, array in
            array == nil ? "NULL" : "u.\(ident: column)"
        }
        var query: SQLQueryString = "INSERT INTO \(ident: table) (\(idents: columns, joinedBy: ", ")) SELECT "
        query += selected.joined(separator: ", ")
        query += " FROM unnest(\(binds: unnested.map(\.1))) AS u(\(idents: unnested.map(\.0), joinedBy: ", "))"
        if ignoringConflicts { query += " ON CONFLICT DO NOTHING" }
        return query
    }
}

/// A one-dimensional array that may hold nulls, in PostgreSQL's binary format (PostgresNIO encodes arrays of
/// non-optional elements only).
private struct PostgresArray<Element>: PostgresThrowingDynamicTypeEncodable, Encodable, Sendable
where Element: PostgresArrayEncodable & Encodable & Sendable {
    let elements: [Element?]

    init(_ elements: [Element?]) { self.elements = elements }

    var psqlType: PostgresDataType { Element.psqlArrayType }
    var psqlFormat: PostgresFormat { .binary }

    func encode<JSONEncoder: PostgresJSONEncoder>(
        into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>
    ) throws {
        buffer.writeInteger(1, as: Int32.self)  // dimensions
        buffer.writeInteger(elements.contains { $0 == nil } ? 1 : 0, as: Int32.self)  // has nulls
        buffer.writeInteger(Element.psqlType.rawValue)
        buffer.writeInteger(Int32(elements.count))  // length of the dimension
        buffer.writeInteger(1, as: Int32.self)  // its lower bound
        for element in elements {
            guard let element else {
                buffer.writeInteger(-1, as: Int32.self)
                continue
            }
            // Each element is its length, then its bytes.
            let lengthAt = buffer.writerIndex
            buffer.writeInteger(0, as: Int32.self)
            try element.encode(into: &buffer, context: context)
            buffer.setInteger(Int32(buffer.writerIndex - lengthAt - 4), at: lengthAt)
        }
    }

    /// Only PostgreSQL's binary encoding above is used: SQLKit binds it as it is.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(elements)
    }
}
