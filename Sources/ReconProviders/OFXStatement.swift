public import PaymentModels
public import ReconIngest

/// OFX/QFX statements (1.x SGML and 2.x XML): bank (`STMTRS`) and credit card (`CCSTMTRS`)
/// statements, several in one file; one record per `STMTTRN`, signed by `TRNAMT` (the type does
/// not say the sign), kept by `FITID`, dated by `DTPOSTED` with its time zone. OFX states no
/// opening balance, so the ledger balance is stated, not checked.
public struct OFXStatement: SettlementFormat {
    public var name: String { Self.name }
    public var description: String { Self.description }
    public var content: ContentFormat { .ofx }

    public static let name = "ofx"
    public static let description =
        "OFX/QFX bank and credit card statements (1.x SGML, 2.x XML): one record per STMTTRN; the ledger "
        + "balance stated"

    public init() {}

    /// Nesting deeper than this is not a statement.
    static let depthMax = 64

    public static func read(
        _ input: OpenedInput, path: String, stats: inout SourceStats,
        onRecord: (consuming SettlementRecord) throws -> Void, onReject: (Reject) throws -> Void
    ) throws {
        let reader = OFXReader(source: input.source)
        let file = SourceFile(path)
        stats.format = "ofx"
        var stack: [String] = []
        var currency: Currency?
        var account: String?
        var statements = 0
        var transaction: [String: String]?
        var transactionLine: Int64 = 0
        var ledger: [String: String]?

        func provenance(_ line: Int64) -> Provenance {
            Provenance(source: file, position: SourcePosition(byte: 0, line: line, record: 0))
        }
        func finishTransaction() throws {
            guard let fields = transaction else { return }
            transaction = nil
            stats.records += 1
            do {
                let entry = try Self.entry(fields, currency: currency)
                try onRecord(entry.record(account: account, provenance: provenance(transactionLine)))
            } catch let error as RecordError {
                stats.rejected += 1
                let raw = fields.sorted { $0.key < $1.key }.map { "<\($0.key)>\($0.value)" }.joined()
                try onReject(
                    Reject(source: provenance(transactionLine), field: error.field, reason: error.reason, raw: raw))
            }
        }
        func finishStatement() {
            if let ledger, let currency, let text = ledger["BALAMT"],
                let minor = try? Self.amount(text, currency: currency)
            {
                let day =
                    ledger["DTASOF"].flatMap { try? Self.date($0) }.map { " as of \($0.description.prefix(10))" } ?? ""
                stats.controlTotals.append(
                    .stated(
                        "Stmt \(statements) \(account ?? "") LEDGERBAL\(day)",
                        Money(minorUnits: minor, currency: currency)))
            }
            ledger = nil
        }

        while let event = try reader.next() {
            switch event {
            case .start(let tag):
                if tag == "STMTTRN" {
                    try finishTransaction()  // an STMTTRN whose end tag was left out
                    transaction = [:]
                    transactionLine = reader.line
                }
                if tag == "STMTRS" || tag == "CCSTMTRS" || tag == "INVSTMTRS" {
                    try finishTransaction()
                    finishStatement()
                    statements += 1
                    (currency, account) = (nil, nil)
                }
                if tag == "LEDGERBAL" { ledger = [:] }
                stack.append(tag)
                guard stack.count <= depthMax else {
                    throw IngestError(
                        .limitExceeded, "elements nested deeper than \(depthMax)", file: path, line: reader.line)
                }
            case .end(let tag):
                // close up to the matching start (SGML leaves some aggregates open)
                if let k = stack.lastIndex(of: tag) { stack.removeSubrange(k...) }
                if tag == "STMTTRN" { try finishTransaction() }
                if tag == "STMTRS" || tag == "CCSTMTRS" || tag == "INVSTMTRS" {
                    try finishTransaction()
                    finishStatement()
                }
            case .value(let tag, let value):
                let parent = stack.last ?? ""
                if transaction != nil {
                    // PAYEE's NAME and CURRENCY's rate are the transaction's own
                    let key = parent == "STMTTRN" ? tag : "\(parent)/\(tag)"
                    if transaction![key] == nil { transaction![key] = value }
                } else if parent == "LEDGERBAL" {
                    ledger?[tag] = value
                } else if tag == "CURDEF" {
                    currency = Currency(code: value.uppercased())
                    if currency == nil {
                        throw IngestError(
                            .malformedXML, "CURDEF '\(value)' is not a currency", file: path, line: reader.line)
                    }
                } else if tag == "ACCTID", ["BANKACCTFROM", "CCACCTFROM", "INVACCTFROM"].contains(parent) {
                    account = value
                }
            }
        }
        try finishTransaction()
        finishStatement()
        if reader.header["VERSION"].map({ $0.hasPrefix("2") }) == true { stats.format = "ofx2" }
        switch reader.header["CHARSET"]?.uppercased() {
        case "1252", "WINDOWS-1252", "ISO-8859-1", "8859-1", "LATIN1": stats.declaredEncoding = .windows1252
        case "UTF-8", "UTF8": stats.declaredEncoding = .utf8
        default: break
        }
        if reader.header["ENCODING"]?.uppercased() == "UTF-8" { stats.declaredEncoding = .utf8 }
        stats.adapters[name, default: 0] += stats.records - stats.rejected
    }

    /// A transaction's fields as a bank entry.
    static func entry(_ f: [String: String], currency: Currency?) throws(RecordError) -> BankEntry {
        // CURRENCY: the amount is in that currency; ORIGCURRENCY: it was converted to CURDEF
        if let symbol = f["CURRENCY/CURSYM"], Currency(code: symbol.uppercased()) == nil {
            throw RecordError(field: "CURRENCY/CURSYM", "'\(symbol)' is not a currency")
        }
        guard let code = f["CURRENCY/CURSYM"].flatMap({ Currency(code: $0.uppercased()) }) ?? currency else {
            throw RecordError(field: "CURDEF", "the statement states no currency (CURDEF) before its transactions")
        }
        guard let text = f["TRNAMT"] else { throw RecordError(field: "TRNAMT", "the transaction has no amount") }
        let minor = try amount(text, currency: code)
        var entry = BankEntry(amount: Money(minorUnits: minor, currency: code), code: f["TRNTYPE"] ?? "")
        guard let posted = f["DTPOSTED"] else { throw RecordError(field: "DTPOSTED", "the transaction has no date") }
        do {
            entry.bookingDate = try date(posted)
            entry.valueDate = try f["DTAVAIL"].map { s throws(RecordError) in try date(s) }
        } catch {
            throw RecordError(field: f["DTAVAIL"] == nil ? "DTPOSTED" : "DTPOSTED/DTAVAIL", error.reason)
        }
        entry.bankReference = f["FITID"]
        entry.references.add(f["REFNUM"])
        entry.references.add(f["CHECKNUM"])
        let name = f["NAME"] ?? f["PAYEE/NAME"]
        let remittance = [name, f["MEMO"]].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
        entry.remittance = remittance.isEmpty ? nil : remittance
        entry.counterpartyName = name
        entry.counterpartyAccount = f["BANKACCTTO/ACCTID"]
        switch entry.code.uppercased() {
        case "FEE", "SRVCHG": entry.kind = .fee
        default: entry.kind = .payment
        }
        return entry
    }

    /// `-1.55`, `13318.36`, `+200`, `-1,55` (a decimal comma, as some banks write).
    static func amount(_ text: String, currency: Currency) throws(RecordError) -> Int64 {
        var t = text.trimmed
        if t.hasPrefix("+") { t.removeFirst() }
        if t.contains(",") && !t.contains(".") { t = t.replacing(",", with: ".") }
        do { return try AmountParser.parseMajor(t, currency: currency) } catch {
            throw RecordError(field: "TRNAMT", error)
        }
    }

    /// `YYYYMMDD[HHMMSS[.XXX]][[offset:TZ]]`, e.g. `20231115120000.000[-7:PDT]`, in UTC.
    static func date(_ text: String) throws(RecordError) -> Timestamp {
        let t = Array(text.trimmed.utf8)
        func digits(_ r: Range<Int>) -> Int64? {
            guard r.upperBound <= t.count, t[r].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
            return t[r].reduce(0) { $0 * 10 + Int64($1 - 0x30) }
        }
        guard let year = digits(0..<4), let month = digits(4..<6), let day = digits(6..<8), (1...12).contains(month),
            (1...CivilDate.daysIn(month: month, year: year)).contains(day)
        else { throw RecordError(field: "date", "'\(text)' is not a date YYYYMMDD") }
        var seconds = CivilDate.days(year: year, month: month, day: day) * 86_400
        if let h = digits(8..<10), let m = digits(10..<12) {
            let s = digits(12..<14) ?? 0
            guard h < 24, m < 60, s < 61 else { throw RecordError(field: "date", "'\(text)' is not a time HHMMSS") }
            seconds += h * 3600 + m * 60 + s
        }
        // a zone: [-7:PDT], [+5.30:IST], [0:GMT]
        if let open = t.firstIndex(of: UInt8(ascii: "[")) {
            let zone = String(
                decoding: t[(open + 1)...].prefix { $0 != UInt8(ascii: ":") && $0 != UInt8(ascii: "]") }, as: UTF8.self)
            let negative = zone.hasPrefix("-")
            let number = zone.drop { $0 == "-" || $0 == "+" }
            let parts = number.split(separator: ".", maxSplits: 1)
            guard let hours = parts.first.flatMap({ Int64($0) }), hours <= 14 else {
                throw RecordError(field: "date", "'\(text)' has no time zone offset in hours")
            }
            var minutes = hours * 60
            if parts.count == 2, let fraction = Int64(parts[1].prefix(2)) {
                minutes += parts[1].count == 1 ? fraction * 6 : fraction * 60 / 100
            }
            seconds -= (negative ? -minutes : minutes) * 60
        }
        // a zone may push year 0 or 9999 past the years recon reads
        guard Timestamp.range.contains(seconds * 1000) else {
            throw RecordError(field: "date", "'\(text)' is outside the years 0 to 9999 in UTC")
        }
        return Timestamp(millisecondsSince1970: seconds * 1000)
    }
}
