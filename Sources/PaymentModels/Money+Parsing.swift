/// Why an amount could not be read. Each case names the value so a finance person can fix it.
public enum AmountError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Nothing there (an empty cell where an amount is required).
    case empty
    /// Not a plain decimal number (`12,3O`, `1e5`, `12 USD`).
    case notANumber(String)
    /// More decimals than the currency has (`1.234` for USD): never rounded.
    case tooManyDecimals(String, currency: String, allowed: Int)
    /// Beyond ±9,223,372,036,854,775,807 minor units.
    case overflow(String)
    /// Not an active ISO 4217 code.
    case unknownCurrency(String)

    public var description: String {
        switch self {
        case .empty: "amount is empty"
        case .notANumber(let value): "'\(value)' is not a decimal amount"
        case .tooManyDecimals(let value, let currency, let allowed):
            "'\(value)' has more decimals than \(currency) allows (\(allowed))"
        case .overflow(let value): "'\(value)' is too large to represent exactly"
        case .unknownCurrency(let value): "'\(value)' is not an ISO 4217 currency code"
        }
    }
}

/// Exact, strict parsing of amounts from raw bytes.
///
/// Accepted: optional sign, digits, optional `.` and digits (`12.5`, `-0.01`, `42`, `.5`,
/// `7.`), surrounding spaces. Everything else (thousands separators, exponents, decimal
/// commas, currency symbols) is an error: a profile converts such conventions explicitly.
/// Trailing zeros beyond the exponent are fine (`12.340` for USD); other extra digits are not.
public enum AmountParser {
    /// Major-unit decimal text to minor units at `currency`'s exponent.
    public static func parseMajor(
        _ bytes: UnsafeRawBufferPointer, currency: Currency
    ) throws(AmountError) -> Int64 {
        try parseDecimal(bytes, exponent: currency.exponent, currencyCode: currency.code)
    }

    /// Major-unit decimal text to minor units at `exponent` decimals.
    public static func parseDecimal(
        _ bytes: UnsafeRawBufferPointer, exponent: Int, currencyCode: @autoclosure () -> String = ""
    ) throws(AmountError) -> Int64 {
        var start = 0
        var end = bytes.count
        while start < end && bytes[start] == 0x20 { start += 1 }
        while end > start && bytes[end - 1] == 0x20 { end -= 1 }
        guard start < end else { throw .empty }
        var i = start
        var negative = false
        if bytes[i] == 0x2D || bytes[i] == 0x2B {
            negative = bytes[i] == 0x2D
            i += 1
        }
        var value: Int64 = 0
        var digits = 0
        var fractionDigits = 0
        var seenDot = false
        var overflowed = false
        while i < end {
            let byte = bytes[i]
            if byte == 0x2E {
                guard !seenDot else { throw .notANumber(text(bytes)) }
                seenDot = true
            } else if byte >= 0x30 && byte <= 0x39 {
                let digit = Int64(byte - 0x30)
                digits += 1
                if seenDot {
                    fractionDigits += 1
                    if fractionDigits > exponent {
                        if digit != 0 {
                            throw .tooManyDecimals(
                                text(bytes), currency: currencyCode(), allowed: exponent)
                        }
                        i += 1
                        continue
                    }
                }
                let (times, o1) = value.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times.addingReportingOverflow(digit)
                overflowed = overflowed || o1 || o2
                value = sum
            } else {
                throw .notANumber(text(bytes))
            }
            i += 1
        }
        guard digits > 0 else { throw .notANumber(text(bytes)) }
        var scale = min(fractionDigits, exponent)
        while scale < exponent {
            let (times, o) = value.multipliedReportingOverflow(by: 10)
            overflowed = overflowed || o
            value = times
            scale += 1
        }
        guard !overflowed else { throw .overflow(text(bytes)) }
        return negative ? -value : value
    }

    /// An integer count of minor units (`1234` cents), as Formance and WooshPay send.
    public static func parseMinor(_ bytes: UnsafeRawBufferPointer) throws(AmountError) -> Int64 {
        try parseDecimal(bytes, exponent: 0, currencyCode: "minor units")
    }

    static func text(_ bytes: UnsafeRawBufferPointer) -> String {
        String(decoding: bytes, as: UTF8.self)
    }
}

extension AmountParser {
    /// Convenience for small inputs (config, tests): parses `text` as major units.
    public static func parseMajor(_ text: String, currency: Currency) throws(AmountError) -> Int64 {
        try withBytes(text) { (bytes) throws(AmountError) in try parseMajor(bytes, currency: currency) }
    }

    /// Convenience for small inputs: parses `text` as integer minor units.
    public static func parseMinor(_ text: String) throws(AmountError) -> Int64 {
        try withBytes(text) { (bytes) throws(AmountError) in try parseMinor(bytes) }
    }

    /// Rescales minor units counted at `precision` decimals to `currency`'s exponent, exactly.
    ///
    /// Formance writes `USD/2` but also `USD/3` or plain `USD` (precision 0 is *not* implied:
    /// a plain asset means the currency's own exponent).
    public static func rescale(
        _ minor: Int64, from precision: Int, to currency: Currency
    ) throws(AmountError) -> Int64 {
        if precision == currency.exponent { return minor }
        // built only on the error paths: an interpolation per call showed in profiles
        var original: String { "\(minor) at \(precision) decimals" }
        var value = minor
        if precision > currency.exponent {
            for _ in currency.exponent..<precision {
                guard value % 10 == 0 else {
                    throw .tooManyDecimals(
                        original, currency: currency.code, allowed: currency.exponent)
                }
                value /= 10
            }
        } else {
            for _ in precision..<currency.exponent {
                let (times, o) = value.multipliedReportingOverflow(by: 10)
                guard !o else { throw .overflow(original) }
                value = times
            }
        }
        return value
    }
}

/// A Formance asset such as `USD/2`, `JPY/0` or plain `USD`.
public struct Asset: Hashable, Sendable {
    public var currency: Currency
    /// Decimals the amount is counted in: the number after `/`, else the currency's exponent.
    public var precision: Int

    public init(currency: Currency, precision: Int) {
        self.currency = currency
        self.precision = precision
    }

    /// Parses `USD/2`, `usd/2` or `USD`.
    public init(parsing bytes: UnsafeRawBufferPointer) throws(AmountError) {
        var slash = -1
        for i in 0..<bytes.count where bytes[i] == 0x2F {
            slash = i
            break
        }
        let codeBytes = slash < 0 ? bytes : UnsafeRawBufferPointer(rebasing: bytes[0..<slash])
        guard let currency = Currency(asciiCode: codeBytes) else {
            throw .unknownCurrency(AmountParser.text(bytes))
        }
        self.currency = currency
        if slash < 0 {
            precision = currency.exponent
            return
        }
        let digits = UnsafeRawBufferPointer(rebasing: bytes[(slash + 1)...])
        guard digits.count >= 1, digits.count <= 2,
            digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 })
        else { throw .unknownCurrency(AmountParser.text(bytes)) }
        precision = digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
    }

    public init(parsing text: String) throws(AmountError) {
        self = try withBytes(text) { (bytes) throws(AmountError) in try Asset(parsing: bytes) }
    }

    /// Minor units counted at this asset's precision → `Money` in the currency's own exponent.
    public func money(minorUnits: Int64) throws(AmountError) -> Money {
        Money(
            minorUnits: try AmountParser.rescale(minorUnits, from: precision, to: currency),
            currency: currency)
    }
}
