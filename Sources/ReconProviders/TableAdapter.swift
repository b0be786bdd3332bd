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
        if let type = profile.recordType, cell(row, type.column) != type.value { return nil }
        let record = try makeRecord(row, provenance: provenance)
        tally(row, record)
        return record
    }

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
            for column in columns { gross = gross + (try money(row, column, currency, required: false) ?? .zero(currency)) }
        }
        var fee: Int64?
        for column in profile.feeColumns {
            if let m = try money(row, column, currency, required: false) {
                fee = (fee ?? 0) + abs(m.minorUnits)
            }
        }
        let keys = profile.keyColumns.compactMap { cell(row, $0) }.filter { !profile.emptyValues.contains($0) }
        var unique: [String] = []
        for key in keys where !unique.contains(key) { unique.append(key) }
        let status: SettlementStatus =
            profile.status.map { rule in rule.values[cell(row, rule.column) ?? ""] ?? .unknown } ?? .settled
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
        let offset = profile.timeZoneOffsetSeconds
        do {
            return try withBytes(text) { (bytes) throws(DateError) in
                try Timestamp(parsing: bytes, zoneOffsetSeconds: offset)
            }
        } catch {
            throw RecordError(field: column, error.description)
        }
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
        guard let summary = profile.summary, let currency = sumCurrency ?? firstFixedCurrency else { return [] }
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
        return totals
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
        while start > rest.startIndex, let c = rest[rest.index(before: start)].asciiValue, (c >= 0x30 && c <= 0x39) || c == 0x2E {
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
