public import PaymentModels

/// A total a file states about itself (a statement's entry count and sums, its balances, a
/// bill's summary row, a report footer) next to the same figure computed from the records.
public struct ControlTotal: Sendable, Equatable {
    /// What it is, for a person: `Stmt 1 TxsSummry/TtlCdtNtries/Sum`.
    public var name: String
    /// As stated and as computed, formatted the same way (an amount with its currency's
    /// exponent, or a count).
    public var stated: String
    public var computed: String
    public var ties: Bool
    /// A figure the file states that nothing in it can be checked against (the balances of a
    /// camt.052 report that lists no entries): shown, never counted as tying or not.
    public var statedOnly = false

    public init(name: String, stated: String, computed: String) {
        self.name = name
        self.stated = stated
        self.computed = computed
        ties = stated == computed
    }

    /// An amount total: ties when the minor units are equal.
    public static func amount(_ name: String, stated: Money, computed: Money) -> ControlTotal {
        var total = ControlTotal(name: name, stated: stated.description, computed: computed.description)
        total.ties = stated == computed
        return total
    }

    /// A stated amount against a computed sum of any size.
    public static func amount(_ name: String, stated: Money, computed: Total) -> ControlTotal {
        total(name, stated: Total(stated.minorUnits), computed: computed, stated.currency)
    }

    /// An amount total at any size (sums of many rows are `Total`s): ties when equal.
    public static func total(_ name: String, stated: Total, computed: Total, _ currency: Currency) -> ControlTotal {
        let text = { (v: Total) in "\(MinorUnits.format(v, exponent: currency.exponent)) \(currency.code)" }
        var total = ControlTotal(name: name, stated: text(stated), computed: text(computed))
        total.ties = stated == computed
        return total
    }

    /// A stated figure with nothing to check it against.
    public static func stated(_ name: String, _ value: Money) -> ControlTotal {
        var total = ControlTotal(name: name, stated: value.description, computed: "")
        total.ties = true
        total.statedOnly = true
        return total
    }

    public static func count(_ name: String, stated: Int, computed: Int) -> ControlTotal {
        ControlTotal(name: name, stated: String(stated), computed: String(computed))
    }
}
