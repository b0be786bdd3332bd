public import PaymentModels
public import ReconIngest

/// Reads the rows of a file laid out as a `TableProfile` says, once its header row is found.
struct TableAdapter {
    let profile: TableProfile
    let header: [String]
    let columns: [String: Int]
    private var ended = false
    private var summaryHeader: [String]?
    private var statedRows: [(header: [String], values: [String])] = []
    private var textLines: [String] = []
    /// Accumulated per figure key: count and sum in minor units.
    private var counts: [String: Int] = [:]
    private var sums: [String: Int64] = [:]
    private var sumCurrency: Currency?

    /// An adapter when `cells` is the profile's header row.
    init?(profile: TableProfile, header cells: [String]) {
        var columns: [String: Int] = [:]
        for (i, name) in cells.enumerated() where columns[name] == nil { columns[name] = i }
        guard profile.signature.allSatisfy({ columns[$0] != nil }) else { return nil }
        self.profile = profile
        header = cells
        self.columns = columns
    }

    /// Rows before the header, kept for layouts that state their totals there.
    mutating func preamble(_ cells: [String]) {
        if let section = profile.sectionType, cells.first == section {
            sections += 1  // a typed file's first section header comes before the column header
            sectionCount = 0
        }
        textLines.append(cells.filter { !$0.isEmpty }.joined(separator: ","))
    }

    func cell(_ row: CSVRow, _ name: String?) -> String? {
        guard let name, let i = columns[name], i < row.count else { return nil }
        let text = cleanCell(row[i])
        return text.isEmpty ? nil : text
    }

    /// The record of one row; nil for a row that is structure (blank, a repeated header, a
    /// summary, a row of another record type).
    mutating func record(_ row: CSVRow, provenance: Provenance) throws(RecordError) -> SettlementRecord? {
        let cells = (0..<row.count).map { cleanCell(row[$0]) }
        if cells.allSatisfy(\.isEmpty) { return nil }
        let first = cells.first ?? ""
        if ended || profile.endMarkers.contains(where: { first.hasPrefix($0) }) {
            ended = true
            noteSummaryRow(cells)
            return nil
        }
        if cells == header { return nil }
        if let type = profile.recordType, cell(row, type.column) != type.value {
            if first == profile.sectionType {
                sections += 1
                sectionCount = 0
            }
            for footer in profile.countFooters where first == footer.type && footer.column < cells.count {
                guard let n = Int(cells[footer.column]) else { continue }
                let name =
                    footer.perSection
                    ? "section \(sections) \(footer.type) record count" : "\(footer.type) record count"
                footerCounts.append(.count(name, stated: n, computed: footer.perSection ? sectionCount : recordCount))
            }
            return nil
        }
        recordCount += 1
        sectionCount += 1
        let record = try makeRecord(row, provenance: provenance)
        tally(row, record)
        return record
    }

    private var footerCounts: [ControlTotal] = []
    private var recordCount = 0
    private var sectionCount = 0
    private var sections = 0

    private mutating func noteSummaryRow(_ cells: [String]) {
        if case .rows(let firstName, _) = profile.summary {
            if cells.first == firstName {
                summaryHeader = cells
                return
            }
            if let h = summaryHeader {
                statedRows.append((h, cells))
                summaryHeader = nil
                return
            }
        }
        textLines.append(cells.filter { !$0.isEmpty }.joined(separator: ","))
    }

    private func makeRecord(_ row: CSVRow, provenance: Provenance) throws(RecordError) -> SettlementRecord {
        let currency = try currency(row)
        var raw = cell(row, profile.status?.column) ?? ""
        var gross: Money
        switch profile.amount {
        case .signed(let column):
            gross = try money(row, column, currency, required: true)!
        case .directed(let column, let direction, let credit, let debit):
            let amount = try money(row, column, currency, required: true)!
            let way = cell(row, direction) ?? ""
            if debit.contains(way) {
                gross = -amount
            } else {
                gross = amount
                if !credit.contains(way) { raw = raw.isEmpty ? way : "\(raw) (\(way))" }
            }
        case .lessRefund(let column, let refund):
            let amount = try money(row, column, currency, required: true)!
            gross = amount - (try money(row, refund, currency, required: false) ?? .zero(currency))
        case .sum(let columns):
            gross = .zero(currency)
            for column in columns {
                gross = gross + (try money(row, column, currency, required: false) ?? .zero(currency))
            }
        case .debitCredit(let debit, let credit):
            let d = try money(row, debit, currency, required: false)
            let c = try money(row, credit, currency, required: false)
            guard d != nil || c != nil else {
                throw RecordError(field: credit, "neither \(debit) nor \(credit) has an amount")
            }
            gross = (c ?? .zero(currency)) - (d ?? .zero(currency))
        }
        var fee: Int64?
        let feeCurrency = try profile.feeCurrencyColumn.flatMap { column throws(RecordError) in
            try cell(row, column).map { code throws(RecordError) -> Currency in
                guard let c = Currency(code: code.uppercased()) else {
                    throw RecordError(field: column, "'\(code)' is not an ISO 4217 currency code")
                }
                return c
            }
        }
        for column in profile.feeColumns where feeCurrency == nil || feeCurrency == currency {
            if let m = try money(row, column, currency, required: false) {
                fee = (fee ?? 0) + abs(m.minorUnits)
            }
        }
        let keys = profile.keyColumns.compactMap { cell(row, $0) }.filter { !profile.emptyValues.contains($0) }
        var unique: [String] = []
        for key in keys where !unique.contains(key) { unique.append(key) }
        let status: SettlementStatus =
            profile.status.map { rule in rule.values[cell(row, rule.column) ?? ""] ?? rule.otherwise } ?? .settled
        var record = SettlementRecord(
            key: unique.first ?? "",
            settlementId: profile.settlementIdColumns.lazy.compactMap { cell(row, $0) }
                .first { !profile.emptyValues.contains($0) },
            provider: profile.name, gross: gross, fee: fee.map { Money(minorUnits: $0, currency: currency) },
            net: try money(row, profile.netColumn, currency, required: false), status: status, rawStatus: raw,
            settledAt: try time(row), provenance: provenance)
        if unique.count > 1 { record.alternateKeys = Array(unique.dropFirst()) }
        return record
    }

    private func currency(_ row: CSVRow) throws(RecordError) -> Currency {
        switch profile.currency {
        case .fixed(let code): return Currency(code: code)!
        case .column(let column, let fallback):
            let code = cell(row, column) ?? fallback ?? ""
            guard let currency = Currency(code: code.uppercased()) else {
                throw RecordError(field: column, "'\(code)' is not an ISO 4217 currency code")
            }
            return currency
        }
    }

    func money(_ row: CSVRow, _ column: String?, _ currency: Currency, required: Bool) throws(RecordError) -> Money? {
        guard let column, let text = cell(row, column) else {
            if required { throw RecordError(field: column ?? "", "the amount is missing") }
            return nil
        }
        if profile.minorUnits {
            do { return Money(minorUnits: try AmountParser.parseMinor(text), currency: currency) } catch {
                throw RecordError(field: column, error)
            }
        }
        return Money(minorUnits: try Self.minorUnits(text, currency, field: column), currency: currency)
    }

    /// A major-unit amount as these exports write it: `¥50.0`, `-1490.00`, `27`.
    static func minorUnits(_ text: String, _ currency: Currency, field: String) throws(RecordError) -> Int64 {
        var cleaned = Substring(text)
        for symbol in ["¥", "￥", "$", "€", "£"] where cleaned.hasPrefix(symbol) { cleaned = cleaned.dropFirst() }
        do {
            return try AmountParser.parseMajor(String(cleaned), currency: currency)
        } catch {
            throw RecordError(field: field, error)
        }
    }

    private func time(_ row: CSVRow) throws(RecordError) -> Timestamp? {
        guard let column = profile.timeColumn, var text = cell(row, column) else { return nil }
        if profile.dayFirstDates {
            let parts = text.split(separator: " ", maxSplits: 1)
            let date = parts[0].split(separator: ".")
            if date.count == 3 {
                text = "\(date[2])-\(date[1])-\(date[0])" + (parts.count > 1 ? " \(parts[1])" : "")
            }
        }
        text = Self.isoDate(text)
        var offset = profile.timeZoneOffsetSeconds
        if let zoneColumn = profile.timeZoneColumn, let zone = cell(row, zoneColumn) {
            guard let seconds = Self.zoneOffsets[zone.uppercased()] else {
                throw RecordError(field: zoneColumn, "'\(zone)' is not a time zone abbreviation recon knows")
            }
            offset = seconds
        }
        do {
            return try withBytes(text) { (bytes) throws(DateError) in
                try Timestamp(parsing: bytes, zoneOffsetSeconds: offset)
            }
        } catch {
            throw RecordError(field: column, error.description)
        }
    }

    /// Time zone abbreviations seen in provider exports, as UTC offsets in seconds.
    static let zoneOffsets: [String: Int64] = [
        "UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "WEST": 3600, "BST": 3600, "IST": 19800, "CET": 3600, "CEST": 7200,
        "MET": 3600, "MEST": 7200, "EET": 7200, "EEST": 10800, "MSK": 10800, "EST": -18000, "EDT": -14400,
        "CST": -21600, "CDT": -18000, "MST": -25200, "MDT": -21600, "PST": -28800, "PDT": -25200, "AKST": -32400,
        "AKDT": -28800, "HST": -36000, "BRT": -10800, "ART": -10800, "HKT": 28800, "SGT": 28800, "CST8": 28800,
        "JST": 32400, "KST": 32400, "AEST": 36000, "AEDT": 39600, "AWST": 28800, "NZST": 43200, "NZDT": 46800,
    ]

    /// `2016/03/23 10:46:33 -0700` (PayPal) as `2016-03-23 10:46:33-0700`; other text as is.
    static func isoDate(_ text: String) -> String {
        var bytes = Array(text.utf8)
        guard bytes.count >= 10, bytes[4] == UInt8(ascii: "/"), bytes[7] == UInt8(ascii: "/") else { return text }
        bytes[4] = UInt8(ascii: "-")
        bytes[7] = UInt8(ascii: "-")
        if bytes.count >= 6, bytes[bytes.count - 6] == 0x20,
            bytes[bytes.count - 5] == 0x2B || bytes[bytes.count - 5] == 0x2D
        {
            bytes.remove(at: bytes.count - 6)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    // MARK: control totals

    private mutating func tally(_ row: CSVRow, _ record: SettlementRecord) {
        sumCurrency = sumCurrency ?? record.gross.currency
        guard let summary = profile.summary else { return }
        func add(_ key: String, column: String?, values: [String], sumColumn: String?) {
            if let column, !values.contains(cell(row, column) ?? "") { return }
            counts[key, default: 0] += 1
            if let sumColumn, let text = cell(row, sumColumn),
                let minor = try? Self.minorUnits(text, record.gross.currency, field: sumColumn)
            {
                sums[key, default: 0] += abs(minor)
            }
        }
        switch summary {
        case .rows(_, let figures):
            for (name, figure) in figures {
                switch figure {
                case .count: add(name, column: nil, values: [], sumColumn: nil)
                case .countWhere(let column, let values): add(name, column: column, values: values, sumColumn: nil)
                case .sum(let column): add(name, column: nil, values: [], sumColumn: column)
                case .sumWhere(let column, let whereColumn, let values):
                    add(name, column: whereColumn, values: values, sumColumn: column)
                }
            }
        case .lines(let figures):
            for (label, f) in figures { add(label, column: f.column, values: f.values, sumColumn: f.sumColumn) }
        }
    }

    func controlTotals() -> [ControlTotal] {
        let footers = footerCounts
        guard let summary = profile.summary, let currency = sumCurrency ?? firstFixedCurrency else { return footers }
        var totals: [ControlTotal] = []
        func amount(_ minor: Int64) -> Money { Money(minorUnits: minor, currency: currency) }
        switch summary {
        case .rows(_, let figures):
            for (names, values) in statedRows {
                for (k, name) in names.enumerated() where k < values.count {
                    guard let figure = figures[name] else { continue }
                    switch figure {
                    case .count, .countWhere:
                        if let stated = Int(values[k]) {
                            totals.append(.count(name, stated: stated, computed: counts[name] ?? 0))
                        }
                    case .sum, .sumWhere:
                        if let stated = try? Self.minorUnits(values[k], currency, field: name) {
                            totals.append(.amount(name, stated: amount(abs(stated)), computed: amount(sums[name] ?? 0)))
                        }
                    }
                }
            }
        case .lines(let figures):
            for line in textLines {
                for (label, _) in figures.sorted(by: { $0.key.count > $1.key.count }) {
                    guard let (count, sum) = Self.statedCountAndSum(line, label: label, currency) else { continue }
                    totals.append(.count("\(label) count", stated: count, computed: counts[label] ?? 0))
                    if let sum {
                        totals.append(.amount("\(label) sum", stated: amount(sum), computed: amount(sums[label] ?? 0)))
                    }
                    break
                }
            }
        }
        return footers + totals
    }

    private var firstFixedCurrency: Currency? {
        if case .fixed(let code) = profile.currency { return Currency(code: code) }
        return nil
    }

    /// `收入：1笔 28.50元`, `已收入:1笔,0.01元`, `#交易合计：3笔，商家实收共0.03元`: the count
    /// before 笔 and the amount before 元, when `line` starts with `label` (after `#`).
    static func statedCountAndSum(_ line: String, label: String, _ currency: Currency) -> (Int, Int64?)? {
        var text = Substring(line)
        while text.first == "#" { text = text.dropFirst() }
        guard text.hasPrefix(label) else { return nil }
        text = text.dropFirst(label.count)
        guard let first = text.first, first == "：" || first == ":" else { return nil }
        text = text.dropFirst()
        guard let mark = text.firstIndex(of: "笔"), let count = Int(text[..<mark].trimmingCharacters) else {
            return nil
        }
        let rest = text[text.index(after: mark)...]
        guard let yuan = rest.firstIndex(of: "元") else { return (count, nil) }
        var start = yuan
        while start > rest.startIndex, let c = rest[rest.index(before: start)].asciiValue,
            (c >= 0x30 && c <= 0x39) || c == 0x2E
        {
            start = rest.index(before: start)
        }
        let minor = try? minorUnits(String(rest[start..<yuan]), currency, field: label)
        return (count, minor)
    }
}

extension Substring {
    var trimmingCharacters: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
