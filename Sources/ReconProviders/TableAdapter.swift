import PaymentModels
import ReconIngest
import ReconMemory

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads the rows of a file laid out as a `TableProfile` says, once its header row is found.
///
/// Every column the profile names is resolved to its index once, at the header; a row is read
/// as byte slices, and only the values kept become `String`s (keys, ids; statuses through a
/// cache). Building a `String` per cell and hashing column names per row ran at ~34 MB/s.
struct TableAdapter {
    let profile: TableProfile
    let header: [String]
    let columns: [String: Int]
    /// Column names the header has more than once (folded).
    private let repeated: Set<String>
    private let at: Resolved
    private var ended = false
    private var summaryHeader: [String]?
    private var statedRows: [(header: [String], values: [String])] = []
    private var textLines: [String] = []
    /// Accumulated per figure key: count and sum in minor units.
    private var counts: [String: Int] = [:]
    private var sums: [String: Total] = [:]
    private var sumCurrency: Currency?
    private var statusTexts = TextCache<SettlementStatus>()
    private var kindTexts = TextCache<SettlementKind?>()
    /// The settlement day of the current section (PayPal's `SH` line), `2026-01-06`.
    private var sectionDay: String?
    private var batchTexts = TextCache<Void>()
    private var lastCurrency: (bytes: [UInt8], currency: Currency)?

    /// Column indexes of everything the profile reads (-1: the file has no such column).
    struct Resolved {
        var keys: [Int] = []
        var ids: [Int] = []
        var fees: [Int] = []
        var net = -1, status = -1, time = -1, zone = -1, currency = -1, settlementCurrency = -1, recordType = -1
        var netDebit = -1, netCredit = -1, rate = -1, metadata = -1, payoutTime = -1
        var times: [Int] = []
        var balance = -1
        var kind = -1
        var batches: [Int] = []
        var amount: [Int] = []
        var direction = -1
        var headerFirst: [UInt8] = []
        var endMarkers: [[UInt8]] = []
        var recordTypeValue: [UInt8] = []
        var emptyValues: [[UInt8]] = []
        /// First bytes of the end markers, and the longest "none" value: cheap tests that
        /// spare most rows and cells the comparisons.
        var endMarkerFirst = [Bool](repeating: false, count: 256)
        var emptyValueLengthMax = 0
        /// The amount rule without its column names (binding them retained strings per row).
        var amountKind = AmountKind.signed
        var creditValues: [[UInt8]] = []
        var debitValues: [[UInt8]] = []
        var hasStatus = false
        var feeDirection = -1
        var feeReturnedValues: [[UInt8]] = []
    }

    enum AmountKind { case signed, directed, lessRefund, sum, debitCredit }

    /// An adapter when `cells` is the profile's header row.
    init?(profile: TableProfile, header cells: [String]) {
        // names compared folded (case, runs of spaces): exports of one layout differ in both
        var columns: [String: Int] = [:]
        var repeated: Set<String> = []
        for (i, name) in cells.enumerated() {
            let folded = foldedColumnName(name)
            if columns[folded] == nil { columns[folded] = i } else if !folded.isEmpty { repeated.insert(folded) }
        }
        guard profile.signature.allSatisfy({ columns[foldedColumnName($0)] != nil }) else { return nil }
        self.profile = profile
        header = cells
        self.columns = columns
        self.repeated = repeated
        func index(_ name: String?) -> Int { name.flatMap { columns[foldedColumnName($0)] } ?? -1 }
        var r = Resolved()
        r.keys = profile.keyColumns.map(index)
        r.ids = profile.settlementIdColumns.map(index)
        r.fees = profile.feeColumns.map(index)
        r.net = index(profile.netColumn)
        r.status = index(profile.status?.column)
        r.kind = index(profile.kind?.column)
        r.batches = profile.batchColumns.map(index)
        r.time = index(profile.timeColumn)
        // the first column present, then per row the first with a value
        r.times = ([profile.timeColumn].compactMap { $0 } + profile.alternateTimeColumns).map(index).filter { $0 >= 0 }
        if r.time < 0 { r.time = r.times.first ?? -1 }
        r.zone = index(profile.timeZoneColumn)
        r.settlementCurrency = index(profile.settlementCurrencyColumn)
        r.netDebit = index(profile.netDebitCredit?.debit)
        r.netCredit = index(profile.netDebitCredit?.credit)
        r.rate = index(profile.rateColumn)
        r.metadata = index(profile.metadataColumn)
        r.balance = index(profile.balanceColumn)
        for name in profile.payoutTimeColumns where r.payoutTime < 0 { r.payoutTime = index(name) }
        if case .column(let name, _) = profile.currency { r.currency = index(name) }
        switch profile.amount {
        case .signed(let c): r.amount = [index(c)]
        case .directed(let c, let d, let credit, let debit):
            r.amount = [index(c)]
            r.direction = index(d)
            r.amountKind = .directed
            r.creditValues = credit.map { Array($0.utf8) }
            r.debitValues = debit.map { Array($0.utf8) }
        case .lessRefund(let c, let refund):
            r.amount = [index(c), index(refund)]
            r.amountKind = .lessRefund
        case .sum(let cs):
            r.amount = cs.map(index)
            r.amountKind = .sum
        case .debitCredit(let d, let c):
            r.amount = [index(d), index(c)]
            r.amountKind = .debitCredit
        }
        r.hasStatus = profile.status != nil
        if let direction = profile.feeDirection {
            r.feeDirection = index(direction.column)
            r.feeReturnedValues = direction.returned.map { Array($0.utf8) }
        }
        if let type = profile.recordType {
            r.recordType = index(type.column)
            r.recordTypeValue = Array(type.value.utf8)
        }
        r.headerFirst = Array((cells.first ?? "").utf8)
        r.endMarkers = profile.endMarkers.map { Array($0.utf8) }
        r.emptyValues = profile.emptyValues.map { Array($0.utf8) }
        for marker in r.endMarkers where !marker.isEmpty { r.endMarkerFirst[Int(marker[0])] = true }
        r.emptyValueLengthMax = r.emptyValues.map(\.count).max() ?? 0
        at = r
    }

    /// A column the layout reads that the header names more than once, with its positions:
    /// which one holds the value is not clear, so the file is refused.
    var ambiguousColumn: String? {
        guard !repeated.isEmpty else { return nil }
        var named = profile.keyColumns + profile.settlementIdColumns + profile.feeColumns + profile.batchColumns
        named += [
            profile.netColumn, profile.timeColumn, profile.status?.column, profile.kind?.column,
            profile.settlementCurrencyColumn, profile.rateColumn, profile.timeZoneColumn, profile.balanceColumn,
        ].compactMap { $0 }
        switch profile.amount {
        case .signed(let c): named.append(c)
        case .directed(let c, let d, _, _): named += [c, d]
        case .debitCredit(let d, let c), .lessRefund(let d, let c): named += [d, c]
        case .sum(let cs): named += cs
        }
        if case .column(let c, _) = profile.currency { named.append(c) }
        guard let name = named.first(where: { repeated.contains(foldedColumnName($0)) }) else { return nil }
        let positions = header.indices.filter { foldedColumnName(header[$0]) == foldedColumnName(name) }
        return "the header names '\(name)' \(positions.count) times (columns "
            + positions.map { String($0 + 1) }.joined(separator: ", ") + "): which one holds the value is not clear"
    }

    /// Rows before the header, kept for layouts that state their totals there.
    mutating func preamble(_ cells: [String]) {
        // a typed file's first section header comes before the column header
        if let section = profile.sectionType, cells.first == section { startSection(cells) }
        textLines.append(cells.filter { !$0.isEmpty }.joined(separator: ","))
    }

    /// Cell `i`'s bytes, trimmed of spaces, tabs and a trailing CR, without a leading backtick.
    @inline(__always)
    static func bytes(_ row: CSVRow, _ i: Int) -> UnsafeRawBufferPointer {
        guard i >= 0, i < row.count else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        let b = row[i]
        var start = 0
        var end = b.count
        while start < end, b[start] == 0x20 || b[start] == 0x09 { start += 1 }
        while end > start, b[end - 1] == 0x20 || b[end - 1] == 0x09 || b[end - 1] == 0x0D { end -= 1 }
        if start < end, b[start] == 0x60 { start += 1 }
        return UnsafeRawBufferPointer(rebasing: b[start..<end])
    }

    /// Byte equality; short values (status words, empty markers, currency codes) are compared
    /// inline, where a `memcmp` call per comparison was 4% of reading a Stripe report.
    @inline(__always)
    static func equal(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        guard a.count == b.count else { return false }
        guard a.count > 16 else {
            for i in 0..<a.count where a[i] != b[i] { return false }
            return true
        }
        // ids of one kind share a length but rarely their first eight bytes (`pi_…`, `ch_…`)
        guard a.loadUnaligned(as: UInt64.self) == b.loadUnaligned(as: UInt64.self) else { return false }
        return memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0
    }

    @inline(__always)
    static func equal(_ a: UnsafeRawBufferPointer, _ b: [UInt8]) -> Bool {
        a.count == b.count && b.withUnsafeBytes { equal(a, $0) }
    }

    static func hasPrefix(_ a: UnsafeRawBufferPointer, _ b: [UInt8]) -> Bool {
        a.count >= b.count && b.withUnsafeBytes { b.isEmpty || memcmp(a.baseAddress!, $0.baseAddress!, b.count) == 0 }
    }

    func cell(_ row: CSVRow, _ name: String?) -> String? {
        guard let name, let i = columns[foldedColumnName(name)] else { return nil }
        return text(row, i)
    }

    func text(_ row: CSVRow, _ i: Int) -> String? {
        let b = Self.bytes(row, i)
        return b.isEmpty ? nil : String(decoding: b, as: UTF8.self)
    }

    /// Hands the record of one row to `sink`; a row that is structure (blank, a repeated
    /// header, a summary, a row of another record type) gives none. The record goes straight to
    /// the sink rather than back up as an optional: each hop copied 150 bytes per row.
    /// Throws the row's `RecordError`, or what `sink` throws.
    mutating func emit(
        _ row: CSVRow, provenance: Provenance, to sink: (consuming SettlementRecord) throws -> Void
    ) throws {
        guard try isRecord(row) else { return }
        if !profile.positional && row.count != header.count {
            throw SettlementSourceReader.widthError(row.count, header.count)
        }
        let record = try makeRecord(row, provenance: provenance)
        if profile.summary != nil { tally(row, record) }
        if !profile.totalFooters.isEmpty {
            sectionFooterSums[record.gross.currency, default: FooterSums()].add(record)
            footerSums[record.gross.currency, default: FooterSums()].add(record)
        }
        if at.balance >= 0 { checkBalance(row, record) }
        if !profile.sumFooters.isEmpty {
            sumCurrency = record.gross.currency
            sectionGross += Total(record.gross.minorUnits)
            fileGross += Total(record.gross.minorUnits)
        }
        try sink(record)
    }

    /// Whether a row holds a record (and counts it); structure rows are noted and skipped.
    private mutating func isRecord(_ row: CSVRow) throws(RecordError) -> Bool {
        let first = Self.bytes(row, 0)
        if first.isEmpty, (0..<row.count).allSatisfy({ Self.bytes(row, $0).isEmpty }) { return false }
        if ended
            || (!first.isEmpty && at.endMarkerFirst[Int(first[0])]
                && at.endMarkers.contains { Self.hasPrefix(first, $0) })
        {
            ended = true
            noteSummaryRow((0..<row.count).map { cleanCell(row[$0]) })
            return false
        }
        if Self.equal(first, at.headerFirst), (0..<row.count).map({ cleanCell(row[$0]) }) == header { return false }
        if at.recordType >= 0, !Self.equal(Self.bytes(row, at.recordType), at.recordTypeValue) {
            let cells = (0..<row.count).map { cleanCell(row[$0]) }
            if let section = profile.sectionType, cells.first == section { startSection(cells) }
            for footer in profile.sumFooters where cells.first == footer.type && footer.column < cells.count {
                guard let currency = sumCurrency ?? firstFixedCurrency,
                    let stated = try? Self.bytesOf(cells[footer.column], { (b) throws(AmountError) in
                        try amount(b, currency)
                    })
                else { continue }
                let name = footer.perSection ? "section \(sections) \(footer.type) sum" : "\(footer.type) sum"
                footerTotals.append(
                    .total(
                        name, stated: Total(stated), computed: footer.perSection ? sectionGross : fileGross, currency))
            }
            for footer in profile.totalFooters where cells.first == footer.type {
                footerTotals += Self.footerTotals(
                    cells, name: footer.perSection ? "section \(sections) \(footer.type)" : footer.type,
                    computed: footer.perSection ? sectionFooterSums : footerSums)
            }
            for footer in profile.countFooters where cells.first == footer.type && footer.column < cells.count {
                guard let n = Int(cells[footer.column]) else { continue }
                let name =
                    footer.perSection
                    ? "section \(sections) \(footer.type) record count" : "\(footer.type) record count"
                footerCounts.append(.count(name, stated: n, computed: footer.perSection ? sectionCount : recordCount))
            }
            return false
        }
        recordCount += 1
        sectionCount += 1
        return true
    }

    /// The running balance: this row's stated balance against the previous row's plus this
    /// row's net (gross - fee without one), per currency.
    private mutating func checkBalance(_ row: CSVRow, _ record: SettlementRecord) {
        let currency = record.settlementCurrency
        let b = Self.bytes(row, at.balance)
        guard !b.isEmpty, let stated = try? amount(b, currency) else { return }
        let net = record.net.map { Total($0.minorUnits) }
            ?? Total(record.gross.minorUnits) - Total(record.fee?.minorUnits ?? 0)
        if let previous = balances[currency] {
            balanceRows += 1
            if previous + net == Total(stated) { balanceTies += 1 }
        }
        balances[currency] = Total(stated)
    }

    private var balances: [Currency: Total] = [:]
    private var balanceRows = 0, balanceTies = 0

    /// A section header row (PayPal's `SH`, a typed file's `H`): counts and sums start again;
    /// its day, or the cell the profile names, is the batch of the records that follow.
    private mutating func startSection(_ cells: [String]) {
        sections += 1
        sectionCount = 0
        sectionFooterSums = [:]
        sectionGross = 0
        sectionDay = Self.sectionDay(cells)
        sectionBatch = profile.sectionBatchColumn.flatMap { $0 < cells.count && !cells[$0].isEmpty ? cells[$0] : nil }
    }

    private var sectionGross: Total = 0
    private var fileGross: Total = 0
    private var sectionBatch: String?

    static func bytesOf<R>(_ text: String, _ body: (UnsafeRawBufferPointer) throws(AmountError) -> R)
        throws(AmountError) -> R
    {
        try withBytes(text) { (b) throws(AmountError) in try body(b) }
    }

    /// The day a section header names (`SH,2026/01/06 00:00:00 -0800,...`: the settlement
    /// period's start, in the report's own time zone).
    static func sectionDay(_ cells: [String]) -> String? {
        guard cells.count > 1 else { return nil }
        let bytes = Array(cells[1].utf8.prefix(10))
        guard bytes.count == 10, bytes[4] == bytes[7], bytes[4] == UInt8(ascii: "/") || bytes[4] == UInt8(ascii: "-"),
            bytes.enumerated().allSatisfy({ $0.offset == 4 || $0.offset == 7 || (0x30...0x39).contains($0.element) })
        else { return nil }
        return String(decoding: bytes[0..<4], as: UTF8.self) + "-" + String(decoding: bytes[5..<7], as: UTF8.self) + "-"
            + String(decoding: bytes[8..<10], as: UTF8.self)
    }

    private var footerCounts: [ControlTotal] = []
    private var footerTotals: [ControlTotal] = []
    private var footerSums: [Currency: FooterSums] = [:]
    private var sectionFooterSums: [Currency: FooterSums] = [:]

    /// What a PayPal-style total footer adds up, per currency, in minor units.
    struct FooterSums {
        var grossCredits: Total = 0, grossDebits: Total = 0, feeCredits: Total = 0, feeDebits: Total = 0

        mutating func add(_ record: SettlementRecord) {
            let gross = Total(record.gross.minorUnits)
            if gross >= 0 { grossCredits += gross } else { grossDebits -= gross }
            // a fee is charged (a debit to the merchant) unless it is negative, i.e. returned
            if let minor = record.fee?.minorUnits {
                let fee = Total(minor)
                if fee >= 0 { feeDebits += fee } else { feeCredits -= fee }
            }
        }

        /// The balance's movement these records make.
        var movement: Total { grossCredits - grossDebits + feeCredits - feeDebits }
    }

    /// The totals a footer row states (`SF`, `USD`, gross CR, gross DR, fee CR, fee DR, then
    /// `CR`/`DR` and the beginning balance, `CR`/`DR` and the ending balance) against `computed`.
    /// A figure that is not a whole number is left out rather than guessed.
    static func footerTotals(_ cells: [String], name: String, computed: [Currency: FooterSums]) -> [ControlTotal] {
        guard cells.count > 5, let currency = Currency(code: cells[1]) else { return [] }
        let sums = computed[currency] ?? FooterSums()
        var totals: [ControlTotal] = []
        let figures = [
            ("gross credits", sums.grossCredits), ("gross debits", sums.grossDebits),
            ("fee credits", sums.feeCredits), ("fee debits", sums.feeDebits),
        ]
        for (k, (label, value)) in figures.enumerated() {
            guard let stated = Int64(cells[2 + k]) else { continue }
            totals.append(.total("\(name) \(currency.code) \(label)", stated: Total(stated), computed: value, currency))
        }
        func balance(_ at: Int) -> Total? {
            guard at + 1 < cells.count, let amount = Int64(cells[at + 1]).map({ Total($0) }) else { return nil }
            switch cells[at] {
            case "CR": return amount
            case "DR": return -amount
            default: return nil
            }
        }
        if let begin = balance(6), let end = balance(8) {
            totals.append(
                .total(
                    "\(name) \(currency.code) ending minus beginning balance", stated: end - begin,
                    computed: sums.movement, currency))
        }
        return totals
    }
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

    private mutating func makeRecord(_ row: CSVRow, provenance: Provenance) throws(RecordError) -> SettlementRecord {
        var raw = ""
        var status = SettlementStatus.settled
        if at.hasStatus {
            let b = Self.bytes(row, at.status)
            (raw, status) = statusTexts.lookup(b) { profile.status!.values[$0] ?? profile.status!.otherwise }
        }
        // the currency the row was paid out in (fee and net), when the layout names one
        var paidIn: Currency?
        if at.settlementCurrency >= 0 {
            let b = Self.bytes(row, at.settlementCurrency)
            if !b.isEmpty {
                guard let c = Currency(asciiCode: b) else {
                    throw RecordError(
                        field: profile.settlementCurrencyColumn!,
                        "'\(String(decoding: b, as: UTF8.self))' is not an ISO 4217 currency code")
                }
                paidIn = c
            }
        }
        // an account row (Adyen's Fee, MerchantPayout, ...) has no gross: its amount is its net
        let netOnly =
            profile.netOnlyRows && at.amountKind == .debitCredit && Self.bytes(row, at.amount[0]).isEmpty
            && Self.bytes(row, at.amount[1]).isEmpty
        let currency: Currency
        if netOnly {
            guard let paidIn else {
                throw RecordError(
                    field: profile.settlementCurrencyColumn ?? "", "a row with only a net amount needs its currency")
            }
            currency = paidIn
        } else {
            currency = try self.currency(row)
        }
        let settlement = paidIn ?? currency
        var gross: Money
        switch at.amountKind {
        case .signed:
            gross = try money(row, at.amount[0], currency)!
        case .directed:
            gross = try money(row, at.amount[0], currency)!
            let way = Self.bytes(row, at.direction)
            if at.debitValues.contains(where: { Self.equal(way, $0) }) {
                gross = -gross
            } else if !at.creditValues.contains(where: { Self.equal(way, $0) }) {
                let text = String(decoding: way, as: UTF8.self)
                if profile.directionRequired {
                    throw RecordError(
                        field: columnName(at.direction),
                        "'\(text)' is neither a debit ("
                            + at.debitValues.map { String(decoding: $0, as: UTF8.self) }.joined(separator: ", ")
                            + ") nor a credit ("
                            + at.creditValues.map { String(decoding: $0, as: UTF8.self) }.joined(separator: ", ") + ")")
                }
                raw = raw.isEmpty ? text : "\(raw) (\(text))"
            }
        case .lessRefund:
            gross = try money(row, at.amount[0], currency)!
            if let refund = try money(row, at.amount[1], currency, required: false) {
                let less = Total(gross.minorUnits) - Total(refund.minorUnits)
                gross = try Self.checked(less, currency, columnName(at.amount[1]))
            }
        case .sum:
            gross = .zero(currency)
            for index in at.amount {
                if let part = try money(row, index, currency, required: false) {
                    let sum = Total(gross.minorUnits) + Total(part.minorUnits)
                    gross = try Self.checked(sum, currency, columnName(index))
                }
            }
        case .debitCredit:
            if netOnly {
                guard let net = try debitCredit(row, at.netDebit, at.netCredit, settlement) else {
                    throw RecordError(
                        field: columnName(at.amount[1]),
                        "neither the gross (\(columnName(at.amount[0])), \(columnName(at.amount[1]))) nor the net "
                            + "(\(columnName(at.netDebit)), \(columnName(at.netCredit))) has an amount")
                }
                gross = net
            } else {
                guard let g = try debitCredit(row, at.amount[0], at.amount[1], currency) else {
                    throw RecordError(
                        field: columnName(at.amount[1]),
                        "neither \(columnName(at.amount[0])) nor \(columnName(at.amount[1])) has an amount")
                }
                gross = g
            }
        }
        var fees: Total?
        for index in at.fees {
            guard let m = try money(row, index, settlement, required: false) else { continue }
            switch profile.feeSign {
            case .unsigned: fees = (fees ?? 0) + Total(m.minorUnits.magnitude)
            case .signed: fees = (fees ?? 0) + Total(m.minorUnits)
            case .negativeCharged: fees = (fees ?? 0) - Total(m.minorUnits)
            }
        }
        var fee = try fees.map { (total) throws(RecordError) in
            try Self.checked(total, settlement, columnName(at.fees.first ?? -1)).minorUnits
        }
        if let charged = fee, at.feeDirection >= 0 {
            let way = Self.bytes(row, at.feeDirection)
            if at.feeReturnedValues.contains(where: { Self.equal(way, $0) }) { fee = -charged }
        }
        var net: Money?
        if netOnly {
            net = gross
        } else if at.netDebit >= 0 || at.netCredit >= 0 {
            net = try debitCredit(row, at.netDebit, at.netCredit, settlement)
        } else {
            net = try money(row, at.net, settlement, required: false)
        }
        var rate: ExchangeRate?
        if at.rate >= 0, currency != settlement {
            let b = Self.bytes(row, at.rate)
            if !b.isEmpty {
                do throws(AmountError) { rate = try ExchangeRate(parsing: b) } catch {
                    throw RecordError(field: columnName(at.rate), error)
                }
            }
        }
        if currency != settlement, net == nil, rate == nil {
            throw RecordError(
                field: profile.settlementCurrencyColumn ?? "",
                "paid out in \(settlement) but charged in \(currency), with neither a net nor an exchange rate")
        }
        // keys compared as bytes before any String is made; an id that is also a key shares it.
        // The closure below reads locals only: touching `self` in it copied the whole adapter
        // (every array in it retained) once per row.
        var key = ""
        var alternates: [String]?
        var id: String?
        let (keyColumns, idColumns, empty) = (at.keys, at.ids, EmptyValues(at))
        withUnsafeTemporaryAllocation(of: UnsafeRawBufferPointer.self, capacity: max(1, keyColumns.count)) { seen in
            var n = 0
            for i in keyColumns {
                let b = Self.bytes(row, i)
                guard !b.isEmpty, !empty.contains(b), !seen[0..<n].contains(where: { Self.equal($0, b) }) else {
                    continue
                }
                seen[n] = b
                n += 1
                let text = String(decoding: b, as: UTF8.self)
                if n == 1 {
                    key = text
                } else {
                    if alternates == nil {  // sized once: growing it reallocated per row
                        alternates = []
                        alternates!.reserveCapacity(keyColumns.count - 1)
                    }
                    alternates!.append(text)
                }
            }
            for i in idColumns {
                let b = Self.bytes(row, i)
                guard !b.isEmpty, !empty.contains(b) else { continue }
                if let k = seen[0..<n].firstIndex(where: { Self.equal($0, b) }) {
                    id = k == 0 ? key : alternates![k - 1]
                } else {
                    id = String(decoding: b, as: UTF8.self)
                }
                break
            }
        }
        if at.metadata >= 0 {
            for value in Self.metadataKeys(Self.bytes(row, at.metadata)) where value != key {
                if key.isEmpty { key = value } else if !(alternates ?? []).contains(value) {
                    alternates = (alternates ?? []) + [value]
                }
            }
        }
        var timeIndex = at.time
        if at.times.count > 1, Self.bytes(row, timeIndex).isEmpty {
            timeIndex = at.times.first { !Self.bytes(row, $0).isEmpty } ?? timeIndex
        }
        let settledAt = try time(row, timeIndex, field: columnName(timeIndex))
        let payoutAt = at.payoutTime >= 0 ? try time(row, at.payoutTime, field: columnName(at.payoutTime)) : nil
        var kind = SettlementKind.payment
        if at.kind >= 0 {
            let (text, found) = kindTexts.lookup(Self.bytes(row, at.kind)) { profile.kind!.kind(of: $0) }
            guard let found else {
                throw RecordError(field: profile.kind!.column, "'\(text)' is not a record type recon knows here")
            }
            kind = found
        }
        if profile.negativeIsRefund && gross.minorUnits < 0 { kind = .refund }
        var batchId: String?
        for i in at.batches {
            let b = Self.bytes(row, i)
            guard !b.isEmpty, !empty.contains(b) else { continue }
            batchId = batchTexts.lookup(b) { _ in }.0  // a file has few payouts: one string each
            break
        }
        if batchId == nil, let batch = sectionBatch { batchId = batch }
        if batchId == nil, profile.batchByDay, let day = sectionDay {
            batchId = "\(profile.name) \(day)"  // the settlement day the section covers
        }
        if batchId == nil, profile.batchByDay, let time = settledAt {
            // the day where the provider is: its time zone, or the row's own zone column
            var offset = profile.timeZoneOffsetSeconds
            if at.zone >= 0, let zone = text(row, at.zone), let seconds = Self.zoneOffsets[zone.uppercased()] {
                offset = seconds
            }
            let local = Timestamp(millisecondsSince1970: time.millisecondsSince1970 + offset * 1000)
            batchId = "\(profile.name) \(local.description.prefix(10))"
        }
        // built in one go: setting fields on a finished record copied it (every string retained)
        return SettlementRecord(
            key: key, alternateKeys: alternates, settlementId: id, provider: profile.name, gross: gross,
            fee: fee.map { Money(minorUnits: $0, currency: settlement) }, net: net, status: status,
            rawStatus: raw, settledAt: settledAt, provenance: provenance, kind: kind, batchId: batchId,
            settlementCurrency: settlement, exchangeRate: rate, payoutAt: payoutAt)
    }

    /// Credit - debit of two unsigned columns; nil when both are empty.
    func debitCredit(_ row: CSVRow, _ debit: Int, _ credit: Int, _ currency: Currency) throws(RecordError) -> Money? {
        let d = try money(row, debit, currency, required: false)
        let c = try money(row, credit, currency, required: false)
        guard d != nil || c != nil else { return nil }
        return try Self.checked(Total(c?.minorUnits ?? 0) - Total(d?.minorUnits ?? 0), currency, columnName(credit))
    }

    /// A sum or difference of a row's amounts as an amount, or a reject naming the column when
    /// it is beyond what an amount can hold.
    static func checked(_ total: Total, _ currency: Currency, _ field: String) throws(RecordError) -> Money {
        guard let money = Money(total: total, currency: currency) else {
            throw RecordError(
                field: field,
                "the amounts come to \(MinorUnits.format(total, exponent: currency.exponent)) \(currency), beyond "
                    + "what recon holds exactly (±92,233,720,368,547,758.07 in a 2-decimal currency)")
        }
        return money
    }

    /// String values of a JSON metadata object whose names hold `ref` or `order` (Adyen's
    /// `Metadata`: `{"gr4vy_tx_ref":"239460213.5", ...}`); none when the cell is not such an object.
    static func metadataKeys(_ bytes: UnsafeRawBufferPointer) -> [String] {
        guard bytes.first == UInt8(ascii: "{") else { return [] }
        return JSONValue.parsing(bytes) { root in
            root.members.compactMap { name, value -> String? in
                let lower = name.lowercased()
                guard lower.contains("ref") || lower.contains("order"), let text = value.string, !text.isEmpty,
                    !text.contains("@")
                else { return nil }
                return text
            }
        } ?? []
    }

    /// The values an id column holds for "no value" (`/`, `-`).
    struct EmptyValues {
        let values: [[UInt8]]
        let lengthMax: Int

        init(_ at: Resolved) {
            values = at.emptyValues
            lengthMax = at.emptyValueLengthMax
        }

        @inline(__always)
        func contains(_ b: UnsafeRawBufferPointer) -> Bool {
            b.count <= lengthMax && values.contains { TableAdapter.equal(b, $0) }
        }
    }

    private mutating func currency(_ row: CSVRow) throws(RecordError) -> Currency {
        switch profile.currency {
        case .fixed(let code): return Currency(code: code)!
        case .column(let column, let fallback):
            let b = Self.bytes(row, at.currency)
            if let last = lastCurrency, Self.equal(b, last.bytes) { return last.currency }
            let found = b.isEmpty ? fallback.flatMap(Currency.init(code:)) : Currency(asciiCode: b)
            guard let currency = found else {
                throw RecordError(
                    field: column, "'\(String(decoding: b, as: UTF8.self))' is not an ISO 4217 currency code")
            }
            lastCurrency = (Array(b), currency)
            return currency
        }
    }

    /// The header's name for column `index`, for messages.
    func columnName(_ index: Int) -> String { index >= 0 && index < header.count ? header[index] : "" }

    /// The amount in column `index`; nil when empty and not `required`.
    func money(_ row: CSVRow, _ index: Int, _ currency: Currency, required: Bool = true) throws(RecordError) -> Money? {
        let b = Self.bytes(row, index)
        guard !b.isEmpty else {
            if required { throw RecordError(field: columnName(index), "the amount is missing") }
            return nil
        }
        // the column's name is looked up only for a message: copying it per row was measurable
        do throws(AmountError) {
            return Money(minorUnits: try amount(b, currency), currency: currency)
        } catch {
            throw RecordError(field: columnName(index), error)
        }
    }

    /// An amount as the profile writes it: implied decimals, minor units, a decimal comma, or
    /// major units (after a currency symbol), rounded only by the profile's rule.
    func amount(_ b: UnsafeRawBufferPointer, _ currency: Currency) throws(AmountError) -> Int64 {
        if let decimals = profile.impliedDecimals {
            return try AmountParser.parseImplied(b, decimals: decimals, currency: currency, rounding: profile.rounding)
        }
        if profile.minorUnits { return try AmountParser.parseMinor(b) }
        if profile.decimalComma {
            // 1.234,56 -> 1234.56, in a copy
            var plain: [UInt8] = []
            plain.reserveCapacity(b.count)
            for byte in b where byte != UInt8(ascii: ".") {
                plain.append(byte == UInt8(ascii: ",") ? UInt8(ascii: ".") : byte)
            }
            return try Self.parseMajor(plain, currency, profile.rounding)
        }
        return try Self.parseMajor(b, currency, profile.rounding)
    }

    /// Major units after an optional currency symbol (`¥50.0`); finer than the currency only
    /// with a rounding rule.
    static func parseMajor(
        _ bytes: UnsafeRawBufferPointer, _ currency: Currency, _ rounding: RoundingRule? = nil
    ) throws(AmountError) -> Int64 {
        var b = bytes
        if let lead = b.first, lead == UInt8(ascii: "$") || lead >= 0x80 {  // ¥ ￥ $ € £
            for symbol in currencySymbols where hasPrefix(b, symbol) {
                b = UnsafeRawBufferPointer(rebasing: b[symbol.count...])
                break
            }
        }
        guard let rounding else { return try AmountParser.parseMajor(b, currency: currency) }
        return try AmountParser.parseMajor(b, currency: currency, rounding: rounding)
    }

    static func parseMajor(
        _ bytes: [UInt8], _ currency: Currency, _ rounding: RoundingRule? = nil
    ) throws(AmountError) -> Int64 {
        let result = bytes.withUnsafeBytes { b -> Result<Int64, AmountError> in
            do throws(AmountError) { return .success(try parseMajor(b, currency, rounding)) } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// A major-unit amount as these exports write it: `¥50.0`, `-1490.00`, `27`.
    static func minorUnits(_ text: String, _ currency: Currency, field: String) throws(RecordError) -> Int64 {
        try withBytes(text) { (bytes) throws(RecordError) in try minorUnits(bytes, currency, field: field) }
    }

    static func minorUnits(_ bytes: UnsafeRawBufferPointer, _ currency: Currency, field: String) throws(RecordError)
        -> Int64
    {
        do {
            return try parseMajor(bytes, currency)
        } catch {
            throw RecordError(field: field, error)
        }
    }

    static let currencySymbols: [[UInt8]] = ["¥", "￥", "$", "€", "£"].map { Array($0.utf8) }

    /// The time in column `index` (nil when empty), in the row's or the profile's time zone.
    private func time(_ row: CSVRow, _ index: Int, field column: String?) throws(RecordError) -> Timestamp? {
        guard let column, index >= 0 else { return nil }
        let b = Self.bytes(row, index)
        guard !b.isEmpty else { return nil }
        var offset = profile.timeZoneOffsetSeconds
        if at.zone >= 0, let zone = text(row, at.zone) {
            guard let seconds = Self.zoneOffsets[zone.uppercased()] else {
                throw RecordError(
                    field: profile.timeZoneColumn!, "'\(zone)' is not a time zone abbreviation recon knows")
            }
            offset = seconds
        }
        do throws(DateError) {
            if let rule = profile.europeanTime, at.zone < 0 {
                let local = try Self.timestamp(b, profile, zoneOffsetSeconds: 0)
                let seconds = rule.offsetSeconds(localMilliseconds: local.millisecondsSince1970)
                // a time written with its own offset keeps it: only wall-clock times are shifted
                return try Self.timestamp(b, profile, zoneOffsetSeconds: seconds)
            }
            return try Self.timestamp(b, profile, zoneOffsetSeconds: offset)
        } catch {
            throw RecordError(field: column, error.description)
        }
    }

    /// A time as the profile writes it: ISO dates parsed in place; `DD.MM.YYYY`, `MM/DD/YYYY`
    /// and `YYYY/MM/DD` rewritten first. `zoneOffsetSeconds` applies to times without an offset.
    static func timestamp(
        _ b: UnsafeRawBufferPointer, _ profile: TableProfile, zoneOffsetSeconds offset: Int64
    ) throws(DateError) -> Timestamp {
        let iso = !profile.dayFirstDates && !profile.monthFirstDates && !(b.count >= 5 && b[4] == UInt8(ascii: "/"))
        if iso { return try Timestamp(parsing: b, zoneOffsetSeconds: offset) }
        var text = String(decoding: b, as: UTF8.self)
        if profile.dayFirstDates || profile.monthFirstDates {
            let parts = text.split(separator: " ", maxSplits: 1)
            let date = parts[0].split(whereSeparator: { $0 == "." || $0 == "/" || $0 == "-" })
            if date.count == 3 {
                let (day, month) = profile.dayFirstDates ? (date[0], date[1]) : (date[1], date[0])
                func two(_ s: Substring) -> String { s.count == 1 ? "0" + s : String(s) }
                text = "\(date[2])-\(two(month))-\(two(day))" + (parts.count > 1 ? " \(parts[1])" : "")
            }
        }
        text = isoDate(text)
        return try withBytes(text) { (bytes) throws(DateError) in
            try Timestamp(parsing: bytes, zoneOffsetSeconds: offset)
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
                sums[key, default: 0] += Total(minor.magnitude)
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
        case .lines(let figures, _):
            for (label, f) in figures { add(label, column: f.column, values: f.values, sumColumn: f.sumColumn) }
        }
    }

    func controlTotals() -> [ControlTotal] {
        var footers = footerCounts + footerTotals
        if let column = profile.balanceColumn, balanceRows > 0 {
            footers.append(
                .count(
                    "rows whose \(column) is the previous row's plus their net", stated: balanceRows,
                    computed: balanceTies))
        }
        guard let summary = profile.summary, let currency = sumCurrency ?? firstFixedCurrency else { return footers }
        var totals: [ControlTotal] = []
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
                            totals.append(
                                .total(
                                    name, stated: Total(stated.magnitude), computed: sums[name] ?? 0, currency))
                        }
                    }
                }
            }
        case .lines(let figures, let grammar):
            for line in textLines {
                for (label, _) in figures.sorted(by: { $0.key.count > $1.key.count }) {
                    guard let (count, sum) = Self.statedCountAndSum(line, label: label, currency, grammar) else {
                        continue
                    }
                    totals.append(.count("\(label) count", stated: count, computed: counts[label] ?? 0))
                    if let sum {
                        totals.append(
                            .total("\(label) sum", stated: Total(sum), computed: sums[label] ?? 0, currency))
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

    /// The count before the grammar's count mark and the amount before its amount mark, when
    /// `line` starts with `label` (after the prefix): `收入：1笔 28.50元`, `已收入:1笔,0.01元`,
    /// `#交易合计：3笔，商家实收共0.03元` in the Chinese bills' grammar.
    static func statedCountAndSum(
        _ line: String, label: String, _ currency: Currency, _ grammar: TableProfile.LineGrammar
    ) -> (Int, Int64?)? {
        var text = Substring(line)
        while text.first == grammar.prefix { text = text.dropFirst() }
        guard text.hasPrefix(label) else { return nil }
        text = text.dropFirst(label.count)
        guard let first = text.first, grammar.separators.contains(first) else { return nil }
        text = text.dropFirst()
        guard let mark = text.firstIndex(of: grammar.countMark), let count = Int(text[..<mark].trimmingCharacters)
        else { return nil }
        let rest = text[text.index(after: mark)...]
        guard let end = rest.firstIndex(of: grammar.amountMark) else { return (count, nil) }
        var start = end
        while start > rest.startIndex, let c = rest[rest.index(before: start)].asciiValue,
            (c >= 0x30 && c <= 0x39) || c == 0x2E
        {
            start = rest.index(before: start)
        }
        let minor = try? minorUnits(String(rest[start..<end]), currency, field: label)
        return (count, minor)
    }
}

extension Substring {
    var trimmingCharacters: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
