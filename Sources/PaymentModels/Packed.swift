/// Optional integers stored in eight bytes, with `Int64.min` meaning "none".
///
/// `Int64.min` never comes out of `AmountParser` (it negates a magnitude of at most
/// `Int64.max`) nor out of a real clock, so it is free to mean "absent".
@usableFromInline enum Packed {
    @usableFromInline static let none = Int64.min

    @inlinable static func pack(_ value: Int64?) -> Int64 {
        guard let value else { return none }
        precondition(value != none, "Int64.min is reserved for 'none'")
        return value
    }

    static func money(_ minor: Int64, _ currency: Currency) -> Money? {
        minor == none ? nil : Money(minorUnits: minor, currency: currency)
    }

    static func timestamp(_ milliseconds: Int64) -> Timestamp? {
        milliseconds == none ? nil : Timestamp(millisecondsSince1970: milliseconds)
    }
}
