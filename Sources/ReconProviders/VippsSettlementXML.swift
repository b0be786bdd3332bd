import PaymentModels
import ReconIngest

/// Vipps settlement report, XML form (`SettlementReport-3.0.xsd`): per settlement
/// (`SettlementInfo`) its transactions and its totals, which are checked against them.
struct VippsSettlementXML: SettlementFormat {
    var name: String { Self.name }
    var description: String { Self.description }
    var content: ContentFormat { .xml }
    func recognizes(xmlRoot root: String, namespace: String?) -> Bool {
        Self.recognizes(root: root, namespace: namespace)
    }
    func read(
        xml reader: XMLReader, path: String, namespace: String?, stats: inout SourceStats,
        onRecord: (consuming SettlementRecord) throws -> Void, onReject: (Reject) throws -> Void
    ) throws {
        try Self.read(reader, path: path, stats: &stats, onRecord: onRecord, onReject: onReject)
    }

    static let name = "vipps-xml"
    static let description =
        "Vipps settlement report XML (SettlementReport 3.0): TransactionInfo per OrderID/TransactionID; "
        + "each settlement's counts and capture/refund/gross/net/fee totals checked"

    static func recognizes(root: String, namespace: String?) -> Bool {
        root == "SettlementReport" && (namespace ?? "").contains("vipps")
    }

    /// One settlement's stated totals and what its transactions add up to.
    struct Settlement {
        var id = ""
        var type = ""
        var currency: Currency?
        var count = 0
        var sums: [String: Total] = [:]
        var stated: [String: String] = [:]
    }

    static let totals: [(stated: String, summed: String)] = [
        ("CaptureSettlementAmount", "TransactionCaptureAmount"), ("RefundSettlementAmount", "TransactionRefundAmount"),
        ("GrossSettlementAmount", "TransactionGrossAmount"), ("NetSettlementAmount", "TransactionNetAmount"),
        ("FeeSettlementAmount", "TransactionFeeAmount"),
    ]

    static func read(
        _ reader: XMLReader, path: String, stats: inout SourceStats,
        onRecord: (consuming SettlementRecord) throws -> Void, onReject: (Reject) throws -> Void
    ) throws {
        stats.format = "vipps-settlement-xml"
        let file = SourceFile(path)
        var settlements: [Settlement] = []
        var statedSettlementCount: Int?
        var reportCurrency: Currency?
        while let name = try reader.nextStart() {
            let parent = reader.stack.count >= 2 ? reader.stack[reader.stack.count - 2] : ""
            // a settlement's fields belong to the last one begun, wherever the file puts it
            // (a fuzzed file put one outside PaymentsInfo)
            if parent == "SettlementInfo" && settlements.isEmpty { settlements.append(Settlement()) }
            switch (parent, name) {
            case (_, "SettlementInfo"): settlements.append(Settlement())
            case ("PaymentsInfo", "SettlementCurrencyCode"):
                reportCurrency = Currency(code: try reader.readElement().trimmedText)
            case ("PaymentsInfo", "NumOfSettlements"): statedSettlementCount = Int(try reader.readElement().trimmedText)
            case ("SettlementInfo", "SettlementID"):
                settlements[settlements.count - 1].id = try reader.readElement().trimmedText
            case ("SettlementInfo", "SettlementType"):
                settlements[settlements.count - 1].type = try reader.readElement().trimmedText
            case ("SettlementInfo", "SettlementCurrencyCode"):
                settlements[settlements.count - 1].currency = Currency(code: try reader.readElement().trimmedText)
            case ("SettlementInfo", "TransactionInfo"):
                let element = try reader.readElement()
                stats.records += 1
                let source = Provenance(source: file, position: SourcePosition(byte: 0, line: element.line, record: 0))
                do {
                    var settlement = settlements[settlements.count - 1]
                    let record = try record(element, settlement: &settlement, fallback: reportCurrency, source: source)
                    settlements[settlements.count - 1] = settlement
                    try onRecord(record)
                } catch let error as RecordError {
                    stats.rejected += 1
                    try onReject(
                        Reject(source: source, field: error.field, reason: error.reason, raw: "<TransactionInfo>"))
                }
            case ("SettlementInfo", _) where name.hasSuffix("Amount") || name == "NumOfTransactions":
                settlements[settlements.count - 1].stated[name] = try reader.readElement().trimmedText
            default: break
            }
        }
        for s in settlements { stats.controlTotals += controlTotals(s) }
        if let n = statedSettlementCount {
            stats.controlTotals.append(.count("NumOfSettlements", stated: n, computed: settlements.count))
        }
        stats.adapters[name, default: 0] += stats.records - stats.rejected
    }

    static func record(
        _ t: XMLElement, settlement: inout Settlement, fallback: Currency?, source: Provenance
    ) throws(RecordError) -> SettlementRecord {
        let code = t.text("SettlementCurrencyCode")
        guard let currency = code.flatMap(Currency.init(code:)) ?? settlement.currency ?? fallback else {
            throw RecordError(field: "SettlementCurrencyCode", "no known currency ('\(code ?? "")')")
        }
        settlement.currency = settlement.currency ?? currency
        func amount(_ field: StaticString) throws(RecordError) -> Money? {
            guard let text = t.text(field) else { return nil }
            let minor = try TableAdapter.minorUnits(text, currency, field: "\(field)")
            settlement.sums["\(field)", default: 0] += Total(minor)
            return Money(minorUnits: minor, currency: currency)
        }
        let capture = try amount("TransactionCaptureAmount")
        let refund = try amount("TransactionRefundAmount")
        guard let gross = try amount("TransactionGrossAmount") else {
            throw RecordError(field: "TransactionGrossAmount", "the amount is missing")
        }
        let net = try amount("TransactionNetAmount")
        let fee = try amount("TransactionFeeAmount").map { Money(minorUnits: abs($0.minorUnits), currency: currency) }
        settlement.count += 1
        let keys = [t.text("OrderID"), t.text("TransactionID")].compactMap { $0 }
        let time: Timestamp?
        do { time = try t.text("TransactionTime").map(Timestamp.init(parsing:)) } catch {
            throw RecordError(field: "TransactionTime", error.description)
        }
        var record = SettlementRecord(
            key: keys.first ?? "", settlementId: t.text("TransactionID"), provider: "vipps", gross: gross, fee: fee,
            net: net, status: .settled, rawStatus: settlement.type, settledAt: time, provenance: source)
        if keys.count > 1 { record.alternateKeys = Array(keys.dropFirst()) }
        // a transaction that only refunds is a refund; the settlement is the payout batch
        if (refund?.minorUnits ?? 0) != 0 && (capture?.minorUnits ?? 0) == 0 { record.kind = .refund }
        if !settlement.id.isEmpty { record.batchId = settlement.id }
        return record
    }

    static func controlTotals(_ s: Settlement) -> [ControlTotal] {
        guard let currency = s.currency else { return [] }
        var totals: [ControlTotal] = []
        let label = "Settlement \(s.id)"
        if let n = s.stated["NumOfTransactions"].flatMap(Int.init) {
            totals.append(.count("\(label) NumOfTransactions", stated: n, computed: s.count))
        }
        var pairs = Self.totals.map { ($0.stated, $0.summed) }
        pairs.append(("SettledAmount", s.type == "Gross" ? "TransactionGrossAmount" : "TransactionNetAmount"))
        for (stated, summed) in pairs {
            guard let text = s.stated[stated], let minor = try? TableAdapter.minorUnits(text, currency, field: stated)
            else {
                continue
            }
            totals.append(
                .amount(
                    "\(label) \(stated)", stated: Money(minorUnits: minor, currency: currency),
                    computed: s.sums[summed] ?? 0))
        }
        return totals
    }
}
