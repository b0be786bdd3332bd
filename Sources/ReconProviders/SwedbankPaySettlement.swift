import PaymentModels
import ReconIngest

/// Swedbank Pay's (PayEx's) settlement transaction lists as XML, both schema generations: the
/// current `SalesAccountedTransactions` 2.0 (`Summary`/`Currency`/`Transaction`, attributes in
/// mixed case) and the older `SALES` (`SUMMARY`/`CURRENCY`/`TRAN`, `NoOfDebet`). Every value is
/// an attribute; amounts are signed major units (a refund is negative); times are local
/// Stockholm time. The file's own totals are checked: the root's transaction count, each
/// currency block's `Sum`, and each service's counts and amount in the summary.
struct SwedbankPaySettlement: SettlementFormat {
    var name: String { "swedbankpay" }
    var description: String {
        "Swedbank Pay (PayEx) settlement transaction list XML (SalesAccountedTransactions 2.0 and the older "
            + "SALES schema): signed amounts, PayexBatchNo as batch, Stockholm local times; the summary's "
            + "counts and amounts, each currency's Sum and the transaction count checked"
    }
    var content: ContentFormat { .xml }

    func recognizes(xmlRoot root: String, namespace: String?) -> Bool {
        (root == "SalesAccountedTransactions" || root == "SALES")
            && (namespace ?? "").contains("payex.com/xml/SalesAccountedTransactions")
    }

    /// What the summary states about one service, and what its transactions add up to.
    struct Service {
        var statedCount = 0
        var statedAmount: String?
        var count = 0
        var sum: Total = 0
    }

    func read(
        xml reader: XMLReader, path: String, namespace: String?, stats: inout SourceStats,
        onRecord: (consuming SettlementRecord) throws -> Void, onReject: (Reject) throws -> Void
    ) throws {
        stats.format = "swedbankpay-xml"
        let root = reader.stack.first ?? ""
        let statedTotal = reader.attribute("TotalNoOfTransactions").flatMap { Int($0) }
        let accounting = reader.attribute("AccountingNo") ?? "report"
        let file = SourceFile(path)
        var services: [String: Service] = [:]  // by "currency/service"
        var blocks: [(currency: Currency?, code: String, statedSum: String?, count: Int, sum: Total)] = []
        var read = 0
        while let element = try reader.nextStart() {
            let depth = reader.stack.count
            switch element {
            case "Summary", "SUMMARY":
                Self.summary(try reader.readElement(), into: &services)
            case "Currency" where depth == 2, "CURRENCY" where depth == 2:
                let code = reader.attribute("Currency") ?? reader.attribute("Name") ?? ""
                blocks.append((Currency(code: code), code, reader.attribute("Sum"), 0, 0))
            case "Transaction", "TRAN":
                let transaction = try reader.readElement()
                read += 1
                stats.records += 1
                let provenance = Provenance(
                    source: file, position: SourcePosition(byte: 0, line: transaction.line, record: Int64(read)))
                do {
                    let record = try Self.record(transaction, blockCurrency: blocks.last?.currency, provenance)
                    let service = transaction.attribute("ServiceName") ?? transaction.attribute("Type") ?? ""
                    services["\(record.gross.currency.code)/\(service)", default: Service()].count += 1
                    services["\(record.gross.currency.code)/\(service)", default: Service()].sum +=
                        Total(record.gross.minorUnits)
                    if !blocks.isEmpty {
                        blocks[blocks.count - 1].count += 1
                        blocks[blocks.count - 1].sum += Total(record.gross.minorUnits)
                    }
                    try onRecord(record)
                } catch let error as RecordError {
                    stats.rejected += 1
                    try onReject(
                        Reject(source: provenance, field: error.field, reason: error.reason, raw: "<\(element)>"))
                }
            default: break
            }
        }
        stats.adapters[name, default: 0] += stats.records - stats.rejected
        if let statedTotal {
            stats.controlTotals.append(
                .count("\(accounting) TotalNoOfTransactions", stated: statedTotal, computed: read))
        }
        for block in blocks {
            guard let currency = block.currency, let text = block.statedSum,
                let stated = try? AmountParser.parseMajor(text, currency: currency)
            else { continue }
            stats.controlTotals.append(
                .amount(
                    "\(root) \(block.code) Sum", stated: Money(minorUnits: stated, currency: currency),
                    computed: block.sum))
        }
        for (key, service) in services.sorted(by: { $0.key < $1.key }) where service.statedAmount != nil {
            stats.controlTotals.append(
                .count("summary \(key) transactions", stated: service.statedCount, computed: service.count))
            let code = String(key.prefix { $0 != "/" })
            guard let currency = Currency(code: code),
                let stated = try? AmountParser.parseMajor(service.statedAmount!, currency: currency)
            else { continue }
            stats.controlTotals.append(
                .amount(
                    "summary \(key) amount", stated: Money(minorUnits: stated, currency: currency),
                    computed: service.sum))
        }
    }

    /// The summary's services per currency: debits and credits counted, and their amount.
    static func summary(_ summary: XMLElement, into services: inout [String: Service]) {
        for currency in summary.children where currency.name.lowercased() == "currency" {
            let code = currency.attribute("Currency") ?? currency.attribute("Name") ?? ""
            for type in currency.children {
                for service in type.children {
                    let name = service.attribute("ServiceName") ?? service.attribute("Name") ?? ""
                    let debits = Int(service.attribute("NoOfDebit") ?? service.attribute("NoOfDebet") ?? "") ?? 0
                    let credits = Int(service.attribute("NoOfCredit") ?? "") ?? 0
                    services["\(code)/\(name)", default: Service()].statedCount += debits + credits
                    services["\(code)/\(name)", default: Service()].statedAmount = service.attribute("Amount")
                }
            }
        }
    }

    static func record(
        _ t: XMLElement, blockCurrency: Currency?, _ provenance: Provenance
    ) throws(RecordError) -> SettlementRecord {
        let code = t.attribute("Currency")
        guard let currency = code.map({ Currency(code: $0) }) ?? blockCurrency else {
            throw RecordError(field: "Currency", "'\(code ?? "")' is not an ISO 4217 currency code")
        }
        guard let amountText = t.attribute("Amount") else {
            throw RecordError(field: "Amount", "the amount is missing")
        }
        let minor: Int64
        do { minor = try AmountParser.parseMajor(amountText, currency: currency) } catch {
            throw RecordError(field: "Amount", error)
        }
        var keys = KeyList()
        for name in [
            "OrderId", "TransactionIdentity", "PayexTransactionNo", "TransactionNo", "ExternalTransactionReference",
            "ReferencedTransaction",
        ] {
            keys.add(t.attribute(named: name))
        }
        var settledAt: Timestamp?
        if let text = t.attribute("DateCreated") {
            do {
                let local = try Timestamp(parsing: text)
                let offset = EuropeanTime.central.offsetSeconds(localMilliseconds: local.millisecondsSince1970)
                settledAt = Timestamp(millisecondsSince1970: local.millisecondsSince1970 - offset * 1000)
            } catch {
                throw RecordError(field: "DateCreated", error.description)
            }
        }
        var record = SettlementRecord(
            key: keys.key, settlementId: t.attribute("PayexTransactionNo") ?? t.attribute("TransactionNo"),
            provider: "swedbankpay", gross: Money(minorUnits: minor, currency: currency), status: .settled,
            rawStatus: t.attribute("ServiceName") ?? t.attribute("Type") ?? "", settledAt: settledAt,
            provenance: provenance, kind: minor < 0 ? .refund : .payment, batchId: t.attribute("PayexBatchNo"))
        record.alternateKeys = keys.alternates
        return record
    }
}
