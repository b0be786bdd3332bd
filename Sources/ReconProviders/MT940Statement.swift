public import PaymentModels
public import ReconIngest

/// SWIFT MT940 customer statements and MT942 interim reports, as banks write them (see
/// `SwiftMTReader` for the envelopes and `MT940Fields` for the fields): one record per `:61:`
/// statement line with its `:86:` information. Each statement's opening balance plus its entries
/// is checked against its closing balance. A field that breaks the grammar is a reject naming
/// its line and tag; the rest of the statement is read, and its balance then says it does not tie.
public struct MT940Statement: SettlementFormat {
    public var name: String { Self.name }
    public var description: String { Self.description }
    public var content: ContentFormat { .mt940 }

    public static let name = "mt940"
    public static let description =
        "SWIFT MT940 statements and MT942 reports (bare or in {1:}..{4: blocks, German ?20 and Dutch /EREF/ "
        + ":86: styles): one record per :61: line; opening + entries = closing checked"

    public init() {}

    /// One statement (`:20:` to `:62F:`) as it is read.
    struct Statement {
        var reference = ""
        var account: String?
        var number: String?
        var currency: Currency?
        var opening: (tag: String, amount: Money)?
        var closing: (tag: String, amount: Money)?
        /// `:64:` closing available and `:65:` forward available balances: stated, and any that
        /// cannot be read, said.
        var stated: [ControlTotal] = []
        var net: Total = 0
        var entries = 0
        var rejected = 0
        var interim = false
        var open = false

        var label: String { "Stmt \(reference)" + (number.map { " \($0)" } ?? "") }

        func controlTotals() -> [ControlTotal] {
            guard let opening, let closing else { return stated }
            var total = ControlTotal.total(
                "\(label) :\(opening.tag): + \(entries) entries = :\(closing.tag):",
                stated: Total(closing.amount.minorUnits), computed: Total(opening.amount.minorUnits) + net,
                closing.amount.currency)
            if opening.amount.currency != closing.amount.currency {
                total = ControlTotal(
                    name: total.name, stated: closing.amount.description,
                    computed: "opening in \(opening.amount.currency.code)")
            }
            return [total] + stated
        }
    }

    /// A `:61:` line waiting for its `:86:` lines.
    struct Pending {
        var line: StatementLineRead
        /// The `:86:` fields' text, lines joined with `\n`.
        var information: [UInt8] = []
    }

    enum StatementLineRead {
        case read(MT940Fields.StatementLine, Int64, Currency)
        case broken(RecordError, Int64, String)
    }

    public static func read(
        _ input: OpenedInput, path: String, stats: inout SourceStats,
        onRecord: (consuming SettlementRecord) throws -> Void, onReject: (Reject) throws -> Void
    ) throws {
        let file = SourceFile(path)
        try BankEntryReadAhead<Read>.read(
            input.source, file: file, stats: &stats, onRecord: onRecord, onReject: onReject,
            finish: { read, kept, account, provenance in
                Self.record(
                    read, information: UnsafeBufferPointer(rebasing: kept[read.information]), account: account,
                    provenance: provenance)
            }
        ) {
            try parse($0, file: file, stats: &$1, emitter: $2)
        }
    }

    /// A statement line and its information as read; the caller's thread reads the information
    /// (the heavier half) and makes the entry.
    struct Read {
        var line: MT940Fields.StatementLine
        var currency: Currency
        /// Where the `:86:` text is among the bytes the batch keeps.
        var information: Range<Int>
        var interim: Bool
    }

    /// Reads the fields on the reading thread: entries and rejects go to `emitter` in order.
    static func parse(
        _ source: any ByteSource, file: SourceFile, stats: inout SourceStats,
        emitter: BankEntryReadAhead<Read>.Emitter
    ) throws {
        let reader = SwiftMTReader(source: source)
        stats.format = "mt940"
        var statement = Statement()
        var pending: Pending?
        var controls: [ControlTotal] = []
        var anyInterim = false

        func reject(_ error: RecordError, line: Int64, raw: String) throws {
            stats.records += 1
            stats.rejected += 1
            statement.rejected += 1
            let source = Provenance(source: file, position: SourcePosition(byte: 0, line: line, record: 0))
            try emitter.emit(.reject(Reject(source: source, field: error.field, reason: error.reason, raw: raw)))
        }
        func emit() throws {
            guard let entry = pending else { return }
            pending = nil
            switch entry.line {
            case .broken(let error, let line, let raw):
                try reject(error, line: line, raw: raw)
            case .read(let line, let at, let currency):
                statement.entries += 1
                if !statement.interim {
                    statement.net += line.credit ? Total(line.minorUnits) : -Total(line.minorUnits)
                }
                stats.records += 1
                let read = Read(
                    line: line, currency: currency, information: emitter.keep(entry.information),
                    interim: statement.interim)
                try emitter.emit(.entry(read, account: statement.account, line: at))
            }
        }
        func finish() throws {
            try emit()
            if statement.open { controls += statement.controlTotals() }
            anyInterim = anyInterim || statement.interim
            statement.open = false
        }

        while let item = try reader.next() {
            guard case .field(let field) = item else {
                try finish()
                continue
            }
            var value: String { String(decoding: field.firstLine, as: UTF8.self) }
            switch field.tag {
            // the entries first: most fields are theirs
            case "61":
                try emit()
                guard let currency = statement.currency else {
                    pending = Pending(
                        line: .broken(
                            RecordError(
                                field: ":61:", "no currency: the statement has no :60F: opening balance before it"),
                            field.line, ":61:\(value)"))
                    continue
                }
                do {
                    pending = Pending(
                        line: .read(
                            try MT940Fields.statementLine(field, currency: currency), field.line, currency))
                } catch {
                    pending = Pending(line: .broken(error, field.line, ":61:\(value)"))
                }
            case "86":
                // the information of the entry before; Rabobank writes several :86: fields
                if pending != nil {
                    if pending!.information.isEmpty {
                        pending!.information = field.text
                    } else {
                        pending!.information.append(0x0A)
                        pending!.information += field.text
                    }
                    // German subfields run on over line ends: joined here, on the reading thread
                    if MT940Fields.isGerman(pending!.information) { BankBytes.removeLineEnds(&pending!.information) }
                }
            case "20":
                try finish()
                statement = Statement(reference: value.trimmed, open: true)
            case "25": statement.account = MT940Fields.text(field.text.lazy.filter { $0 != 0x0A })
            case "28C", "28": statement.number = value.trimmed
            case "34F", "13D", "13":
                statement.interim = true
                if field.tag == "34F", statement.currency == nil {
                    statement.currency = Currency(code: String(value.prefix(3)))
                }
            case "60F", "60M", "62F", "62M":
                try emit()
                do {
                    let balance = try MT940Fields.balance(value)
                    if field.tag.hasPrefix("60") {
                        statement.opening = (field.tag, balance.amount)
                        statement.currency = statement.currency ?? balance.amount.currency
                    } else {
                        statement.closing = (field.tag, balance.amount)
                    }
                } catch {
                    try reject(
                        RecordError(field: ":\(field.tag):", error.reason), line: field.line,
                        raw: ":\(field.tag):\(value)")
                }
            case "64", "65", "64F", "65F":
                try emit()
                let what = field.tag.hasPrefix("64") ? "available" : "forward available"
                if let balance = try? MT940Fields.balance(value) {
                    let d = balance.date
                    let day = "\(d.year)-\(d.month < 10 ? "0" : "")\(d.month)-\(d.day < 10 ? "0" : "")\(d.day)"
                    statement.stated.append(
                        .stated("\(statement.label) :\(field.tag): \(what) balance \(day)", balance.amount))
                } else {
                    var unreadable = ControlTotal(
                        name: "\(statement.label) :\(field.tag): \(what) balance", stated: "'\(value)'",
                        computed: "not a balance (C or D, YYMMDD, a currency, an amount)")
                    unreadable.ties = false
                    statement.stated.append(unreadable)
                }
            default:
                try emit()
            }
        }
        try finish()
        if anyInterim { stats.format = "mt942" }
        stats.controlTotals += controls
        stats.adapters[name, default: 0] += stats.records - stats.rejected
    }

    /// The settlement record of a statement line and its information, made as a `BankEntry`'s
    /// is (`BankEntry.record` of its parts) without one between: the counterparty, the original
    /// amount (`/OCMT/`) and the value date, which a record does not carry, are not made.
    static func record(
        _ read: Read, information: UnsafeBufferPointer<UInt8>, account: String?, provenance: Provenance
    ) -> SettlementRecord {
        let (line, currency) = (read.line, read.currency)
        let info = MT940Fields.information(information, counterparty: false)
        var references = info.references
        references.add(line.customerReference)
        return BankEntry.record(
            references: consume references, bankReference: line.bankReference, remittance: info.remittance,
            amount: Money(minorUnits: line.credit ? line.minorUnits : -line.minorUnits, currency: currency),
            charges: MT940Fields.supplementaryAmount("CHGS", in: line.supplementary).flatMap {
                $0.currency == currency ? $0 : nil
            },
            status: read.interim ? .pending : .settled, rawStatus: info.code ?? line.type,
            settledAt: MT940Fields.timestamp(line.entryDate ?? line.valueDate), kind: kind(line, info),
            account: account, provenance: provenance)
    }

    /// Returns and reversals take money back; charges and commissions are fees.
    static func kind(_ line: MT940Fields.StatementLine, _ info: MT940Fields.Information) -> SettlementKind {
        if line.reversal { return .chargeback }
        if info.returned || info.code == "108" || info.code == "109" || info.code == "159" { return .chargeback }
        let type = line.type  // a letter then the code: `NCHG`, `FCOM`
        if type.utf8.count == 4 && (type.hasSuffix("CHG") || type.hasSuffix("COM")) || info.code == "805"
            || info.code == "808"
        {
            return .fee
        }
        return .payment
    }
}
