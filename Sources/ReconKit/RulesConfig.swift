import Foundation
public import PaymentModels
public import ReconMatching
import ReconProviders
import Yams

/// The matching rules file (`recon reconcile --rules FILE`, or `rules:` in the nightly config):
///
///     settlement_window_days: 3      # payments younger than this are in transit, not missing
///     bank_window_days: 3            # a payout's bank credit is booked within this (default 3)
///     key_order: [merchant_order_id, reference]   # tried first; the rest follow in the default
///                                    # order (merchant keys, then provider ids)
///     tolerances:                    # default: amounts must be equal
///       - provider: stripe           # a settlement provider or a payment system; omit for all
///         currency: EUR              # omit for all
///         absolute_minor: 5          # minor units
///         percent: "0.1"             # of the created amount; the larger of the two applies
///     fees:                          # default: no fee expectation
///       - provider: stripe
///         currency: EUR
///         percent: "1.4"
///         fixed_minor: 25
///         tolerance_minor: 1
///
///     fx_tolerance_percent: "0.5"   # a converted line's net + fee may differ this much from
///                                    # its gross at the stated rate (default: 1 minor unit)
///     fx_tolerances:                 # per currency pair, the most specific wins
///       - from: EUR                  # the charge currency; omit for any
///         to: USD                    # the settlement currency; omit for any
///         percent: "1"
///
/// The most specific rule wins (provider and currency, then currency, then provider, then
/// neither); a provider `stripe` also covers the layouts `stripe-report` and `stripe-api`.
/// Numbers are read from the YAML text itself, never through a floating-point value;
/// a key recon does not know, a negative number, or a window in another unit than days is an
/// error naming the key.
public struct RulesConfig: Sendable, Equatable {
    public var rules = MatchRules()
    public var settlementWindowDays: Int?
    /// The longest window in days (100 years): longer ones are refused, never multiplied into
    /// an overflowing time.
    public static let daysMax = 36_500
    public var bankWindowDays: Int?

    public init() {}

    static let keys = [
        "settlement_window_days", "bank_window_days", "key_order", "tolerances", "fees", "fx_tolerance_percent",
        "fx_tolerances",
    ]
    static let fxKeys = ["from", "to", "percent"]
    static let toleranceKeys = ["provider", "currency", "absolute_minor", "percent"]
    static let feeKeys = ["provider", "currency", "percent", "fixed_minor", "tolerance_minor"]

    public static func load(path: String) throws(JobConfig.ConfigError) -> RulesConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw JobConfig.ConfigError(file: path, key: "", problem: "cannot read the file")
        }
        return try parse(String(decoding: data, as: UTF8.self), file: path)
    }

    public static func parse(_ text: String, file: String) throws(JobConfig.ConfigError) -> RulesConfig {
        let reader = Reader(file: file)
        if let line = YAMLAliases.firstUse(in: text) {
            throw reader.fail("", "anchors and aliases (& and *) are not accepted (line \(line)): write the values out")
        }
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else { return RulesConfig() }
            root = node
        } catch {
            throw reader.fail("", "not valid YAML: \(error)")
        }
        let top = try reader.mapping(root, at: "", keys: keys)
        var config = RulesConfig()
        if let window = top["settlement_window_days"] {
            config.settlementWindowDays = try reader.days(window, at: "settlement_window_days")
        }
        if let window = top["bank_window_days"] {
            config.bankWindowDays = try reader.days(window, at: "bank_window_days")
        }
        var order: [KeyField] = []
        for (i, item) in try reader.list(top["key_order"], at: "key_order").enumerated() {
            let name = try reader.text(item, at: "key_order[\(i)]") ?? ""
            guard let field = KeyField.allCases.first(where: { $0.code == name }) else {
                throw reader.fail(
                    "key_order[\(i)]",
                    "'\(name)' is not a key field (known: \(KeyField.allCases.map(\.code).joined(separator: ", ")))")
            }
            order.append(field)
        }
        if !order.isEmpty { config.rules.keyOrder = KeyOrder(order) }
        for (i, item) in try reader.list(top["tolerances"], at: "tolerances").enumerated() {
            let at = "tolerances[\(i)]"
            let fields = try reader.mapping(item, at: at, keys: toleranceKeys)
            let tolerance = AmountTolerance(
                scope: try reader.scope(fields, at: at),
                absoluteMinor: try reader.minor(fields["absolute_minor"], at: at + ".absolute_minor") ?? 0,
                percent: try reader.percent(fields["percent"], at: at + ".percent") ?? .zero)
            guard fields["absolute_minor"] != nil || fields["percent"] != nil else {
                throw reader.fail(at, "a tolerance needs absolute_minor, percent or both")
            }
            config.rules.tolerances.append(tolerance)
        }
        for (i, item) in try reader.list(top["fees"], at: "fees").enumerated() {
            let at = "fees[\(i)]"
            let fields = try reader.mapping(item, at: at, keys: feeKeys)
            guard let percent = try reader.percent(fields["percent"], at: at + ".percent") else {
                throw reader.fail(at + ".percent", "a fee rule needs its percent (\"0\" for a fixed fee only)")
            }
            config.rules.fees.append(
                FeeRule(
                    scope: try reader.scope(fields, at: at), percent: percent,
                    fixedMinor: try reader.minor(fields["fixed_minor"], at: at + ".fixed_minor") ?? 0,
                    toleranceMinor: try reader.minor(fields["tolerance_minor"], at: at + ".tolerance_minor") ?? 0))
        }
        if let all = try reader.percent(top["fx_tolerance_percent"], at: "fx_tolerance_percent") {
            config.rules.fxTolerances.append(FXTolerance(percent: all))
        }
        for (i, item) in try reader.list(top["fx_tolerances"], at: "fx_tolerances").enumerated() {
            let at = "fx_tolerances[\(i)]"
            let fields = try reader.mapping(item, at: at, keys: fxKeys)
            guard let percent = try reader.percent(fields["percent"], at: at + ".percent") else {
                throw reader.fail(at + ".percent", "an FX tolerance needs its percent")
            }
            func currency(_ side: String) throws(JobConfig.ConfigError) -> Currency? {
                guard let code = try reader.text(fields[side], at: "\(at).\(side)") else { return nil }
                guard let c = Currency(code: code) else {
                    throw reader.fail("\(at).\(side)", "'\(code)' is not an ISO 4217 currency code")
                }
                return c
            }
            config.rules.fxTolerances.append(
                FXTolerance(from: try currency("from"), to: try currency("to"), percent: percent))
        }
        return config
    }

    /// Reads typed values out of YAML nodes, failing with the key's path.
    struct Reader {
        var file: String

        func fail(_ key: String, _ problem: String) -> JobConfig.ConfigError {
            JobConfig.ConfigError(file: file, key: key, problem: problem)
        }

        func mapping(_ node: Node, at key: String, keys: [String]) throws(JobConfig.ConfigError) -> [String: Node] {
            guard let mapping = node.mapping else { throw fail(key, "expected a mapping of keys to values") }
            var fields: [String: Node] = [:]
            for (name, value) in mapping {
                let text = name.scalar?.string ?? ""
                guard keys.contains(text) else {
                    let path = key.isEmpty ? text : "\(key).\(text)"
                    throw fail(path, "unknown key (known: \(keys.joined(separator: ", ")))")
                }
                fields[text] = value
            }
            return fields
        }

        func list(_ node: Node?, at key: String) throws(JobConfig.ConfigError) -> [Node] {
            guard let node else { return [] }
            guard let sequence = node.sequence else { throw fail(key, "expected a list") }
            return Array(sequence)
        }

        func text(_ node: Node?, at key: String) throws(JobConfig.ConfigError) -> String? {
            guard let node else { return nil }
            guard let scalar = node.scalar else { throw fail(key, "expected a single value") }
            return scalar.string
        }

        func scope(_ fields: [String: Node], at key: String) throws(JobConfig.ConfigError) -> RuleScope {
            var scope = RuleScope(provider: try text(fields["provider"], at: key + ".provider"))
            if let code = try text(fields["currency"], at: key + ".currency") {
                guard let currency = Currency(code: code) else {
                    throw fail(key + ".currency", "'\(code)' is not an ISO 4217 currency code")
                }
                scope.currency = currency
            }
            return scope
        }

        /// A whole number of minor units, 0 or more.
        func minor(_ node: Node?, at key: String) throws(JobConfig.ConfigError) -> Int64? {
            guard let raw = try text(node, at: key) else { return nil }
            guard let value = Int64(raw) else {
                throw fail(key, "expected a whole number of minor units (cents for EUR), not '\(raw)'")
            }
            guard value >= 0 else { throw fail(key, "must be 0 or more, not \(raw)") }
            return value
        }

        func percent(_ node: Node?, at key: String) throws(JobConfig.ConfigError) -> Percent? {
            guard let raw = try text(node, at: key) else { return nil }
            if raw.hasPrefix("-") { throw fail(key, "must be 0 or more, not \(raw)") }
            let digits = raw.hasSuffix("%") ? String(raw.dropLast()) : raw
            guard let percent = Percent(parsing: digits) else {
                throw fail(key, "expected a percentage such as \"2.9\" (at most 4 decimals), not '\(raw)'")
            }
            return percent
        }

        /// Days: `3`, `3d` or `3 days`; another unit (`72h`, `2w`) is refused rather than guessed.
        func days(_ node: Node, at key: String) throws(JobConfig.ConfigError) -> Int {
            guard let raw = try text(node, at: key) else { throw fail(key, "expected a number of days") }
            var digits = raw.trimmingCharacters(in: .whitespaces)
            for suffix in [" days", " day", "days", "day", "d"] where digits.hasSuffix(suffix) {
                digits = String(digits.dropLast(suffix.count)).trimmingCharacters(in: .whitespaces)
                break
            }
            guard let days = Int(digits) else {
                throw fail(key, "expected a whole number of days such as 3 or \"3d\", not '\(raw)'")
            }
            guard days >= 0 else { throw fail(key, "must be 0 or more days, not \(raw)") }
            guard days <= RulesConfig.daysMax else {
                throw fail(key, "\(raw) days is more than recon counts (at most \(RulesConfig.daysMax), 100 years)")
            }
            return days
        }
    }
}

extension ReconcileOptions {
    /// Takes the rules from `rulesFile` (a bad file is a usage error naming the key) and sets the
    /// settlement window: `windowDays` from the command line or the nightly config when above 0,
    /// else the rules file's, measured to `asOf`.
    public mutating func apply(rulesFile: String?, windowDays: Int, asOf: Timestamp) throws {
        guard (0...RulesConfig.daysMax).contains(windowDays) else {
            throw ReconError(
                .usage, "--settlement-window \(windowDays): a window is 0 to \(RulesConfig.daysMax) days (100 years)")
        }
        var days = windowDays
        if let rulesFile {
            let config: RulesConfig
            do { config = try RulesConfig.load(path: rulesFile) } catch { throw ReconError(.usage, "\(error)") }
            rules = config.rules
            bankWindowDays = config.bankWindowDays ?? bankWindowDays
            if days == 0 { days = config.settlementWindowDays ?? 0 }
        }
        if days > 0 { window = SettlementWindow(asOf: asOf, days: days) }
    }
}
