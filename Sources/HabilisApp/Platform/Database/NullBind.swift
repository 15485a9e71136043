/// Whether a bind is a nil optional. Casts look through the optional inside the existential (`UUID?.none` is not a
/// `UUID`, and neither is a `String`), so the optional itself is asked.
func isNull(_ value: any Encodable & Sendable) -> Bool {
    (value as? any OptionalValue)?.isNone == true
}

private protocol OptionalValue {
    var isNone: Bool { get }
}

extension Optional: OptionalValue {
    fileprivate var isNone: Bool { self == nil }
}
