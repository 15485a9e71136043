import Fluent
import SQLKit

/// A model whose properties are listed by hand, so that a row decodes into it without Fluent's reflection: each
/// `decode(fluentModel:)` walks the model with a `Mirror`, and for the agent of every signed-in request that walk
/// was half of the decoding. The values are set as Fluent sets them (fetched, not changed: an update writes only
/// what the caller changes). `ListedDecodingTests` checks each list against what Fluent reflects.
protocol ListedDecoding: Model {
    /// Every database property of the model, in any order.
    var listedProperties: [any AnyDatabaseProperty] { get }
}

extension SQLRow {
    /// The model of a row holding its columns under their own names (`SELECT a.*`, …).
    func decode<Listed: ListedDecoding>(listed: Listed.Type) throws -> Listed {
        let model = Listed()
        let output = RowOutput(row: self)
        for property in model.listedProperties { try property.output(from: output) }
        return model
    }
}

/// A row as Fluent reads a fetched model (what FluentSQL's internal `SQLDatabaseOutput` does).
private struct RowOutput: DatabaseOutput {
    let row: any SQLRow

    var description: String { "\(row)" }
    func schema(_ schema: String) -> any DatabaseOutput { self }
    func contains(_ key: FieldKey) -> Bool { row.contains(column: key.description) }
    func decodeNil(_ key: FieldKey) throws -> Bool { try row.decodeNil(column: key.description) }
    func decode<T: Decodable>(_ key: FieldKey, as type: T.Type) throws -> T {
        try row.decode(column: key.description, as: T.self)
    }
}

extension Agent: ListedDecoding {
    var listedProperties: [any AnyDatabaseProperty] {
        [
            $id, $email, $passwordHash, $civility, $firstName, $lastName, $birthName, $organisation,
            $secondOrganisation, $contactEmail, $phone, $isDirector, $isAdministrator, $mayDeputise, $status,
            $createdAt, $lastSignInAt, $externalID, $identitySource, $updatedAt,
        ]
    }
}
