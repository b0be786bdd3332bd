import Foundation
public import PaymentModels
import ReconProviders
public import ReconReports
import Yams

#if canImport(Glibc)
    import Glibc
#endif

/// The nightly job's configuration (`recon run --config FILE`), in YAML like the mapping
/// profiles:
///
///     store: recon.sqlite
///     out: out/{yyyy}-{mm}-{dd}
///     payments: ["exports/payments-{yyyy}{mm}{dd}.jsonl"]
///     settlement: ["sftp/stripe/*{yyyy}-{mm}-{dd}*.csv", "bank/camt053-{yyyy}{mm}{dd}.xml"]
///     profiles: [profiles/]               # optional: mapping profiles (files or folders) for the
///                                         # settlement files they read (`profile:` also works)
///     rules: rules.yaml                   # optional: tolerances and fees (RulesConfig)
///     bank: ["bank/camt053-{yyyy}{mm}{dd}.xml"]  # optional: statements the payouts are tied to
///     settlement_window_days: 3           # default 0: no window
///     max_discrepancies: 0                # unset: no threshold
///     max_missing_amount: {EUR: "50.00", "*": "0.00"}  # per currency, "*" for the others;
///                                         # a currency with no entry: no threshold
///     max_rejected: 0                     # rejected records allowed; unset: no threshold
///     exception_tiers: [100, 1000, 10000] # the amount tiers (whole units) of the reports' open
///                                         # exceptions; this is the default
///     fail_on_exceptions: {older_than_days: 7, over: {EUR: "500.00"}}  # an open exception first
///                                         # seen more than 7 nights ago, over 500.00 EUR, fails
///                                         # the night; without over: any amount
///
/// Paths are relative to the config file's folder; `{yyyy}`, `{mm}` and `{dd}` are the run's
/// date, and `*`, `?` and `[...]` are globs. Every pattern must find a file on the night
/// unless it is written `{path: "...", required: false}`. A key recon does not know, a
/// negative number or an amount that is not exact in its currency is an error naming the key.
public struct JobConfig: Sendable {
    public var store = "recon.sqlite"
    public var out = "recon-out"
    public var payments: [InputPattern] = []
    public var settlement: [InputPattern] = []
    public var profiles: [String] = []
    public var rules: String?
    public var bank: [InputPattern] = []
    public var settlementWindowDays = 0
    /// The thresholds; nil is none.
    public var maxDiscrepancies: Int?
    public var maxRejected: Int?
    public var maxMissingAmount: [Currency: Int64] = [:]
    /// `max_missing_amount`'s `"*"`: the threshold of every currency not named.
    public var maxMissingAmountOther: Int64?
    /// The amount tiers (whole units) the reports group open exceptions by.
    public var exceptionTiers: [Int64]?
    /// Fail the night when an open exception is older than this (and over its amount).
    public var failOnExceptions: ExceptionAgeRule?

    /// `fail_on_exceptions`: open (or assigned) exceptions first seen more than `olderThanDays`
    /// nights ago, at stake more than `over` in their currency (any amount without `over`; a
    /// currency not named has no threshold unless `"*": "0"`).
    public struct ExceptionAgeRule: Sendable {
        public var olderThanDays: Int64
        public var over: [Currency: Int64]?
        public var overOther: Int64?

        /// Whether an exception of this age and amount breaks the rule.
        func applies(to item: ExceptionsReport.Item) -> Bool {
            guard item.ageDays > olderThanDays else { return false }
            guard let over else { return true }
            guard let limit = over[item.amount.currency] ?? overOther else { return false }
            return item.amount.minorUnits.magnitude > UInt64(limit)
        }
    }

    /// A path pattern for the night's files, which must find one unless `required: false`.
    public struct InputPattern: Sendable, Equatable {
        public var path: String
        public var required = true

        public init(_ path: String, required: Bool = true) {
            self.path = path
            self.required = required
        }
    }

    public struct ConfigError: Error, Sendable, CustomStringConvertible {
        public var file: String
        public var key: String
        public var problem: String
        public var description: String { "\(file): config key '\(key)': \(problem)" }
    }

    static let keys: Set<String> = [
        "store", "out", "payments", "settlement", "profile", "profiles", "settlement_window_days", "max_discrepancies",
        "max_missing_amount", "max_rejected", "rules", "bank", "exception_tiers", "fail_on_exceptions",
    ]

    /// The config file could not be read (missing, unreadable): an I/O failure (74), not a bad config.
    public struct Unreadable: Error, Sendable, CustomStringConvertible {
        public var file: String
        public var description: String { "\(file): cannot read the config file (is the path right?)" }
    }

    public static func load(path: String) throws -> JobConfig {
        guard let data = FileManager.default.contents(atPath: path) else { throw Unreadable(file: path) }
        return try parse(String(decoding: data, as: UTF8.self), file: path)
    }

    public static func parse(_ text: String, file: String) throws(ConfigError) -> JobConfig {
        func fail(_ key: String, _ problem: String) -> ConfigError {
            ConfigError(file: file, key: key, problem: problem)
        }
        if let line = YAMLAliases.firstUse(in: text) {
            throw fail("", "anchors and aliases (& and *) are not accepted (line \(line)): write the values out")
        }
        let root: [String: Any]
        do {
            guard let loaded = try YAMLAliases.load(text) as? [String: Any] else {
                throw fail("", "the config must be a YAML mapping of keys to values")
            }
            root = loaded
        } catch let error as ConfigError {
            throw error
        } catch {
            throw fail("", "not valid YAML: \(error)")
        }
        for key in root.keys.sorted() where !keys.contains(key) {
            throw fail(key, "unknown key (known: \(keys.sorted().joined(separator: ", ")))")
        }
        func string(_ key: String) throws(ConfigError) -> String? {
            guard let value = root[key] else { return nil }
            guard let s = value as? String else { throw fail(key, "expected text") }
            return s
        }
        func strings(_ key: String) throws(ConfigError) -> [String] {
            guard let value = root[key] else { return [] }
            if let s = value as? String { return [s] }
            guard let list = value as? [Any], list.allSatisfy({ $0 is String }) else {
                throw fail(key, "expected a path or a list of paths")
            }
            return list.map { $0 as! String }
        }
        func patterns(_ key: String) throws(ConfigError) -> [InputPattern] {
            guard let value = root[key] else { return [] }
            let list = value as? [Any] ?? [value]
            return try list.map { item throws(ConfigError) in
                if let path = item as? String { return InputPattern(path) }
                guard let entry = item as? [String: Any], let path = entry["path"] as? String,
                    Set(entry.keys).isSubset(of: ["path", "required"])
                else {
                    throw fail(key, "expected a path, or {path: \"...\", required: false}")
                }
                guard let required = entry["required"].map({ $0 as? Bool }) ?? true else {
                    throw fail(key, "required: expected true or false")
                }
                return InputPattern(path, required: required)
            }
        }
        func count(_ key: String) throws(ConfigError) -> Int? {
            guard let value = root[key] else { return nil }
            guard let n = value as? Int else { throw fail(key, "expected a whole number") }
            guard n >= 0 else { throw fail(key, "must be 0 or more, not \(n)") }
            return n
        }
        var config = JobConfig()
        config.store = try string("store") ?? config.store
        config.out = try string("out") ?? config.out
        config.payments = try patterns("payments")
        config.settlement = try patterns("settlement")
        config.profiles = try strings("profile") + strings("profiles")
        config.rules = try string("rules")
        config.bank = try patterns("bank")
        config.settlementWindowDays = try count("settlement_window_days") ?? 0
        config.maxDiscrepancies = try count("max_discrepancies")
        config.maxRejected = try count("max_rejected")
        if let value = root["max_missing_amount"] {
            (config.maxMissingAmount, config.maxMissingAmountOther) = try Self.amounts(
                value, key: "max_missing_amount", file: file)
        }
        if let value = root["exception_tiers"] {
            guard let list = value as? [Any], !list.isEmpty, let tiers = list as? [Int], tiers.allSatisfy({ $0 > 0 }),
                tiers == tiers.sorted(), Set(tiers).count == tiers.count
            else {
                throw fail("exception_tiers", "expected amounts in whole units, rising, such as [100, 1000, 10000]")
            }
            config.exceptionTiers = tiers.map(Int64.init)
        }
        if let value = root["fail_on_exceptions"] {
            guard let entry = value as? [String: Any], let days = entry["older_than_days"] as? Int, days >= 0,
                Set(entry.keys).isSubset(of: ["older_than_days", "over"])
            else {
                throw fail(
                    "fail_on_exceptions",
                    "expected {older_than_days: 7} and optionally over: {EUR: \"500.00\"} (per currency, \"*\": \"0\")")
            }
            var rule = ExceptionAgeRule(olderThanDays: Int64(days))
            if let over = entry["over"] {
                (rule.over, rule.overOther) = try Self.amounts(over, key: "fail_on_exceptions.over", file: file)
            }
            config.failOnExceptions = rule
        }
        return config
    }

    /// A table of amounts per currency (`{EUR: "50.00", "*": "0"}`), exact in each currency;
    /// `"*"` (every currency not named) takes only 0, as amounts in different currencies do
    /// not compare.
    static func amounts(_ value: Any, key: String, file: String) throws(ConfigError) -> ([Currency: Int64], Int64?) {
        func fail(_ problem: String) -> ConfigError { ConfigError(file: file, key: key, problem: problem) }
        guard let table = value as? [String: Any] else {
            throw fail("expected currency codes with amounts, such as {EUR: \"50.00\"}")
        }
        var amounts: [Currency: Int64] = [:]
        var other: Int64?
        for (code, amount) in table.sorted(by: { $0.key < $1.key }) {
            let text = (amount as? String) ?? (amount as? Int).map(String.init) ?? ""
            if code == "*" {
                guard let zero = try? AmountParser.parseMajor(text, currency: Currency(code: "USD")!), zero == 0 else {
                    throw fail("\"*\" takes \"0\" only: name a currency for an amount")
                }
                other = 0
                continue
            }
            guard let currency = Currency(code: code) else {
                throw fail("'\(code)' is not an ISO 4217 currency code (or \"*\")")
            }
            let minor: Int64
            do { minor = try AmountParser.parseMajor(text, currency: currency) } catch {
                throw fail("\(code): '\(text)' is not an exact amount in \(code): \(error)")
            }
            guard minor >= 0 else { throw fail("\(code) must not be negative") }
            amounts[currency] = minor
        }
        return (amounts, other)
    }

    /// The paths for `date`: placeholders filled in, relative paths taken from `base`, globs
    /// expanded (sorted); a pattern that matches nothing is returned in `unmatched`.
    public static func expand(
        _ patterns: [InputPattern], date: Timestamp, base: String
    ) -> (paths: [String], unmatched: [InputPattern]) {
        let day = String(date.description.prefix(10))  // YYYY-MM-DD
        let parts = day.split(separator: "-").map(String.init)
        var paths: [String] = []
        var unmatched: [InputPattern] = []
        for input in patterns {
            let pattern = input.path
            var filled = pattern.replacingOccurrences(of: "{yyyy}", with: parts[0])
                .replacingOccurrences(of: "{mm}", with: parts[1]).replacingOccurrences(of: "{dd}", with: parts[2])
            if !filled.hasPrefix("/") && !base.isEmpty { filled = base + "/" + filled }
            let matches = glob(filled)
            if matches.isEmpty {
                unmatched.append(InputPattern(filled, required: input.required))
            } else {
                paths += matches
            }
        }
        return (paths, unmatched)
    }

    static func glob(_ pattern: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard Glibc.glob(pattern, 0, nil, &result) == 0 else { return [] }
        return (0..<Int(result.gl_pathc)).compactMap { result.gl_pathv[$0].map { String(cString: $0) } }.sorted()
    }

    /// Whether a run's findings are within the thresholds: the reasons when they are not.
    public func breaches(_ report: RunReport) -> [String] {
        let result = report.result
        let rejected = report.rejects.count
        var reasons: [String] = []
        if let maxRejected, rejected > maxRejected {
            reasons.append("\(rejected) rejected records, more than max_rejected \(maxRejected)")
        }
        if let maxDiscrepancies, result.discrepancies.count > maxDiscrepancies {
            reasons.append(
                "\(result.discrepancies.count) discrepancies, more than max_discrepancies \(maxDiscrepancies)")
        }
        var missing: [Currency: Int64] = [:]
        for finding in result.discrepancies where finding.kind == .missingInSettlement {
            if let expected = finding.expected { missing[expected.currency, default: 0] += expected.minorUnits }
        }
        if let rule = failOnExceptions, let open = report.exceptions {
            let late = open.items.filter(rule.applies).map(\.id)
            if !late.isEmpty {
                let over = rule.over == nil ? "" : " over the fail_on_exceptions amount"
                reasons.append(
                    "\(late.count) open exceptions first seen more than \(rule.olderThanDays) days ago\(over): "
                        + late.prefix(10).joined(separator: ", ") + (late.count > 10 ? ", ..." : ""))
            }
        }
        for (currency, amount) in missing.sorted(by: { $0.key.code < $1.key.code }) {
            guard let allowed = maxMissingAmount[currency] ?? maxMissingAmountOther else { continue }
            if amount > allowed {
                let money = { (m: Int64) in Money(minorUnits: m, currency: currency).description }
                reasons.append("\(money(amount)) missing in settlement, more than max_missing_amount \(money(allowed))")
            }
        }
        return reasons
    }
}
