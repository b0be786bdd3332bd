/// An exact amount of one currency, in integer minor units (cents, yen, fils).
///
/// Never a floating-point number: finance needs `0.1 + 0.2 == 0.3`. Arithmetic traps on
/// overflow and on mixing currencies, because either means a bug, not bad input.
public struct Money: Hashable, Sendable, CustomStringConvertible {
    public var minorUnits: Int64
    public var currency: Currency

    public init(minorUnits: Int64, currency: Currency) {
        self.minorUnits = minorUnits
        self.currency = currency
    }

    public static func zero(_ currency: Currency) -> Money { Money(minorUnits: 0, currency: currency) }

    public static func + (lhs: Money, rhs: Money) -> Money {
        precondition(lhs.currency == rhs.currency, "adding \(lhs.currency) to \(rhs.currency)")
        return Money(minorUnits: lhs.minorUnits + rhs.minorUnits, currency: lhs.currency)
    }

    public static func - (lhs: Money, rhs: Money) -> Money {
        precondition(lhs.currency == rhs.currency, "subtracting \(rhs.currency) from \(lhs.currency)")
        return Money(minorUnits: lhs.minorUnits - rhs.minorUnits, currency: lhs.currency)
    }

    public static prefix func - (value: Money) -> Money {
        Money(minorUnits: -value.minorUnits, currency: value.currency)
    }

    /// The amount in major units with exactly the currency's decimals: `12.34`, `1500`, `-1.250`.
    public var decimalString: String { MinorUnits.format(minorUnits, exponent: currency.exponent) }

    /// `12.34 USD`.
    public var description: String { "\(decimalString) \(currency.code)" }
}

/// Formatting of integer minor units as exact decimal strings.
public enum MinorUnits {
    /// `format(-125, exponent: 2)` is `"-1.25"`; `format(1500, exponent: 0)` is `"1500"`. Any
    /// width: an amount is an `Int64`, a sum of them a `Total`.
    public static func format(_ minor: some BinaryInteger, exponent: Int) -> String {
        let negative = minor < 0
        // the magnitude, so that the type's minimum formats instead of trapping
        var digits = String(minor.magnitude)
        if exponent > 0 {
            if digits.count <= exponent {
                digits = String(repeating: "0", count: exponent - digits.count + 1) + digits
            }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -exponent))
        }
        return negative ? "-" + digits : digits
    }

    /// As `format`, with a comma between thousands for people: `grouped(123456789, exponent: 2)`
    /// is `"1,234,567.89"`.
    public static func grouped(_ minor: some BinaryInteger, exponent: Int) -> String {
        var text = format(minor, exponent: exponent)
        let negative = text.hasPrefix("-")
        if negative { text.removeFirst() }
        let whole = text.prefix { $0 != "." }
        var out = ""
        for (k, digit) in whole.enumerated() {
            if k > 0 && (whole.count - k) % 3 == 0 { out += "," }
            out.append(digit)
        }
        return (negative ? "-" : "") + out + text.dropFirst(whole.count)
    }
}

extension Money {
    /// For people: thousands separated and the currency named, `1,234.50 EUR`.
    public var grouped: String { "\(MinorUnits.grouped(minorUnits, exponent: currency.exponent)) \(currency.code)" }
}

/// A sum of minor units: wide enough that adding up any number of `Int64` amounts (a file of
/// rows near the limit, a batch, a provider's day) can never overflow. Amounts themselves stay
/// `Int64`; only sums and differences are totals.
public typealias Total = Int128

extension Money {
    /// A total as money, when it fits an amount (nil beyond ±9.2 × 10^18 minor units).
    public init?(total: Total, currency: Currency) {
        // Int64.min is left out as parsing leaves it out: every amount's size fits an amount
        guard let minor = Int64(exactly: total), minor != .min else { return nil }
        self.init(minorUnits: minor, currency: currency)
    }
}
