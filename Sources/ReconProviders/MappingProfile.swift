public import PaymentModels
public import ReconIngest
import Yams

/// A user's description of a settlement file recon has no adapter for, read from YAML: which
/// column (or JSON / XML path) holds the key, the amount and its sign, the currency, the
/// status and the time, and how the file is laid out. See samples/profiles/ for examples, and
/// `recon providers --profile NAME` for any built-in layout written as one.
public struct MappingProfile: Sendable {
    public enum Format: String, Sendable { case csv, json, xml }

    public var format: Format
    /// The table reading (CSV); for JSON and XML the same fields, as paths.
    public var table: TableProfile
    public var encoding: TextEncoding?
    public var delimiter: UInt8?
    /// JSON: a dotted path to the array of records inside each document; XML: the name of
    /// the record element.
    public var records: String?

    /// Why a profile cannot be used: the key and the problem.
    public struct ProfileError: Error, Sendable, CustomStringConvertible {
        public var file: String
        public var key: String
        public var problem: String
        public var description: String { "\(file): profile key '\(key)': \(problem)" }
    }

    static let keys: Set<String> = [
        "name", "description", "format", "encoding", "delimiter", "decimal_comma", "header", "skip_lines",
        "end_marker", "record_type", "records", "key", "settlement_id", "amount", "debit", "credit", "direction",
        "units", "currency", "currency_code", "fee", "net", "status", "statuses", "time", "date_format", "time_zone",
    ]

    public static func load(path: String) throws(ProfileError) -> MappingProfile {
        let text: String
        do {
            let opened = try InputOpener.open(path)
            text = String(decoding: try readAll(opened.source), as: UTF8.self)
        } catch {
            throw ProfileError(file: path, key: "", problem: "cannot read the profile: \(error)")
        }
        return try parse(text, file: path)
    }

    public static func parse(_ text: String, file: String) throws(ProfileError) -> MappingProfile {
        func fail(_ key: String, _ problem: String) -> ProfileError {
            ProfileError(file: file, key: key, problem: problem)
        }
        let root: [String: Any]
        do {
            guard let loaded = try Yams.load(yaml: text) as? [String: Any] else {
                throw fail("", "the profile must be a YAML mapping of keys to values")
            }
            root = loaded
        } catch let error as ProfileError {
            throw error
        } catch {
            throw fail("", "not valid YAML: \(error)")
        }
        for key in root.keys.sorted() where !keys.contains(key) {
            throw fail(key, "unknown key (known: \(keys.sorted().joined(separator: ", ")))")
        }
        func string(_ key: String) throws(ProfileError) -> String? {
            guard let value = root[key] else { return nil }
            if let s = value as? String { return s }
            if let i = value as? Int { return String(i) }
            throw fail(key, "expected text")
        }
        func strings(_ key: String) throws(ProfileError) -> [String] {
            guard let value = root[key] else { return [] }
            if let list = value as? [Any] {
                return try list.map { item throws(ProfileError) in
                    if let s = item as? String { return s }
                    if let i = item as? Int { return String(i) }
                    throw fail(key, "expected a list of column names or positions")
                }
            }
            return [try string(key)!]
        }
        func bool(_ key: String) throws(ProfileError) -> Bool? {
            guard let value = root[key] else { return nil }
            guard let b = value as? Bool else { throw fail(key, "expected true or false") }
            return b
        }
        guard let name = try string("name"), !name.isEmpty else { throw fail("name", "a profile needs a name") }
        let format: Format
        switch try string("format") ?? "csv" {
        case "csv": format = .csv
        case "json": format = .json
        case "xml": format = .xml
        case let other: throw fail("format", "'\(other)' is not csv, json or xml")
        }
        let keyColumns = try strings("key")
        guard !keyColumns.isEmpty else { throw fail("key", "name the column(s) holding the reference to match on") }
        // the amount and its sign
        let amount: TableProfile.AmountRule
        let amountColumn = try string("amount")
        let debit = try string("debit")
        let credit = try string("credit")
        if let direction = root["direction"] {
            guard let d = direction as? [String: Any], let column = Self.name(d["column"]),
                let creditValues = (d["credit"] as? [Any])?.compactMap({ $0 as? String })
                    ?? (d["credit"] as? String).map({ [$0] }),
                let debitValues = (d["debit"] as? [Any])?.compactMap({ $0 as? String })
                    ?? (d["debit"] as? String).map({ [$0] })
            else { throw fail("direction", "expected {column: NAME, credit: [VALUES], debit: [VALUES]}") }
            guard let amountColumn else { throw fail("amount", "a direction needs the amount column it signs") }
            amount = .directed(amount: amountColumn, direction: column, credit: creditValues, debit: debitValues)
        } else if debit != nil || credit != nil {
            guard let debit, let credit else {
                throw fail(debit == nil ? "debit" : "credit", "debit and credit go together")
            }
            guard amountColumn == nil else { throw fail("amount", "give either amount or debit and credit, not both") }
            amount = .debitCredit(debit: debit, credit: credit)
        } else {
            guard let amountColumn else { throw fail("amount", "name the amount column (or debit and credit)") }
            amount = .signed(amountColumn)
        }
        let currency: TableProfile.CurrencyRule
        if let code = try string("currency_code") {
            guard Currency(code: code) != nil else { throw fail("currency_code", "'\(code)' is not an ISO 4217 code") }
            currency = .fixed(code.uppercased())
        } else if let column = try string("currency") {
            currency = .column(column, fallback: nil)
        } else {
            throw fail("currency", "name the currency column, or give currency_code")
        }
        var p = TableProfile(
            name: name, description: try string("description") ?? "mapping profile \(file)", signature: [],
            keyColumns: keyColumns, amount: amount, currency: currency)
        p.settlementIdColumns = try strings("settlement_id")
        p.feeColumns = try strings("fee")
        p.netColumn = try string("net")
        p.timeColumn = try string("time")
        switch try string("units") ?? "major" {
        case "major": break
        case "minor", "implied": p.minorUnits = true
        case let other: throw fail("units", "'\(other)' is not major or minor")
        }
        switch try string("date_format") ?? "iso" {
        case "iso", "YYYY-MM-DD", "YYYY/MM/DD": break
        case "DD.MM.YYYY", "DD/MM/YYYY", "DD-MM-YYYY": p.dayFirstDates = true
        case "MM/DD/YYYY", "MM-DD-YYYY": p.monthFirstDates = true
        case let other:
            throw fail("date_format", "'\(other)' is not iso, DD.MM.YYYY, DD/MM/YYYY or MM/DD/YYYY")
        }
        if let zone = try string("time_zone") {
            guard let seconds = Self.offset(zone) else {
                throw fail("time_zone", "'\(zone)' is not an offset such as +01:00 or an abbreviation such as CET")
            }
            p.timeZoneOffsetSeconds = seconds
        }
        p.decimalComma = try bool("decimal_comma") ?? false
        if let skip = root["skip_lines"] {
            guard let n = skip as? Int, n >= 0 else { throw fail("skip_lines", "expected a count of lines, 0 or more") }
            p.skipLines = n
        }
        p.positional = !(try bool("header") ?? true)
        if let marker = try string("end_marker") { p.endMarkers = [marker] }
        if let type = root["record_type"] {
            guard let t = type as? [String: Any], let column = Self.name(t["column"]), let value = Self.name(t["value"])
            else { throw fail("record_type", "expected {column: NAME, value: VALUE}") }
            p.recordType = (column, value)
        }
        if let statusColumn = try string("status") {
            var values: [String: SettlementStatus] = [:]
            if let map = root["statuses"] {
                guard let m = map as? [String: Any] else { throw fail("statuses", "expected RAW: settled|pending|...") }
                for (raw, normalized) in m {
                    guard let text = normalized as? String, let status = SettlementStatus(rawValue: text) else {
                        throw fail(
                            "statuses",
                            "'\(raw)' maps to '\(normalized)'; use one of "
                                + SettlementStatus.allCases.map(\.rawValue).joined(separator: ", "))
                    }
                    values[raw] = status
                }
            }
            p.status = .init(column: statusColumn, values: values, otherwise: values.isEmpty ? .settled : .unknown)
        } else if root["statuses"] != nil {
            throw fail("statuses", "statuses need the status column they map")
        }
        // every named column must be in the file's header
        var named = keyColumns + p.settlementIdColumns + p.feeColumns
        named += [p.netColumn, p.timeColumn, p.status?.column, amountColumn, debit, credit].compactMap { $0 }
        if case .column(let c, _) = currency { named.append(c) }
        if case .directed(_, let d, _, _) = amount { named.append(d) }
        if let t = p.recordType { named.append(t.column) }
        p.signature = Array(Set(named)).sorted()
        var profile = MappingProfile(format: format, table: p)
        if let enc = try string("encoding") {
            guard let e = TextEncoding(rawValue: enc.lowercased()) else {
                throw fail(
                    "encoding",
                    "'\(enc)' is not one of \(TextEncoding.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            profile.encoding = e
        }
        if let d = try string("delimiter") {
            guard d.utf8.count == 1, let byte = d.utf8.first else { throw fail("delimiter", "expected one character") }
            profile.delimiter = byte
        }
        profile.records = try string("records")
        if format == .xml && profile.records == nil {
            throw fail("records", "an XML profile names the record element (records: Ntry)")
        }
        return profile
    }

    /// A column name, or a position given as a number.
    static func name(_ value: Any?) -> String? {
        if let s = value as? String { return s }
        if let i = value as? Int { return String(i) }
        return nil
    }

    /// `+01:00`, `-0530`, `UTC`, `CET`.
    static func offset(_ zone: String) -> Int64? {
        if let known = TableAdapter.zoneOffsets[zone.uppercased()] { return known }
        let digits = zone.dropFirst().filter { $0 != ":" }
        guard let sign = zone.first, sign == "+" || sign == "-", digits.count == 4, let value = Int64(digits) else {
            return nil
        }
        let seconds = (value / 100) * 3600 + (value % 100) * 60
        return sign == "-" ? -seconds : seconds
    }
}
