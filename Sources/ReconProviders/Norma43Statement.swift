public import PaymentModels
public import ReconIngest

/// Spanish banks' AEB/CSB Norma 43 (Cuaderno 43) statements: fixed-width records of 80
/// characters (or shorter, unpadded): `11` account header with the opening balance, `22`
/// movements with their `23` concepts and `24` original currency, `33` account trailer with
/// the counts and sums of debits and credits and the closing balance, `88` file trailer with
/// the number of records. One record per `22`; every total of `33` and `88` is checked, and a
/// file without them is reported as cut short.
public struct Norma43Statement: SettlementFormat {
    public var name: String { Self.name }
    public var description: String { Self.description }
    public var content: ContentFormat { .norma43 }

    public static let name = "norma43"
    public static let description =
        "AEB/CSB Norma 43 statements (11/22/23/24/33/88): one record per 22 movement; the 33 counts, sums "
        + "and closing balance and the 88 record count checked"

    public init() {}

    /// ISO 4217 numeric codes of the currencies Spanish banks report in.
    static let numericCurrencies: [String: String] = [
        "978": "EUR", "840": "USD", "826": "GBP", "756": "CHF", "392": "JPY", "124": "CAD", "036": "AUD",
        "752": "SEK", "578": "NOK", "208": "DKK", "985": "PLN", "203": "CZK", "348": "HUF", "946": "RON",
        "484": "MXN", "986": "BRL", "156": "CNY", "504": "MAD", "032": "ARS", "152": "CLP", "170": "COP",
        "604": "PEN", "949": "TRY",
    ]

    /// One account (`11` to `33`) as it is read.
    struct Account {
        var label: String
        var currency: Currency
        var opening: Int64
        var debits = 0, credits = 0
        var debitSum: Total = 0, creditSum: Total = 0
        var closed = false
    }

    public static func read(
        _ input: OpenedInput, path: String, stats: inout SourceStats,
        onRecord: (consuming SettlementRecord) throws -> Void, onReject: (Reject) throws -> Void
    ) throws {
        let lines = LineReader(source: input.source)
        let file = SourceFile(path)
        stats.format = "norma43"
        var account: Account?
        var pending: (entry: BankEntry, line: Int64, concepts: [String])?
        var records = 0
        var fileEnded = false

        func provenance(_ line: Int64) -> Provenance {
            Provenance(source: file, position: SourcePosition(byte: 0, line: line, record: 0))
        }
        func emit() throws {
            guard let done = pending else { return }
            pending = nil
            var entry = done.entry
            let text = done.concepts.map(\.trimmed).filter { !$0.isEmpty }.joined(separator: " ")
            entry.remittance = text.isEmpty ? nil : text
            stats.records += 1
            try onRecord(
                entry.record(
                    account: account.map { String($0.label.dropFirst("Account ".count)) },
                    provenance: provenance(done.line)))
        }
        func close() {
            guard let done = account, !done.closed else { return }
            var missing = ControlTotal(
                name: "\(done.label) trailer 33", stated: "missing", computed: "\(done.debits + done.credits) movements"
            )
            missing.ties = false
            stats.controlTotals.append(missing)
            account = nil
        }

        while let raw = try lines.next() {
            let text = String(decoding: raw.filter { $0 != 0x1A }, as: UTF8.self)
            let b = Array(text.utf8)
            if b.allSatisfy({ $0 == 0x20 }) { continue }
            records += 1
            let line = lines.line
            let code = String(decoding: b.prefix(2), as: UTF8.self)
            do {
                switch code {
                case "11":
                    try emit()
                    close()
                    let f = try Fields(b, line: "11", widths: [2, 4, 4, 10, 6, 6, 1, 14, 3])
                    guard let alpha = numericCurrencies[f[8]], let currency = Currency(code: alpha) else {
                        throw RecordError(
                            field: "11 currency", "'\(f[8])' is not an ISO 4217 currency number recon knows")
                    }
                    let opening = try f.amount(7, currency: currency)
                    account = Account(
                        label: "Account \(f[1]) \(f[2]) \(f[3])", currency: currency,
                        opening: try f.debitCredit(6) ? -opening : opening)
                case "22":
                    try emit()
                    guard let current = account else {
                        throw RecordError(field: "22", "a movement before any 11 account header")
                    }
                    let f = try Fields(b, line: "22", widths: [2, 4, 4, 6, 6, 2, 3, 1, 14, 10, 12, 16])
                    let minor = try f.amount(8, currency: current.currency)
                    let debit = try f.debitCredit(7)
                    account!.debits += debit ? 1 : 0
                    account!.credits += debit ? 0 : 1
                    if debit { account!.debitSum += Total(minor) } else { account!.creditSum += Total(minor) }
                    var entry = BankEntry(
                        amount: Money(minorUnits: debit ? -minor : minor, currency: current.currency),
                        code: "\(f[5])/\(f[6])")
                    entry.bookingDate = try f.date(3)
                    entry.valueDate = try f.date(4)
                    for reference in [f[11], f[10]] where !reference.allSatisfy({ $0 == "0" }) {
                        entry.references.add(reference)
                    }
                    entry.bankReference = f[9].allSatisfy { $0 == "0" } ? nil : f[9]
                    // common concepts: 14 returns and unpaid items, 17 interest, fees and charges
                    entry.kind = f[5] == "14" ? .chargeback : f[5] == "17" ? .fee : .payment
                    pending = (entry, line, [])
                case "23":
                    guard pending != nil else {
                        throw RecordError(field: "23", "a concept with no 22 movement before it")
                    }
                    pending!.concepts.append(String(decoding: b.dropFirst(4), as: UTF8.self))
                case "24":
                    guard pending != nil else {
                        throw RecordError(field: "24", "an equivalence with no 22 movement before it")
                    }
                    let f = try Fields(b, line: "24", widths: [2, 2, 3, 14])
                    if let alpha = numericCurrencies[f[2]], let currency = Currency(code: alpha) {
                        pending!.entry.originalAmount = Money(
                            minorUnits: try f.amount(3, currency: currency), currency: currency)
                    }
                case "33":
                    try emit()
                    guard let done = account else {
                        throw RecordError(field: "33", "an account trailer with no 11 header")
                    }
                    let f = try Fields(b, line: "33", widths: [2, 4, 4, 10, 5, 14, 5, 14, 1, 14, 3])
                    let label = done.label
                    let c = done.currency
                    stats.controlTotals += [
                        .count("\(label) 33 number of debits", stated: try f.int(4), computed: done.debits),
                        .total(
                            "\(label) 33 total debits", stated: Total(try f.amount(5, currency: c)),
                            computed: done.debitSum, c),
                        .count("\(label) 33 number of credits", stated: try f.int(6), computed: done.credits),
                        .total(
                            "\(label) 33 total credits", stated: Total(try f.amount(7, currency: c)),
                            computed: done.creditSum, c),
                    ]
                    let closing = try f.amount(9, currency: c)
                    stats.controlTotals.append(
                        .total(
                            "\(label) opening + credits - debits = 33 closing balance",
                            stated: Total(try f.debitCredit(8) ? -closing : closing),
                            computed: Total(done.opening) + done.creditSum - done.debitSum, c))
                    account!.closed = true
                    account = nil
                case "88":
                    try emit()
                    close()
                    let f = try Fields(b, line: "88", widths: [2, 18, 6])
                    // the records before the 88
                    stats.controlTotals.append(
                        .count("File 88 number of records", stated: try f.int(2), computed: records - 1))
                    fileEnded = true
                default:
                    throw RecordError(field: "record", "'\(code)' is not a Norma 43 record (11, 22, 23, 24, 33, 88)")
                }
            } catch let error as RecordError {
                stats.records += 1
                stats.rejected += 1
                try onReject(Reject(source: provenance(line), field: error.field, reason: error.reason, raw: text))
            }
        }
        try emit()
        close()
        if !fileEnded {
            var missing = ControlTotal(
                name: "File trailer 88 (the file may be cut short)", stated: "missing", computed: "\(records) records")
            missing.ties = false
            stats.controlTotals.append(missing)
        }
        stats.adapters[name, default: 0] += stats.records - stats.rejected
    }

    /// A fixed-width record cut into its fields (a short, unpadded record is padded with blanks).
    struct Fields {
        var values: [String]
        let record: String

        init(_ bytes: [UInt8], line record: String, widths: [Int]) throws(RecordError) {
            self.record = record
            var padded = bytes
            let total = widths.reduce(0, +)
            if padded.count < total { padded += [UInt8](repeating: 0x20, count: total - padded.count) }
            var at = 0
            values = widths.map { w in
                defer { at += w }
                return String(decoding: padded[at..<(at + w)], as: UTF8.self).trimmed
            }
        }

        subscript(_ i: Int) -> String { values[i] }

        func int(_ i: Int) throws(RecordError) -> Int {
            guard let n = Int(values[i]), n >= 0 else {
                throw RecordError(field: "\(record) field \(i + 1)", "expected a number, found '\(values[i])'")
            }
            return n
        }

        /// Amounts are whole minor units, 14 digits.
        func amount(_ i: Int, currency: Currency) throws(RecordError) -> Int64 {
            guard !values[i].isEmpty, values[i].allSatisfy(\.isASCII), values[i].allSatisfy(\.isNumber),
                let n = Int64(values[i])
            else {
                throw RecordError(field: "\(record) amount", "expected 14 digits, found '\(values[i])'")
            }
            return n
        }

        /// `1` debit, `2` credit.
        func debitCredit(_ i: Int) throws(RecordError) -> Bool {
            switch values[i] {
            case "1": return true
            case "2": return false
            default:
                throw RecordError(
                    field: "\(record) debit/credit", "expected 1 (debit) or 2 (credit), found '\(values[i])'")
            }
        }

        func date(_ i: Int) throws(RecordError) -> Timestamp {
            MT940Fields.timestamp(try MT940Fields.date(ArraySlice(values[i].utf8), field: "\(record) date"))
        }
    }
}
