/// How an amount written finer than its currency's minor unit is brought to it. Never applied
/// unless a mapping profile names it (`rounding:`): without one, such an amount is an error.
public enum RoundingRule: String, CaseIterable, Sendable {
    /// Half a minor unit and more away from zero (commercial rounding).
    case halfUp = "half_up"
    /// Half a minor unit to the even neighbour (banker's rounding).
    case halfEven = "half_even"
    /// Toward zero (truncation).
    case down

    /// `value` divided by 10^`digits`, rounded by this rule; nil when `digits` is out of range.
    public func divide(_ value: Int64, byPowerOfTen digits: Int) -> Int64? {
        guard digits >= 0, digits <= 18 else { return nil }
        var divisor: Int64 = 1
        for _ in 0..<digits { divisor *= 10 }
        let quotient = value / divisor
        let remainder = value % divisor  // same sign as value
        guard remainder != 0 else { return quotient }
        let away: Int64 = value < 0 ? -1 : 1
        let twice = remainder.magnitude * 2
        switch self {
        case .down: return quotient
        case .halfUp: return twice >= divisor.magnitude ? quotient + away : quotient
        case .halfEven:
            if twice > divisor.magnitude { return quotient + away }
            if twice < divisor.magnitude { return quotient }
            return quotient % 2 == 0 ? quotient : quotient + away
        }
    }
}

extension AmountParser {
    /// Major units at `currency`'s exponent; an amount with more decimals is rounded by `rule`
    /// (with no rule it is the usual error).
    public static func parseMajor(
        _ bytes: UnsafeRawBufferPointer, currency: Currency, rounding rule: RoundingRule?
    ) throws(AmountError) -> Int64 {
        do {
            return try parseMajor(bytes, currency: currency)
        } catch .tooManyDecimals(let text, let code, let allowed) {
            guard let rule else { throw .tooManyDecimals(text, currency: code, allowed: allowed) }
            var decimals = 0
            if let dot = bytes.firstIndex(of: 0x2E) {
                decimals = bytes[(dot + 1)...].prefix { $0 >= 0x30 && $0 <= 0x39 }.count
            }
            guard decimals <= 18 else { throw .tooManyDecimals(text, currency: code, allowed: allowed) }
            let fine = try parseDecimal(bytes, exponent: decimals, currencyCode: code)
            return rule.divide(fine, byPowerOfTen: decimals - currency.exponent)!
        }
    }

    /// An integer counted at `decimals` implied decimals (`12345` with 2 is 123.45) at
    /// `currency`'s exponent: exact, or rounded by `rule` when it is finer than the currency.
    public static func parseImplied(
        _ bytes: UnsafeRawBufferPointer, decimals: Int, currency: Currency, rounding rule: RoundingRule?
    ) throws(AmountError) -> Int64 {
        let value = try parseMinor(bytes)
        guard decimals > currency.exponent, let rule else {
            return try rescale(value, from: decimals, to: currency)
        }
        return rule.divide(value, byPowerOfTen: decimals - currency.exponent)!
    }
}
