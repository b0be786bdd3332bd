public import PaymentModels
public import ReconIngest

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// BAI2 cash management files (US banks): file `01`, group `02`, account `03` with its
/// summaries, detail `16` records (one bank entry each) and `88` continuations, and the account,
/// group and file trailers `49`, `98`, `99`, whose control totals and record counts are all
/// checked. Amounts are written in the currency's minor units (implied decimals).
public struct BAI2Statement: SettlementFormat {
    public var name: String { Self.name }
    public var description: String { Self.description }
    public var content: ContentFormat { .bai2 }

    public static let name = "bai2"
    public static let description =
        "BAI2 cash management files (01/02/03/16/88/49/98/99): one record per 16 detail; account, group and "
        + "file control totals and record counts checked"

    public init() {}

    /// A record with its `88` continuations, their bytes in one buffer kept from record to
    /// record (no allocation per record).
    struct Logical {
        var code = 0
        var line: Int64 = 0
        var bytes: [UInt8] = []
        /// Where each piece (the record, then each continuation) ends in `bytes`.
        var ends: [Int] = []

        /// Set when the continuations run past `bytesMax` bytes or `piecesMax` lines: the rest
        /// is not kept (memory stays bounded, whatever the file) and the record is rejected.
        var overlong = false
        static let bytesMax = 1 << 20
        static let piecesMax = 10_000

        mutating func start(code: Int, line: Int64, _ text: BAI2RecordReader.Bytes) {
            (self.code, self.line, overlong) = (code, line, false)
            bytes.removeAll(keepingCapacity: true)
            ends.removeAll(keepingCapacity: true)
            append(text)
        }

        private mutating func fits(_ text: BAI2RecordReader.Bytes) -> Bool {
            overlong = overlong || bytes.count + text.count >= Self.bytesMax || ends.count >= Self.piecesMax
            return !overlong
        }

        mutating func append(_ text: BAI2RecordReader.Bytes) {
            guard fits(text) else { return }
            bytes += text
            ends.append(bytes.count)
        }

        /// A wrapped line goes on with the last piece after a space.
        mutating func wrap(_ text: BAI2RecordReader.Bytes) {
            guard fits(text) else { return }
            bytes.append(0x20)
            bytes += text
            ends[ends.count - 1] = bytes.count
        }

        func range(_ k: Int) -> Range<Int> { (k == 0 ? 0 : ends[k - 1])..<ends[k] }

        func piece(_ k: Int) -> ArraySlice<UInt8> { bytes[range(k)] }

        var texts: [String] { ends.indices.map { String(decoding: piece($0), as: UTF8.self) } }

        var codeText: String { code < 10 ? "0\(code)" : "\(code)" }

        /// The fields of the record and its continuations (an `88` goes on with the next field).
        var fields: [String] {
            texts.joined(separator: ",").split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
    }

    /// Totals and counts of one level (file, group, account) as read.
    struct Level {
        var label: String
        var records = 0
        var total: Total = 0
        var children = 0
        var statedChildTotals: Total = 0
        var open = true
    }

    /// Where a text is among the bytes a batch keeps (`BankEntryReadAhead.Emitter.keep`); `none`
    /// for a text the detail does not have.
    struct Span {
        // Int32: a batch keeps at most 1024 records of at most `logicalBytesMax` each
        var start: Int32 = -1
        var end: Int32 = -1

        static let none = Span()

        init() {}

        /// `range` of bytes kept from `base` on.
        init(_ range: Range<Int>, at base: Int) {
            (start, end) = (Int32(base + range.lowerBound), Int32(base + range.upperBound))
        }

        func bytes(_ kept: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? {
            start < 0 ? nil : UnsafeBufferPointer(rebasing: kept[Int(start)..<Int(end)])
        }

        func text(_ kept: UnsafeBufferPointer<UInt8>) -> String? {
            bytes(kept).map { String(decoding: $0, as: UTF8.self) }
        }
    }

    /// A `16` detail as the reading thread hands it on: its numbers, and its texts as spans of
    /// the bytes its batch keeps; the caller's thread makes them strings (`entry`), so nothing
    /// a string holds is counted or freed across the threads.
    struct Detail {
        var minor: Int64
        var currency: Currency
        var bookingDate: Timestamp?
        var valueDate: Timestamp?
        var kind: SettlementKind
        var type = Span.none
        /// The type code's value, 0-999.
        var typeCode = 0
        var bankReference = Span.none
        var customerReference = Span.none
        var eref = Span.none
        var trid = Span.none
        var remittance = Span.none
        var counterparty = Span.none

        /// The detail as a settlement record, made as a `BankEntry`'s is (the counterparty, which
        /// a record does not carry, left in the bytes).
        func record(
            kept: UnsafeBufferPointer<UInt8>, account: String?, provenance: Provenance, made: inout Made
        ) -> SettlementRecord {
            var references = KeyList(ignoring: .bank)
            references.add(trimmed: eref.bytes(kept))
            references.add(trimmed: trid.bytes(kept))
            references.add(trimmed: customerReference.bytes(kept))
            return BankEntry.record(
                references: consume references, bankReference: bankReference.text(kept)?.nilIfEmpty,
                remittance: made.remittance(remittance.bytes(kept)),
                amount: Money(minorUnits: minor, currency: currency),
                charges: nil, status: .settled, rawStatus: made.code(typeCode, type.bytes(kept)),
                settledAt: bookingDate ?? valueDate, kind: kind, account: account, provenance: provenance)
        }
    }

    /// Texts the caller's thread made for earlier details, made again only when they differ:
    /// each type code's (a file uses a few dozen) and the last remittance text (banks repeat
    /// "ACH PAYMENT" detail after detail; a text that changes costs one comparison).
    struct Made {
        private var codes = [String?](repeating: nil, count: 1000)
        private var lastRemittance: String?

        /// The type code's text as written; `code` is its value, 100-999.
        mutating func code(_ code: Int, _ bytes: UnsafeBufferPointer<UInt8>?) -> String {
            guard let bytes, bytes.count == 3 else { return bytes.map { String(decoding: $0, as: UTF8.self) } ?? "" }
            if let known = codes[code] { return known }
            let text = String(decoding: bytes, as: UTF8.self)
            codes[code] = text
            return text
        }

        /// The remittance text, nil for none or an empty one.
        mutating func remittance(_ bytes: UnsafeBufferPointer<UInt8>?) -> String? {
            guard let bytes, !bytes.isEmpty else { return nil }
            if var last = lastRemittance, last.utf8.count == bytes.count,
                last.withUTF8({ memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 })
            {
                return last
            }
            let text = String(decoding: bytes, as: UTF8.self)
            lastRemittance = text
            return text
        }
    }

    public static func read(
        _ input: OpenedInput, path: String, stats: inout SourceStats,
        onRecord: (consuming SettlementRecord) throws -> Void, onReject: (Reject) throws -> Void
    ) throws {
        let file = SourceFile(path)
        var made = Made()
        try BankEntryReadAhead<Detail>.read(
            input.source, file: file, stats: &stats, onRecord: onRecord, onReject: onReject,
            finish: { $0.record(kept: $1, account: $2, provenance: $3, made: &made) }
        ) {
            try parse($0, file: file, stats: &$1, emitter: $2)
        }
    }

    /// Reads the records on the reading thread: entries and rejects go to `emitter` in order.
    static func parse(
        _ source: any ByteSource, file: SourceFile, stats: inout SourceStats,
        emitter: BankEntryReadAhead<Detail>.Emitter
    ) throws {
        let reader = BAI2RecordReader(source: source)
        stats.format = "bai2"
        var fileLevel = Level(label: "File", open: false)
        var group = Level(label: "Group", open: false)
        var account = Level(label: "Account", open: false)
        var groupCurrency: Currency?
        var groupDate: Timestamp?
        var accountId: String?
        var accountCurrency: Currency?
        var groups = 0

        func provenance(_ line: Int64) -> Provenance {
            Provenance(source: file, position: SourcePosition(byte: 0, line: line, record: 0))
        }
        func reject(_ error: RecordError, _ record: Logical) throws {
            stats.records += 1
            stats.rejected += 1
            try emitter.emit(
                .reject(
                    Reject(
                        source: provenance(record.line), field: error.field, reason: error.reason,
                        raw: record.codeText + "," + record.texts.joined(separator: "\n88,"))))
        }
        func amount(_ text: String, field: String) throws(RecordError) -> Int64 {
            try amount(ArraySlice(text.utf8), field: field)
        }
        func amount(_ text: ArraySlice<UInt8>, field: String) throws(RecordError) -> Int64 {
            try text.withUnsafeBufferPointer { (bytes) throws(RecordError) in try amount(bytes[...], field: field) }
        }
        func amount(_ text: Slice<UnsafeBufferPointer<UInt8>>, field: String) throws(RecordError) -> Int64 {
            let trimmed = BankBytes.trimmed(text)
            if trimmed.isEmpty { return 0 }
            do {
                return try AmountParser.parseMinor(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: trimmed)))
            } catch {
                throw RecordError(field: field, error)
            }
        }
        func count(_ text: String?, field: String) throws(RecordError) -> Int {
            guard let text, let n = Int(text.trimmed) else {
                throw RecordError(field: field, "expected a number of records, found '\(text ?? "")'")
            }
            return n
        }
        func trailer(_ level: Level, stated: Total, records: Int, children: (String, Int)?) {
            let currency = accountCurrency ?? groupCurrency ?? Currency(code: "USD")!
            stats.controlTotals.append(
                .total("\(level.label) control total", stated: stated, computed: level.total, currency))
            if let (name, n) = children {
                stats.controlTotals.append(
                    .count("\(level.label) number of \(name)", stated: n, computed: level.children))
            }
            stats.controlTotals.append(
                .count("\(level.label) number of records", stated: records, computed: level.records))
        }

        func process(_ record: Logical) throws {
            if record.overlong {
                return try reject(
                    RecordError(
                        field: record.codeText,
                        "the record and its 88 continuations run over \(Logical.bytesMax) bytes or "
                            + "\(Logical.piecesMax) lines: not a BAI2 record recon reads"), record)
            }
            let f = record.code == 16 ? [] : record.fields  // a detail is read by its own cursor
            do {
                switch record.code {
                case 1:
                    fileLevel = Level(label: "File \(f.count > 4 ? f[4].trimmed : "")", records: fileLevel.records)
                case 2:
                    groups += 1
                    group = Level(label: "Group \(groups)", records: group.records)
                    groupCurrency = f.count > 5 && !f[5].trimmed.isEmpty ? Currency(code: f[5].trimmed) : nil
                    if f.count > 5, !f[5].trimmed.isEmpty, groupCurrency == nil {
                        throw RecordError(field: "02 currency", "'\(f[5])' is not a currency")
                    }
                    groupDate = f.count > 3 ? try? Self.date(f[3]) : nil
                    if let d = groupDate { group.label = "Group \(groups) \(d.description.prefix(10))" }
                case 3:
                    accountId = f.first?.trimmed
                    let code = f.count > 1 ? f[1].trimmed : ""
                    accountCurrency = code.isEmpty ? groupCurrency : Currency(code: code)
                    account = Level(label: "Account \(accountId ?? "")", records: account.records)
                    if accountCurrency == nil && !code.isEmpty {
                        throw RecordError(field: "03 currency", "'\(code)' is not a currency")
                    }
                    for (type, text) in try Self.summaries(record.texts) {
                        account.total += Total(try amount(text, field: "03 summary \(type) amount"))
                    }
                case 16:
                    let entry = try detail(record)
                    account.total += Total(entry.minor.magnitude)
                    stats.records += 1
                    try emitter.emit(.entry(entry, account: accountId, line: record.line))
                case 49:
                    trailer(
                        account, stated: Total(try amount(f.first ?? "", field: "49 control total")),
                        records: try count(f.count > 1 ? f[1] : nil, field: "49 number of records"), children: nil)
                    group.statedChildTotals += Total(try amount(f.first ?? "", field: "49 control total"))
                    group.children += 1
                    account.open = false
                case 98:
                    group.total = group.statedChildTotals
                    trailer(
                        group, stated: Total(try amount(f.first ?? "", field: "98 control total")),
                        records: try count(f.count > 2 ? f[2] : nil, field: "98 number of records"),
                        children: ("accounts", try count(f.count > 1 ? f[1] : nil, field: "98 number of accounts")))
                    fileLevel.statedChildTotals += Total(try amount(f.first ?? "", field: "98 control total"))
                    fileLevel.children += 1
                    group.open = false
                case 99:
                    fileLevel.total = fileLevel.statedChildTotals
                    trailer(
                        fileLevel, stated: Total(try amount(f.first ?? "", field: "99 control total")),
                        records: try count(f.count > 2 ? f[2] : nil, field: "99 number of records"),
                        children: ("groups", try count(f.count > 1 ? f[1] : nil, field: "99 number of groups")))
                    fileLevel.open = false
                default:
                    throw RecordError(
                        field: "record type",
                        "'\(record.codeText)' is not a BAI2 record (01, 02, 03, 16, 88, 49, 98, 99)")
                }
            } catch let error as RecordError {
                try reject(error, record)
            }
        }

        /// A `16` detail: type code, amount, funds type (and its details), bank and customer
        /// references, then text running to the end, and its continuations; read over the bytes,
        /// which the batch keeps for the detail's texts.
        func detail(_ record: Logical) throws(RecordError) -> Detail {
            guard let currency = accountCurrency ?? groupCurrency ?? Currency(code: "USD") else {
                throw RecordError(field: "16", "no currency")
            }
            return try record.bytes.withUnsafeBufferPointer { (all) throws(RecordError) in
                try detail(record, all, currency: currency)
            }
        }

        /// The detail over its bytes (`all`: the record's and its continuations'): no string
        /// and no reference counting per field.
        func detail(
            _ record: Logical, _ all: UnsafeBufferPointer<UInt8>, currency: Currency
        ) throws(RecordError) -> Detail {
            // fields over the bytes: a cursor to the next comma
            var bytes = all[record.range(0)]
            var at = bytes.startIndex
            var piece = 0
            func field() -> Slice<UnsafeBufferPointer<UInt8>> {
                let end = BankBytes.index(of: UInt8(ascii: ","), in: all, at..<bytes.endIndex) ?? bytes.endIndex
                defer { at = min(end + 1, bytes.endIndex) }
                return BankBytes.trimmed(bytes[at..<end])
            }
            let type = field()
            guard let code = BankBytes.number(type) else {
                throw RecordError(
                    field: "16 type code", "expected a three-digit type code, found '\(BankBytes.text(type))'")
            }
            let credit: Bool
            switch code {
            case 100...399, 900...959: credit = true
            case 400...699, 960...999: credit = false
            default:
                throw RecordError(
                    field: "16 type code",
                    "\(BankBytes.text(type)) is not a credit (100-399) or debit (400-699) detail code")
            }
            let minor = try amount(field(), field: "16 amount")
            let funds = field()
            var valueDate: Timestamp?
            switch funds.count == 1 ? funds[funds.startIndex] & 0xDF : 0 {  // the letter in upper case
            case UInt8(ascii: "S"): for _ in 0..<3 { _ = field() }
            case UInt8(ascii: "V"):
                valueDate = try? MT940Fields.timestamp(MT940Fields.date(ArraySlice(field()), field: "date"))
                _ = field()
            case UInt8(ascii: "D"):
                let n = BankBytes.number(field()) ?? 0
                guard (0...1000).contains(n) else { throw RecordError(field: "16 funds type", "\(n) distributions") }
                for _ in 0..<(2 * n) { _ = field() }
            default: break
            }
            if at >= bytes.endIndex, record.ends.count > 1 {
                // the detail ended after its funds type (`/`): its 88 goes on with the references
                // and the text (the X9 BTRS version 3 samples)
                piece = 1
                bytes = all[record.range(1)]
                at = bytes.startIndex
            }
            let kept = emitter.keep(all)
            let span = { (text: Slice<UnsafeBufferPointer<UInt8>>) in
                Span(text.startIndex..<text.endIndex, at: kept.lowerBound)
            }
            var detail = Detail(
                minor: credit ? minor : -minor, currency: currency, bookingDate: groupDate, valueDate: valueDate,
                kind: .payment)
            detail.type = span(type)
            detail.typeCode = code
            detail.bankReference = span(field())
            detail.customerReference = span(field())
            let text = BankBytes.trimmed(bytes[at...])
            detail.remittance = span(text)
            // `EREF: 1111`, `TRID:RP123`: tagged continuation lines (Goldman Sachs, Citi); the
            // first of each tag recon uses; the others are more text
            var (remi, debtor, creditor) = (Span.none, Span.none, Span.none)
            var joined: [UInt8]?
            var returned = BankBytes.containsIgnoringCase(text, "RETURN")
            for k in (piece + 1)..<record.ends.count {
                let line = BankBytes.trimmed(all[record.range(k)])
                if let colon = line.prefix(6).firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex,
                    line[..<colon].allSatisfy({ ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) })
                {
                    let name = line[..<colon]
                    let value = { span(BankBytes.trimmed(line[(colon + 1)...])) }
                    if BankBytes.equals(name, "EREF") {
                        if detail.eref.start < 0 { detail.eref = value() }
                    } else if BankBytes.equals(name, "TRID") {
                        if detail.trid.start < 0 { detail.trid = value() }
                    } else if BankBytes.equals(name, "REMI") {
                        if remi.start < 0 { remi = value() }
                    } else if BankBytes.equals(name, "DBNM") {
                        if debtor.start < 0 { debtor = value() }
                    } else if BankBytes.equals(name, "CRNM") {
                        if creditor.start < 0 { creditor = value() }
                    }
                } else if !line.isEmpty {
                    // the text and its untagged continuations, joined with spaces
                    if joined == nil { joined = Array(text) }
                    if !joined!.isEmpty { joined!.append(0x20) }
                    joined! += line
                    returned = returned || BankBytes.containsIgnoringCase(line, "RETURN")
                }
            }
            if remi.start >= 0 {
                detail.remittance = remi
            } else if let joined {
                let range = emitter.keep(joined)
                detail.remittance = Span(0..<joined.count, at: range.lowerBound)
            }
            detail.counterparty = debtor.start >= 0 ? debtor : creditor
            if code == 555 || code == 557 || returned { detail.kind = .chargeback }
            if code == 661 || code == 698 { detail.kind = .fee }
            return detail
        }

        var pending = Logical()
        var hasPending = false
        while let physical = try reader.next() {
            if physical.code == 88 || physical.code == 0 {
                guard hasPending else {
                    var orphan = Logical()
                    orphan.start(code: 88, line: physical.line, physical.text)
                    try reject(RecordError(field: "88", "a continuation with no record before it"), orphan)
                    continue
                }
                // an 88 is a record of its own in the counts; a wrapped line is not
                if physical.code == 88 { pending.append(physical.text) } else { pending.wrap(physical.text) }
            } else {
                if hasPending { try process(pending) }
                // a header opens its level, and is counted in it
                switch physical.code {
                case 1: fileLevel = Level(label: "File")
                case 2: group = Level(label: "Group")
                case 3: account = Level(label: "Account")
                default: break
                }
                pending.start(code: physical.code, line: physical.line, physical.text)
                hasPending = true
            }
            guard physical.code != 0 else { continue }
            if fileLevel.open { fileLevel.records += 1 }
            if group.open { group.records += 1 }
            if account.open { account.records += 1 }
        }
        if hasPending { try process(pending) }
        for (level, trailer) in [(account, "49"), (group, "98"), (fileLevel, "99")] where level.open {
            var missing = ControlTotal(
                name: "\(level.label) trailer \(trailer)", stated: "missing", computed: "\(level.records) records")
            missing.ties = false
            stats.controlTotals.append(missing)
        }
        stats.adapters[name, default: 0] += stats.records - stats.rejected
    }

    /// `YYMMDD` as a day.
    static func date(_ text: String) throws(RecordError) -> Timestamp {
        let d = try MT940Fields.date(ArraySlice(text.trimmed.utf8), field: "date")
        return MT940Fields.timestamp(d)
    }

    /// The summaries of an `03` record and its continuations, as (type code, amount): each a
    /// type code, an amount, an item count, a funds type and the funds type's details (`S`: three
    /// amounts, `V`: a date and a time, `D`: a count and that many day-amount pairs). A record may
    /// end inside a summary (its `88` goes on with it); an empty field left before the `/` where a
    /// type code would start is none (`015,35217175,,,/`).
    static func summaries(_ pieces: [String]) throws(RecordError) -> [(String, String)] {
        var out: [(String, String)] = []
        var slot = 0  // 0 type, 1 amount, 2 count, 3 funds type, 4 funds details
        var details = 0
        var distributions = false
        for (p, piece) in pieces.enumerated() {
            let fields = piece.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmed }
            for (k, field) in fields.enumerated().dropFirst(p == 0 ? 2 : 0) {
                switch slot {
                case 0:
                    if field.isEmpty && k == fields.count - 1 { continue }
                    out.append((field, ""))
                    slot = 1
                case 1:
                    out[out.count - 1].1 = field
                    slot = 2
                case 2: slot = 3
                case 3:
                    switch field.uppercased() {
                    case "S": details = 3
                    case "V": details = 2
                    case "D": (details, distributions) = (1, true)
                    default: details = 0
                    }
                    slot = details > 0 ? 4 : 0
                default:
                    if distributions {
                        guard let n = Int(field), (0...1000).contains(n) else {
                            throw RecordError(
                                field: "03 funds type D", "expected a number of distributions, found '\(field)'")
                        }
                        (details, distributions) = (2 * n + 1, false)
                    }
                    details -= 1
                    if details == 0 { slot = 0 }
                }
            }
        }
        return out.filter { !$0.0.isEmpty || !$0.1.isEmpty }
    }
}
