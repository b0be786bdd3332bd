import PaymentModels
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
    /// XML: the root element the profile reads (its local name); a file with another root is
    /// not this profile's when several are given.
    public var root: String?
    /// Every field (column, JSON path, XML path) the profile reads, required or not.
    public var fields: [String] = []

    /// Why a profile cannot be used: the key and the problem.
    public struct ProfileError: Error, Sendable, CustomStringConvertible {
        public var file: String
        public var key: String
        public var problem: String
        public var description: String { "\(file): profile key '\(key)': \(problem)" }
    }

    /// Every key a profile may have; docs/PROFILES.md explains each.
    static let keys: Set<String> = [
        "name", "description", "format", "encoding", "delimiter", "decimal_comma", "header", "skip_lines",
        "end_marker", "record_type", "records", "root", "key", "settlement_id", "amount", "debit", "credit",
        "direction", "units", "implied_decimals", "rounding", "currency", "currency_code", "fee", "fee_sign",
        "fee_direction", "net", "net_debit", "net_credit", "net_only_rows", "settlement_currency", "exchange_rate",
        "status", "statuses", "kind", "kinds", "kind_otherwise", "batch", "batch_by_day", "time", "time_zone",
        "time_zone_column", "payout_time", "date_format", "optional", "header_record", "footer_record", "balance",
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
        if let line = YAMLAliases.firstUse(in: text) {
            throw fail("", "anchors and aliases (& and *) are not accepted (line \(line)): write the values out")
        }
        let root: [String: Any]
        do {
            guard let loaded = try YAMLAliases.load(text) as? [String: Any] else {
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
        var directionRequired = false
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
            switch d["other"] as? String {
            case nil: directionRequired = true  // another value is a reject naming it
            case "unsigned": directionRequired = false
            case let other?: throw fail("direction", "other: '\(other)' is not 'unsigned' (or leave it out)")
            }
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
        p.directionRequired = directionRequired
        p.settlementIdColumns = try strings("settlement_id")
        p.feeColumns = try strings("fee")
        p.netColumn = try string("net")
        let times = try strings("time")
        p.timeColumn = times.first
        p.alternateTimeColumns = Array(times.dropFirst())
        try Self.parseExtensions(&p, root, string: string, strings: strings, bool: bool, fail: fail)
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
        if let zone = try string("time_zone"), let rule = EuropeanTime.zones[zone] {
            p.europeanTime = rule
        } else if let zone = try string("time_zone") {
            guard let seconds = Self.offset(zone) else {
                throw fail(
                    "time_zone",
                    "'\(zone)' is not an offset such as +01:00, an abbreviation such as CET, or a European zone "
                        + "such as Europe/Berlin")
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
        // every named column must be in the file's header, but those marked optional and the
        // fallbacks after a first choice
        var named = keyColumns + p.settlementIdColumns + p.feeColumns + p.batchColumns + p.payoutTimeColumns
        named += [
            p.netColumn, p.timeColumn, p.status?.column, p.kind?.column, amountColumn, debit, credit,
            p.settlementCurrencyColumn, p.rateColumn, p.timeZoneColumn, p.balanceColumn, p.netDebitCredit?.debit,
            p.netDebitCredit?.credit, p.feeDirection?.column,
        ].compactMap { $0 }
        if case .column(let c, _) = currency { named.append(c) }
        if case .directed(_, let d, _, _) = amount { named.append(d) }
        if let t = p.recordType { named.append(t.column) }
        let optional = Set(try strings("optional"))
        for column in optional.sorted() where !named.contains(column) && !p.alternateTimeColumns.contains(column) {
            throw fail("optional", "'\(column)' is not a column the profile names")
        }
        p.signature = Array(Set(named).subtracting(optional)).sorted()
        // every column the profile reads, for JSON and XML (fallbacks and optional ones too)
        let fields = Array(Set(named + p.alternateTimeColumns)).sorted()
        var profile = MappingProfile(format: format, table: p)
        profile.fields = fields
        profile.root = try string("root")
        if let enc = try string("encoding") {
            guard let e = TextEncoding(name: enc) else {
                throw fail("encoding", "'\(enc)' is not one of \(TextEncoding.names)")
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

    /// The keys beyond the basic columns: kinds, batches, fee signs, FX, typed records, units.
    static func parseExtensions(
        _ p: inout TableProfile, _ root: [String: Any], string: (String) throws(ProfileError) -> String?,
        strings: (String) throws(ProfileError) -> [String], bool: (String) throws(ProfileError) -> Bool?,
        fail: (String, String) -> ProfileError
    ) throws(ProfileError) {
        let kindCodes = SettlementKind.allCases.map(\.code).joined(separator: ", ")
        if let column = try string("kind") {
            guard let map = root["kinds"] as? [String: Any], !map.isEmpty else {
                throw fail("kinds", "a kind column needs its map of values to kinds (\(kindCodes))")
            }
            var values: [String: SettlementKind] = [:]
            var prefixes: [(prefix: String, kind: SettlementKind)] = []
            for (raw, target) in map.sorted(by: { $0.key < $1.key }) {
                guard let code = target as? String, let kind = SettlementKind(code: code) else {
                    throw fail("kinds", "'\(raw)' maps to '\(target)', which is not a kind (\(kindCodes))")
                }
                if raw.hasSuffix("*") { prefixes.append((String(raw.dropLast()), kind)) } else { values[raw] = kind }
            }
            var otherwise: SettlementKind?
            if let code = try string("kind_otherwise") {
                guard let kind = SettlementKind(code: code) else {
                    throw fail("kind_otherwise", "'\(code)' is not a kind (\(kindCodes))")
                }
                otherwise = kind
            }
            p.kind = .init(column: column, values: values, prefixes: prefixes, otherwise: otherwise)
        } else if root["kinds"] != nil || root["kind_otherwise"] != nil {
            let key = root["kinds"] != nil ? "kinds" : "kind_otherwise"
            throw fail(key, "name the kind column they map (kind: COLUMN)")
        }
        p.batchColumns = try strings("batch")
        p.batchByDay = try bool("batch_by_day") ?? false
        if let sign = try string("fee_sign") {
            guard let value = TableProfile.FeeSign(rawValue: sign) else {
                let known = TableProfile.FeeSign.allCases.map(\.rawValue).joined(separator: ", ")
                throw fail("fee_sign", "'\(sign)' is not one of \(known)")
            }
            p.feeSign = value
        }
        if let direction = root["fee_direction"] {
            guard let d = direction as? [String: Any], let column = name(d["column"]),
                let returned = (d["returned"] as? [Any])?.compactMap(name) ?? name(d["returned"]).map({ [$0] })
            else { throw fail("fee_direction", "expected {column: NAME, returned: [VALUES]}") }
            p.feeDirection = (column, returned)
        }
        p.settlementCurrencyColumn = try string("settlement_currency")
        let netDebit = try string("net_debit")
        let netCredit = try string("net_credit")
        if netDebit != nil || netCredit != nil {
            guard let netDebit, let netCredit else {
                throw fail(netDebit == nil ? "net_debit" : "net_credit", "net_debit and net_credit go together")
            }
            guard p.netColumn == nil else { throw fail("net", "give either net or net_debit and net_credit") }
            p.netDebitCredit = (netDebit, netCredit)
        }
        p.rateColumn = try string("exchange_rate")
        p.netOnlyRows = try bool("net_only_rows") ?? false
        if p.netOnlyRows, p.netDebitCredit == nil || p.settlementCurrencyColumn == nil {
            throw fail("net_only_rows", "rows with only a net need net_debit, net_credit and settlement_currency")
        }
        p.timeZoneColumn = try string("time_zone_column")
        p.balanceColumn = try string("balance")
        p.payoutTimeColumns = try strings("payout_time")
        if let decimals = root["implied_decimals"] {
            guard let n = decimals as? Int, (0...18).contains(n) else {
                throw fail("implied_decimals", "expected a number of decimals from 0 to 18")
            }
            p.impliedDecimals = n
        }
        if let rule = try string("rounding") {
            guard let value = RoundingRule(rawValue: rule) else {
                let known = RoundingRule.allCases.map(\.rawValue).joined(separator: ", ")
                throw fail("rounding", "'\(rule)' is not one of \(known)")
            }
            p.rounding = value
        }
        if let decimals = p.impliedDecimals, p.rounding == nil, case .fixed(let code) = p.currency,
            let currency = Currency(code: code), decimals > currency.exponent
        {
            throw fail(
                "rounding",
                "implied_decimals \(decimals) is finer than \(code)'s \(currency.exponent): say how to round "
                    + "(rounding: \(RoundingRule.allCases.map(\.rawValue).joined(separator: " | ")))")
        }
        if let header = root["header_record"] {
            guard let h = header as? [String: Any], let type = name(h["type"]) else {
                throw fail("header_record", "expected {type: VALUE, batch: POSITION}")
            }
            p.sectionType = type
            if let position = h["batch"] {
                guard let n = position as? Int, n >= 1 else {
                    throw fail("header_record", "batch: the position (1, 2, ...) of the cell naming the batch")
                }
                p.sectionBatchColumn = n - 1
            }
        }
        if let footer = root["footer_record"] {
            guard let f = footer as? [String: Any], let type = name(f["type"]) else {
                throw fail("footer_record", "expected {type: VALUE, count: POSITION, sum: POSITION}")
            }
            let perSection = p.sectionType != nil
            for (figure, value) in [("count", f["count"]), ("sum", f["sum"])] {
                guard let value else { continue }
                guard let n = value as? Int, n >= 1 else {
                    throw fail("footer_record", "\(figure): the position (1, 2, ...) of the cell stating it")
                }
                if figure == "count" {
                    p.countFooters.append((type, n - 1, perSection))
                } else {
                    p.sumFooters.append((type, n - 1, perSection))
                }
            }
        }
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

extension MappingProfile {
    /// Whether this profile reads `input`, judged from its first bytes: the format, then for a
    /// CSV the header row (after `skip_lines`) holding every column the profile requires, for
    /// XML the root element (`root:`) or the record element, for JSON the records path and the
    /// first key's name. How a run with several profiles picks one for each file.
    public func reads(_ input: OpenedInput) -> Bool {
        guard format.rawValue == input.format.rawValue else { return false }
        let head = input.head
        switch format {
        case .csv:
            guard let reader = try? CSVReader(source: MemoryByteSource(head), delimiter: delimiter) else {
                return false
            }
            for _ in 0..<table.skipLines where (try? reader.next()) == nil { return false }
            guard let first = try? reader.next() else { return false }
            let cells = (0..<first.count).map { cleanCell(first[$0]) }
            if table.positional {
                if let type = table.recordType, let column = Int(type.column), column >= 1 {
                    // a typed file: its first line is one of the types the profile names
                    let known = [type.value, table.sectionType].compactMap { $0 }
                        + table.countFooters.map(\.type) + table.sumFooters.map(\.type)
                    return column <= cells.count && known.contains(cells[column - 1])
                }
                return cells.count >= (table.signature.compactMap { Int($0) }.max() ?? 1)
            }
            let found = Set(cells.map(foldedColumnName))
            return table.signature.allSatisfy { found.contains(foldedColumnName($0)) }
        case .xml:
            let text = String(decoding: head, as: UTF8.self)
            if let root {
                guard let start = Self.firstElement(text) else { return false }
                return ProfileReader.localName(start) == ProfileReader.localName(root)
            }
            let name = ProfileReader.localName(records ?? "")
            return text.contains("<\(name)") || text.contains(":\(name)>") || text.contains(":\(name) ")
        case .json:
            let text = String(decoding: head, as: UTF8.self)
            let steps = (records.map(ProfileReader.steps) ?? []).filter { $0 != "*" && Int($0) == nil }
            let key = table.keyColumns.first.map(ProfileReader.steps)?.first.map { [$0] } ?? []
            return (steps + key).allSatisfy { text.contains("\"\($0)\"") }
        }
    }

    /// The first element's name in an XML text (past the declaration, comments and a DTD).
    static func firstElement(_ text: String) -> String? {
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "<") {
            rest = rest[rest.index(after: open)...]
            guard let first = rest.first, first != "?" && first != "!" else { continue }
            return String(rest.prefix { !" \t\r\n/>".contains($0) })
        }
        return nil
    }

    /// The profile of `profiles` that reads `input` (the first that does, in order).
    public static func choose(_ profiles: [MappingProfile], for input: OpenedInput) -> MappingProfile? {
        profiles.first { $0.reads(input) }
    }

    /// The encoding to open a file in for these profiles: theirs when they agree on one.
    public static func encoding(of profiles: [MappingProfile]) -> TextEncoding? {
        let declared = Set(profiles.compactMap(\.encoding))
        return declared.count == 1 && profiles.allSatisfy({ $0.encoding != nil }) ? declared.first : nil
    }
}
