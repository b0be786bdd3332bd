public import PaymentModels

/// The rules a run matches by, beyond the keys: how far an amount may differ and still match,
/// and what fee each provider is expected to charge. The defaults are exact amounts and no
/// fee expectation. Rules are values; `ReconKit` reads them from the config file.
public struct MatchRules: Sendable, Equatable {
    public var tolerances: [AmountTolerance] = []
    public var fees: [FeeRule] = []
    /// How far a converted line may be from its gross at the stated rate (`fx_tolerance_percent`).
    public var fxTolerances: [FXTolerance] = []
    /// Which key field wins when a line's key names payments by different fields.
    public var keyOrder = KeyOrder.standard

    public init(tolerances: [AmountTolerance] = [], fees: [FeeRule] = [], keyOrder: KeyOrder = .standard) {
        self.tolerances = tolerances
        self.fees = fees
        self.keyOrder = keyOrder
    }

    /// The most specific rule for a provider and currency: provider and currency named, then
    /// currency only, then provider only, then neither; nil when none applies.
    static func mostSpecific<R>(_ rules: [R], provider: String, currency: Currency, _ scope: (R) -> RuleScope) -> R? {
        var best: (rule: R, rank: Int)?
        for rule in rules {
            let s = scope(rule)
            // `stripe` also names the layouts `stripe-report` and `stripe-api`
            if let p = s.provider, p != provider, !(provider.hasPrefix(p) && provider.dropFirst(p.count).first == "-") {
                continue
            }
            if let c = s.currency, c != currency { continue }
            let rank = (s.provider != nil ? 1 : 0) + (s.currency != nil ? 2 : 0)
            if best == nil || rank > best!.rank { best = (rule, rank) }
        }
        return best?.rule
    }

    /// How far (in minor units) a settled amount may be from `amount` and still match: the
    /// rule for the settlement's provider, else for the payment's system.
    public func tolerance(provider: String, system: String, amount: Money) -> Int64 {
        guard !tolerances.isEmpty,
            let rule = Self.mostSpecific(tolerances, provider: provider, currency: amount.currency, \.scope)
                ?? Self.mostSpecific(tolerances, provider: system, currency: amount.currency, \.scope)
        else { return 0 }
        return max(rule.absoluteMinor, rule.percent.of(amount.minorUnits))
    }

    /// How far (in minor units of the settlement currency) a converted line's net + fee may be
    /// from its gross at the stated rate: the most specific pair rule's share of the converted
    /// amount, and never less than one minor unit (the provider's own rounding).
    public func fxTolerance(from: Currency, to: Currency, converted: Int64) -> Int64 {
        var best: (rule: FXTolerance, rank: Int)?
        for rule in fxTolerances {
            if let f = rule.from, f != from { continue }
            if let t = rule.to, t != to { continue }
            let rank = (rule.from != nil ? 1 : 0) + (rule.to != nil ? 1 : 0)
            if best == nil || rank > best!.rank { best = (rule, rank) }
        }
        return max(1, best?.rule.percent.of(converted) ?? 0)
    }

    public func feeRule(provider: String, currency: Currency) -> FeeRule? {
        fees.isEmpty ? nil : Self.mostSpecific(fees, provider: provider, currency: currency, \.scope)
    }
}

/// Which provider and currency a rule is for (nil: any).
public struct RuleScope: Sendable, Equatable {
    public var provider: String?
    public var currency: Currency?

    public init(provider: String? = nil, currency: Currency? = nil) {
        self.provider = provider
        self.currency = currency
    }
}

/// An amount tolerance: the larger of an absolute one (minor units) and a share of the amount.
public struct AmountTolerance: Sendable, Equatable {
    public var scope: RuleScope
    public var absoluteMinor: Int64
    public var percent: Percent

    public init(scope: RuleScope, absoluteMinor: Int64 = 0, percent: Percent = .zero) {
        self.scope = scope
        self.absoluteMinor = absoluteMinor
        self.percent = percent
    }
}

/// How far a converted line may differ from its gross at the stated rate, per currency pair
/// (nil: any currency on that side).
public struct FXTolerance: Sendable, Equatable {
    public var from: Currency?
    public var to: Currency?
    public var percent: Percent

    public init(from: Currency? = nil, to: Currency? = nil, percent: Percent) {
        self.from = from
        self.to = to
        self.percent = percent
    }
}

/// The fee a provider is expected to charge on a payment: a share of the gross plus a fixed
/// part, with a tolerance (minor units) for rounding.
public struct FeeRule: Sendable, Equatable {
    public var scope: RuleScope
    public var percent: Percent
    public var fixedMinor: Int64
    public var toleranceMinor: Int64

    public init(scope: RuleScope, percent: Percent, fixedMinor: Int64 = 0, toleranceMinor: Int64 = 0) {
        self.scope = scope
        self.percent = percent
        self.fixedMinor = fixedMinor
        self.toleranceMinor = toleranceMinor
    }

    /// The expected fee on `gross` (rounded half up to the minor unit, as providers do).
    public func expectedFee(on gross: Int64) -> Int64 {
        Int64(clamping: Total(percent.ofRounded(gross)) + Total(fixedMinor))
    }
}

/// A percentage held exactly, in millionths of a percent's base (`2.9%` is 29,000 ppm): no
/// floating point between a configured rate and money.
public struct Percent: Sendable, Equatable, CustomStringConvertible {
    /// Parts per million of the whole.
    public var ppm: Int64

    public static let zero = Percent(ppm: 0)

    public init(ppm: Int64) { self.ppm = ppm }

    /// Parses `"2.9"` or `"0.25"` (percent, at most four decimals); nil for anything else,
    /// negative values included.
    public init?(parsing text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let whole = Int64(parts[0]), whole >= 0, whole <= 100_000,
            parts[0].allSatisfy(\.isASCII)
        else { return nil }
        var ppm = whole * 10_000
        if parts.count == 2 {
            let fraction = parts[1]
            guard (1...4).contains(fraction.count), fraction.allSatisfy({ $0.isASCII && $0.isNumber }),
                let digits = Int64(fraction)
            else { return nil }
            var scaled = digits
            for _ in fraction.count..<4 { scaled *= 10 }
            ppm += scaled
        }
        self.ppm = ppm
    }

    /// This share of `minor`, rounded down (a tolerance never grows by rounding).
    public func of(_ minor: Int64) -> Int64 {
        Int64(clamping: Total(minor.magnitude) * Total(ppm) / 1_000_000)
    }

    /// This share of `minor`'s size, rounded half up.
    public func ofRounded(_ minor: Int64) -> Int64 {
        Int64(clamping: (Total(minor.magnitude) * Total(ppm) + 500_000) / 1_000_000)
    }

    /// `2.9%`.
    public var description: String {
        let whole = ppm / 10_000
        var fraction = String(ppm % 10_000)
        fraction = String(repeating: "0", count: 4 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return fraction.isEmpty ? "\(whole)%" : "\(whole).\(fraction)%"
    }
}

/// What made a clean match, recorded per match and counted in the summary.
public enum MatchRule: UInt8, CaseIterable, Sendable {
    /// The settled amount equals the created one.
    case exact
    /// The amounts differ within the configured tolerance.
    case withinTolerance
    /// Several capture lines that add up to the payment.
    case partialCaptures

    public var code: String {
        switch self {
        case .exact: "exact"
        case .withinTolerance: "within_tolerance"
        case .partialCaptures: "partial_captures"
        }
    }
}

/// The order key fields are tried in when a line's key names several payments by different
/// fields: the listed fields first, in their order, then the others in `KeyField` order (merchant
/// keys before provider ids, the default).
public struct KeyOrder: Sendable, Equatable {
    /// Rank per field, by the field's raw value; lower wins.
    private var ranks: SIMD16<UInt8>

    public static let standard = KeyOrder(KeyField.allCases)

    public init(_ order: [KeyField]) {
        var ranks = SIMD16<UInt8>(repeating: UInt8.max)
        var next: UInt8 = 0
        for field in order + KeyField.allCases where ranks[Int(field.rawValue)] == UInt8.max {
            ranks[Int(field.rawValue)] = next
            next += 1
        }
        self.ranks = ranks
    }

    @inline(__always) func rank(_ field: KeyField) -> UInt8 { ranks[Int(field.rawValue)] }

    /// Whether `a` is tried before `b`.
    @inline(__always) func before(_ a: KeyField, _ b: KeyField) -> Bool { rank(a) < rank(b) }

    public var fields: [KeyField] { KeyField.allCases.sorted { rank($0) < rank($1) } }
}
