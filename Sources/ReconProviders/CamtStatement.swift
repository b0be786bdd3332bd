public import PaymentModels
public import ReconIngest

/// ISO 20022 bank-to-customer messages: camt.052 (account report, intraday), camt.053
/// (statement) and camt.054 (debit/credit notification), versions 001.02 to 001.13 and the
/// banks' variants, streamed through `XMLReader` one entry at a time.
///
/// Each entry (`Ntry`) becomes one record, or one per transaction detail (`TxDtls`) when a
/// batch booking lists them with their amounts. Amounts are signed by `CdtDbtInd` (a detail
/// without its own inherits the entry's); `RvslInd` marks a reversal; `PDNG` and `INFO`
/// entries are kept as pending. The statement's own totals (`TxsSummry`) and its balances
/// (opening + booked credits - booked debits = closing) are checked as control totals.
public struct CamtStatement: SettlementFormat {
    public var name: String { Self.name }
    public var description: String { Self.description }
    public var content: ContentFormat { .xml }
    public func recognizes(xmlRoot root: String, namespace: String?) -> Bool {
        Self.recognizes(root: root, namespace: namespace)
    }
    public func read(
        xml reader: XMLReader, path: String, namespace: String?, stats: inout SourceStats,
        onRecord: (consuming SettlementRecord) throws -> Void, onReject: (Reject) throws -> Void
    ) throws {
        try Self.read(reader, path: path, namespace: namespace, stats: &stats, onRecord: onRecord, onReject: onReject)
    }

    public static let name = "camt"
    public static let description =
        "ISO 20022 camt.052 / camt.053 / camt.054 XML (001.02 to 001.13): one record per entry or "
        + "per transaction detail; TxsSummry and balances checked"

    /// Message element under `Document` -> (its statement block, the message type).
    static let messages: [String: (block: String, type: String)] = [
        "BkToCstmrAcctRpt": ("Rpt", "camt.052"),
        "BkToCstmrStmt": ("Stmt", "camt.053"),
        "BkToCstmrDbtCdtNtfctn": ("Ntfctn", "camt.054"),
    ]

    /// True when `namespace` or the root element says this is a camt message.
    public static func recognizes(root: String, namespace: String?) -> Bool {
        root == "Document" && (namespace ?? "").contains("camt.05")
    }

    /// Reads a camt document whose `Document` start the reader has just returned.
    static func read(
        _ reader: XMLReader, path: String, namespace: String?, stats: inout SourceStats,
        onRecord: (consuming SettlementRecord) throws -> Void, onReject: (Reject) throws -> Void
    ) throws {
        // urn:iso:std:iso:20022:tech:xsd:camt.053.001.02 -> camt.053.001.02
        stats.format = namespace.flatMap { $0.split(separator: ":").last.map(String.init) } ?? "camt"
        let parts = stats.format.split(separator: ".")
        if parts.count == 4, parts[2] == "001", let version = Int(parts[3]), !(2...13).contains(version) {
            return try SettlementSourceReader.rejectFile(
                "\(stats.format) is not a camt version recon reads (001.02 to 001.13)", path: path, stats: &stats,
                onReject: onReject, line: reader.line)
        }
        let file = SourceFile(path)
        var block: Block?
        var blockName = ""
        var blocks = 0
        func finish() {
            guard let done = block else { return }
            stats.controlTotals += done.controlTotals()
            block = nil
        }
        while let name = try reader.nextStart() {
            let parent = reader.stack.count >= 2 ? reader.stack[reader.stack.count - 2] : ""
            if let message = messages[name] {
                blockName = message.block
                if !stats.format.hasPrefix("camt") { stats.format = message.type }
                continue
            }
            if name == blockName {
                finish()
                blocks += 1
                block = Block(label: "\(blockName) \(blocks)")
                continue
            }
            guard block != nil, parent == blockName else { continue }
            switch name {
            case "Id": block!.label = "\(blockName) \(try reader.readElement().trimmedText)"
            case "Acct": block!.account(try reader.readElement())
            case "Bal": block!.balances.append(try reader.readElement())
            case "TxsSummry": block!.summary = try reader.readElement()
            case "Ntry":
                let entry = try reader.readElement()
                do {
                    for record in try block!.records(entry, source: file) {
                        stats.records += 1
                        try onRecord(record)
                    }
                } catch let error as RecordError {
                    stats.records += 1
                    stats.rejected += 1
                    let source = Provenance(
                        source: file, position: SourcePosition(byte: 0, line: entry.line, record: 0))
                    try onReject(Reject(source: source, field: error.field, reason: error.reason, raw: "<Ntry>"))
                }
            default: break
            }
        }
        finish()
        stats.adapters[name, default: 0] += stats.records - stats.rejected
    }

    /// One statement, report or notification: its account, balances, summary and tallies.
    struct Block {
        var label: String
        var iban: String?
        var currency: Currency?
        var balances: [XMLElement] = []
        var summary: XMLElement?
        /// Per currency: entries and their sums, all and booked only.
        var tallies: [Currency: Tally] = [:]
        /// Batch entries split into details that each state an amount, and how many of them
        /// add up (the details' signed sum is the entry's signed amount).
        var batchEntries = 0, batchEntriesAddingUp = 0

        struct Tally {
            var credits = 0, debits = 0
            var creditSum: Total = 0, debitSum: Total = 0
            var bookedNet: Total = 0
            /// The booked net per value date (days since 1970; `Int64.min`: no value date), for
            /// banks whose closing balance counts entries by value date (PostFinance).
            var bookedNetByValueDay: [Int64: Total] = [:]

            /// Counts an entry of `minor` units as written (unsigned) by its indicator.
            mutating func add(_ minor: Int64, credit: Bool, booked: Bool) {
                if credit {
                    credits += 1
                    creditSum += Total(minor)
                } else {
                    debits += 1
                    debitSum += Total(minor)
                }
                if booked { bookedNet += credit ? Total(minor) : -Total(minor) }
            }
        }

        mutating func account(_ acct: XMLElement) {
            iban = acct.text("Id", "IBAN") ?? acct.text("Id", "Othr", "Id")
            currency = acct.text("Ccy").flatMap(Currency.init(code:))
        }

        /// The entry's records, tallied for the control totals.
        mutating func records(_ entry: XMLElement, source: SourceFile) throws(RecordError) -> [SettlementRecord] {
            let amount = try Self.money(entry.child("Amt"), field: "Ntry/Amt")
            let credit = try Self.isCredit(entry.text("CdtDbtInd"), field: "Ntry/CdtDbtInd")
            let rawStatus = entry.text("Sts", "Cd") ?? entry.text("Sts") ?? ""
            let reversal = entry.text("RvslInd")?.lowercased() == "true"
            // tallied in place: a tally taken out and put back could copy its day table per entry
            tallies[amount.currency, default: Tally()].add(
                amount.minorUnits, credit: credit, booked: rawStatus == "BOOK")

            var status: SettlementStatus =
                switch rawStatus {
                case "BOOK": .settled
                case "PDNG", "INFO", "FUTR": .pending
                default: .unknown
                }
            if reversal { status = .reversed }
            let booked = try Self.date(entry.child("BookgDt"), field: "Ntry/BookgDt")
            let fee = try Self.charges(entry, currency: amount.currency)
            let entryId = entry.text("AcctSvcrRef") ?? entry.text("NtryRef")
            let details = entry.children("NtryDtls").flatMap { $0.children("TxDtls") }
            let valueDate = try Self.date(entry.child("ValDt"), field: "Ntry/ValDt")
            if rawStatus == "BOOK" {
                let day = valueDate?.daysSince1970 ?? Int64.min
                tallies[amount.currency, default: Tally()].bookedNetByValueDay[day, default: 0] +=
                    credit ? Total(amount.minorUnits) : -Total(amount.minorUnits)
            }
            func make(
                _ gross: Money, _ keys: KeyList, _ id: String?, _ line: Int64, fee: Money?, detail: XMLElement? = nil
            ) -> SettlementRecord {
                let code = Self.transactionCode(detail: detail, entry: entry)
                let ustrd = (detail ?? entry).children("RmtInf").flatMap { $0.children("Ustrd") }.map(\.trimmedText)
                // made as a `BankEntry`'s record is, from its parts; the other party (`RltdPties`)
                // is not looked up: a record does not carry it
                return BankEntry.record(
                    references: keys, bankReference: id,
                    remittance: ustrd.isEmpty ? entry.text("AddtlNtryInf") : ustrd.joined(separator: " "),
                    amount: gross, charges: fee, status: status,
                    rawStatus: reversal ? "\(rawStatus) reversal" : rawStatus, settledAt: booked ?? valueDate,
                    kind: Self.kind(code: code, reversal: reversal), account: iban,
                    provenance: Provenance(source: source, position: SourcePosition(byte: 0, line: line, record: 0)))
            }
            let signed = { (m: Money) in credit ? m : -m }
            // one record per detail when each detail says its amount (or there is just one)
            let amounts = try details.map { detail throws(RecordError) in
                try Self.detailAmount(detail)
            }
            if !details.isEmpty && (details.count == 1 || amounts.allSatisfy { $0 != nil }) {
                let records = try details.indices.map { k throws(RecordError) in
                    let detail = details[k]
                    // an entry's only detail takes the entry's booked amount and direction
                    // (PostFinance books a DBIT entry over a detail marked CRDT); the details of a
                    // batch each carry their own, or inherit the entry's
                    let detailCredit =
                        details.count == 1
                        ? credit
                        : try detail.text("CdtDbtInd").map { c throws(RecordError) in
                            try Self.isCredit(c, field: "TxDtls/CdtDbtInd")
                        } ?? credit
                    let gross = details.count == 1 ? amount : amounts[k] ?? amount
                    let keys = Self.keys(detail: detail, entry: entry)
                    let id =
                        detail.text("Refs", "AcctSvcrRef") ?? entryId.map { details.count > 1 ? "\($0)/\(k + 1)" : $0 }
                    return make(
                        detailCredit ? gross : -gross, keys, id, detail.line,
                        fee: details.count == 1 ? fee : try Self.charges(detail, currency: gross.currency),
                        detail: detail)
                }
                if details.count > 1 {
                    batchEntries += 1
                    var sum: Int64? = 0
                    for r in records {
                        guard r.gross.currency == amount.currency, let s = sum else {
                            sum = nil
                            break
                        }
                        sum =
                            s.addingReportingOverflow(r.gross.minorUnits).overflow
                            ? nil
                            : s + r.gross.minorUnits
                    }
                    if sum == signed(amount).minorUnits { batchEntriesAddingUp += 1 }
                }
                return records
            }
            return [make(signed(amount), Self.keys(entry: entry, details: details), entryId, entry.line, fee: fee)]
        }

        /// The kind by the bank transaction code (ISO 20022 external code sets), the detail's
        /// before the entry's: charges and fees are fees; returns and reversals of a transfer or
        /// a direct debit, and any entry marked as a reversal, take money back (chargebacks);
        /// everything else is a payment.
        static func kind(code: String?, reversal: Bool) -> SettlementKind {
            if reversal { return .chargeback }
            switch code {
            case "CHRG", "FEES", "COMM": return .fee
            case "RRTN", "UPDD", "PRDD", "RPCR": return .chargeback
            default: return .payment
            }
        }

        /// The bank transaction code: the ISO sub-family code (the detail's, else the entry's),
        /// else the bank's proprietary code.
        static func transactionCode(detail: XMLElement?, entry: XMLElement) -> String? {
            detail?.text("BkTxCd", "Domn", "Fmly", "SubFmlyCd") ?? entry.text("BkTxCd", "Domn", "Fmly", "SubFmlyCd")
                ?? detail?.text("BkTxCd", "Prtry", "Cd") ?? entry.text("BkTxCd", "Prtry", "Cd")
        }

        /// Matching keys of a detail, most specific first (after OCA's precedence): the
        /// structured creditor reference, end-to-end id, transaction and instruction ids, the
        /// bank's references, then the unstructured remittance text.
        static func keys(detail: XMLElement, entry: XMLElement) -> KeyList {
            var keys = KeyList(ignoring: .notProvided)
            func add(_ value: String?) { keys.add(value) }
            let remittance = detail.child("RmtInf")
            for strd in remittance?.children("Strd") ?? [] { add(strd.text("CdtrRefInf", "Ref")) }
            if let refs = detail.child("Refs") {
                add(refs.text("EndToEndId"))
                add(refs.text("TxId"))
                add(refs.text("InstrId"))
                add(refs.text("PmtInfId"))
                add(refs.text("MsgId"))
                add(refs.text("AcctSvcrRef"))
            }
            add(entry.text("AcctSvcrRef"))
            add(entry.text("NtryRef"))
            for text in remittance?.children("Ustrd") ?? [] { add(text.trimmedText) }
            return keys
        }

        /// Keys of an entry read as one record: a structured reference of its only detail,
        /// the batch's payment information id, then the bank's references.
        static func keys(entry: XMLElement, details: [XMLElement]) -> KeyList {
            var keys = KeyList(ignoring: .notProvided)
            func add(_ value: String?) { keys.add(value) }
            for btch in entry.children("NtryDtls").compactMap({ $0.child("Btch") }) { add(btch.text("PmtInfId")) }
            add(entry.text("AcctSvcrRef"))
            add(entry.text("NtryRef"))
            add(entry.text("AddtlNtryInf"))
            for detail in details { for key in Self.keys(detail: detail, entry: entry).values { add(key) } }
            return keys
        }

        static func detailAmount(_ detail: XMLElement) throws(RecordError) -> Money? {
            if let amt = detail.child("Amt") { return try money(amt, field: "TxDtls/Amt") }
            if let amt = detail.path("AmtDtls", "TxAmt", "Amt") {
                return try money(amt, field: "TxDtls/AmtDtls/TxAmt/Amt")
            }
            return nil
        }

        /// Charges in the entry's currency: `TtlChrgsAndTaxAmt`, else the sum of the records
        /// (`Rcrd/Amt`, or `Amt` directly in 001.02).
        static func charges(_ element: XMLElement, currency: Currency) throws(RecordError) -> Money? {
            var total: Total?
            for chrgs in element.children("Chrgs") {
                if let amt = chrgs.child("TtlChrgsAndTaxAmt") {
                    let m = try money(amt, field: "Chrgs/TtlChrgsAndTaxAmt")
                    if m.currency == currency { total = (total ?? 0) + Total(m.minorUnits) }
                    continue
                }
                for amt in chrgs.children("Rcrd").compactMap({ $0.child("Amt") }) + chrgs.children("Amt") {
                    let m = try money(amt, field: "Chrgs/Amt")
                    if m.currency == currency { total = (total ?? 0) + Total(m.minorUnits) }
                }
            }
            guard let total else { return nil }
            guard let charges = Money(total: total, currency: currency) else {
                throw RecordError(field: "Chrgs", "the charges come to more than recon holds exactly")
            }
            return charges
        }

        static func money(_ amt: XMLElement?, field: String) throws(RecordError) -> Money {
            guard let amt else { throw RecordError(field: field, "the amount is missing") }
            guard let code = amt.attribute("Ccy"), let currency = Currency(code: code) else {
                throw RecordError(
                    field: field, "the amount has no known currency (Ccy='\(amt.attribute("Ccy") ?? "")')")
            }
            do {
                return Money(
                    minorUnits: try AmountParser.parseMajor(amt.trimmedText, currency: currency), currency: currency)
            } catch {
                throw RecordError(field: field, error)
            }
        }

        static func isCredit(_ indicator: String?, field: String) throws(RecordError) -> Bool {
            switch indicator {
            case "CRDT": return true
            case "DBIT": return false
            default: throw RecordError(field: field, "expected CRDT or DBIT, found '\(indicator ?? "")'")
            }
        }

        static func date(_ element: XMLElement?, field: String) throws(RecordError) -> Timestamp? {
            guard let text = element?.text("Dt") ?? element?.text("DtTm") else { return nil }
            do { return try Timestamp(parsing: text) } catch { throw RecordError(field: field, error.description) }
        }

        /// TxsSummry against the entries, and the balances against the booked entries.
        func controlTotals() -> [ControlTotal] {
            var totals: [ControlTotal] = []
            let currency =
                currency ?? balances.compactMap({ $0.child("Amt")?.attribute("Ccy") }).first
                .flatMap(Currency.init(code:)) ?? (tallies.count == 1 ? tallies.keys.first : nil)
            let tally = currency.flatMap { tallies[$0] } ?? Tally()
            func sum(_ text: String?) -> Money? {
                guard let text, let currency, let minor = try? AmountParser.parseMajor(text, currency: currency) else {
                    return nil
                }
                return Money(minorUnits: minor, currency: currency)
            }
            let entries = tallies.values.reduce(0) { $0 + $1.credits + $1.debits }
            if let s = summary {
                let prefix = "\(label) TxsSummry/"
                if let n = s.text("TtlNtries", "NbOfNtries").flatMap(Int.init) {
                    totals.append(.count(prefix + "TtlNtries/NbOfNtries", stated: n, computed: entries))
                }
                if let stated = sum(s.text("TtlNtries", "Sum")) {
                    totals.append(
                        .amount(
                            prefix + "TtlNtries/Sum", stated: stated, computed: tally.creditSum + tally.debitSum)
                    )
                }
                let net = s.path("TtlNtries", "TtlNetNtry")
                if let stated = sum(net?.text("Amt") ?? s.text("TtlNtries", "TtlNetNtryAmt")) {
                    let indicator = net?.text("CdtDbtInd") ?? s.text("TtlNtries", "CdtDbtInd")
                    totals.append(
                        .amount(
                            prefix + "TtlNtries/TtlNetNtry", stated: indicator == "DBIT" ? -stated : stated,
                            computed: tally.creditSum - tally.debitSum))
                }
                for (element, count, total) in [
                    ("TtlCdtNtries" as StaticString, tally.credits, tally.creditSum),
                    ("TtlDbtNtries", tally.debits, tally.debitSum),
                ] {
                    if let n = s.text(element, "NbOfNtries").flatMap(Int.init) {
                        totals.append(.count(prefix + "\(element)/NbOfNtries", stated: n, computed: count))
                    }
                    if let stated = sum(s.text(element, "Sum")) {
                        totals.append(.amount(prefix + "\(element)/Sum", stated: stated, computed: total))
                    }
                }
            }
            if batchEntries > 0 {
                totals.append(
                    .count(
                        "\(label) batch entries whose details add up to the entry", stated: batchEntries,
                        computed: batchEntriesAddingUp))
            }
            // a report of balances only (camt.052 intraday): each balance as stated
            if entries == 0 {
                for b in balances {
                    guard let amt = b.child("Amt"), let m = try? Self.money(amt, field: "Bal/Amt") else { continue }
                    let type = [
                        b.text("Tp", "CdOrPrtry", "Cd") ?? b.text("Tp", "CdOrPrtry", "Prtry"),
                        b.text("Tp", "SubTp", "Cd") ?? b.text("Tp", "SubTp", "Prtry"),
                    ].compactMap { $0 }.joined(separator: "/")
                    let day = b.text("Dt", "Dt") ?? b.text("Dt", "DtTm") ?? ""
                    totals.append(
                        .stated("\(label) balance \(type) \(day)", b.text("CdtDbtInd") == "DBIT" ? -m : m))
                }
            }
            // opening + booked movements = closing, when the statement gives both
            func balance(_ codes: [String], last: Bool = false) -> (String, Money, String?)? {
                let matching = balances.filter { codes.contains($0.text("Tp", "CdOrPrtry", "Cd") ?? "") }
                guard let b = last ? matching.last : matching.first, let amt = b.child("Amt"),
                    let m = try? Self.money(amt, field: "Bal/Amt"), m.currency == currency
                else { return nil }
                let date = b.text("Dt", "Dt") ?? b.text("Dt", "DtTm")
                return (b.text("Tp", "CdOrPrtry", "Cd")!, b.text("CdtDbtInd") == "DBIT" ? -m : m, date)
            }
            if let (openCode, opening, _) = balance(["OPBD", "PRCD"]) ?? balance(["ITBD"]),
                let (closeCode, closing, closingDate) = balance(["CLBD"]) ?? balance(["ITBD"], last: true),
                openCode != closeCode || openCode == "ITBD",
                balances.count > 1
            {
                var check = ControlTotal.amount(
                    "\(label) balance \(openCode) + booked entries = \(closeCode)", stated: closing,
                    computed: Total(opening.minorUnits) + tally.bookedNet)
                // some banks (PostFinance) close the day's booked balance over the entries valued
                // by that day, and carry an entry booked today but valued tomorrow to the next
                if !check.ties, let text = closingDate, let date = try? Timestamp(parsing: text) {
                    let closingDay = date.daysSince1970
                    let valued = tally.bookedNetByValueDay.reduce(Total(0)) {
                        $1.key <= closingDay ? $0 + $1.value : $0
                    }
                    let byValueDate = ControlTotal.amount(
                        "\(label) balance \(openCode) + booked entries valued by \(text.prefix(10)) = \(closeCode)",
                        stated: closing, computed: Total(opening.minorUnits) + valued)
                    if byValueDate.ties { check = byValueDate }
                }
                totals.append(check)
            }
            return totals
        }
    }
}
