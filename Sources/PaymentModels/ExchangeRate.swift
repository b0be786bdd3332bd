/// The rate a provider converted a line's gross at, from the charge currency into the
/// settlement currency (Adyen's `Exchange Rate`), as the file states it: an exact decimal with
/// up to ten decimals, kept as an integer of 10^-10 units so no float comes near it.
public struct ExchangeRate: Hashable, Sendable, CustomStringConvertible {
    /// Decimals kept; a rate written with more is refused rather than rounded.
    public static let decimals = 10
    static let scale: Int128 = 10_000_000_000

    /// The rate in units of 10^-10 (`1.0656568` is 10,656,568,000).
    public let scaled: Int64

    public init?(scaled: Int64) {
        guard scaled > 0 else { return nil }
        self.scaled = scaled
    }

    /// A positive decimal (`1.0656568`, `0.011`, `1`); an error names the value otherwise.
    public init(parsing bytes: UnsafeRawBufferPointer) throws(AmountError) {
        let scaled = try AmountParser.parseDecimal(bytes, exponent: Self.decimals, currencyCode: "an exchange rate")
        guard scaled > 0 else { throw .notANumber(String(decoding: bytes, as: UTF8.self)) }
        self.scaled = scaled
    }

    public init(parsing text: String) throws(AmountError) {
        self = try withBytes(text) { (bytes) throws(AmountError) in try ExchangeRate(parsing: bytes) }
    }

    /// `1.0656568`: no trailing zeros.
    public var description: String {
        var text = MinorUnits.format(scaled, exponent: Self.decimals)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// `amount` at this rate in `currency`'s minor units, rounded half away from zero; nil when
    /// the result does not fit in Int64.
    public func convert(_ amount: Money, to currency: Currency) -> Money? {
        let (product, o1) = Int128(amount.minorUnits).multipliedReportingOverflow(by: Int128(scaled))
        let (numerator, o2) = product.multipliedReportingOverflow(by: Int128(currency.minorUnitsPerMajor))
        guard !o1 && !o2 else { return nil }
        let denominator = Self.scale * Int128(amount.currency.minorUnitsPerMajor)
        var quotient = numerator / denominator
        let remainder = numerator % denominator
        if remainder.magnitude * 2 >= denominator.magnitude { quotient += numerator < 0 ? -1 : 1 }
        guard let minor = Int64(exactly: quotient) else { return nil }
        return Money(minorUnits: minor, currency: currency)
    }
}
