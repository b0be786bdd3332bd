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
        "max_missing_amount", "max_rejected", "rules", "bank",
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
            guard let table = value as? [String: Any] else {
                throw fail("max_missing_amount", "expected currency codes with amounts, such as {EUR: \"50.00\"}")
            }
            for (code, amount) in table.sorted(by: { $0.key < $1.key }) {
                let text = (amount as? String) ?? (amount as? Int).map(String.init) ?? ""
                // "*": every currency not named; amounts in different currencies do not compare,
                // so it takes no missing amount at all
                if code == "*" {
                    guard let zero = try? AmountParser.parseMajor(text, currency: Currency(code: "USD")!), zero == 0
                    else {
                        throw fail("max_missing_amount", "\"*\" takes \"0\" only: name a currency for an amount")
                    }
                    config.maxMissingAmountOther = 0
                    continue
                }
                guard let currency = Currency(code: code) else {
                    throw fail("max_missing_amount", "'\(code)' is not an ISO 4217 currency code (or \"*\")")
                }
                do {
                    let minor = try AmountParser.parseMajor(text, currency: currency)
                    guard minor >= 0 else { throw fail("max_missing_amount", "\(code) must not be negative") }
                    config.maxMissingAmount[currency] = minor
                } catch let error as ConfigError {
                    throw error
                } catch {
                    throw fail("max_missing_amount", "\(code): '\(text)' is not an exact amount in \(code): \(error)")
                }
            }
        }
        return config
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
