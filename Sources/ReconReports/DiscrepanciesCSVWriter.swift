import Dispatch
public import PaymentModels

/// `discrepancies.csv`: one row per finding that is not a clean match, in report order.
public struct DiscrepanciesCSVWriter: ReportWriter {
    public init() {}
    public var fileName: String { "discrepancies.csv" }

    public static let columns = [
        "kind", "match_key", "key_field", "provider", "payment_id", "expected_amount",
        "expected_currency", "expected_status", "actual_amount", "actual_currency",
        "actual_status", "difference", "payment_source", "settlement_source", "detail",
    ]

    /// Rows formatted per block; two blocks at a time are formatted on two threads (a 50k-row
    /// file was the last report to finish, on one core).
    static let blockRows = 8192

    public func write(_ report: RunReport, to file: OutputFile) throws(OutputError) {
        try file.write(CSVFormat.row(Self.columns))
        let findings = report.result.discrepancies
        guard findings.count > Self.blockRows else {
            Self.rows(findings, findings.indices, to: file)
            return
        }
        let blocks = (findings.count + Self.blockRows - 1) / Self.blockRows
        let parts = Buffers(files: [OutputFile.inMemory(), OutputFile.inMemory()])
        for part in parts.files { part.rawText = file.rawText }
        for pair in stride(from: 0, to: blocks, by: 2) {
            DispatchQueue.concurrentPerform(iterations: min(2, blocks - pair)) { k in
                let start = (pair + k) * Self.blockRows
                Self.rows(findings, start..<min(findings.count, start + Self.blockRows), to: parts.files[k])
            }
            for part in parts.files { try file.append(part) }
        }
    }

    /// Two in-memory buffers, each filled by exactly one worker.
    private struct Buffers: @unchecked Sendable {
        let files: [OutputFile]
    }

    static func rows(_ findings: [Discrepancy], _ range: Range<Int>, to file: OutputFile) {
        for i in range {
            let finding = findings[i]  // one reference count: its fields are in one box
            let expected = finding.expected
            let actual = finding.actual
            file.csvField(finding.kind.code)
            file.csvField(finding.matchKey)
            file.csvField(finding.keyField?.code ?? "")
            file.csvField(finding.provider)
            file.csvField(finding.paymentId ?? "")
            file.csvField(minorUnits: expected?.minorUnits, exponent: expected?.currency.exponent ?? 0)
            file.csvField(expected?.currency.code ?? "")
            file.csvField(finding.expectedStatus ?? "")
            file.csvField(minorUnits: actual?.minorUnits, exponent: actual?.currency.exponent ?? 0)
            file.csvField(actual?.currency.code ?? "")
            file.csvField(finding.actualStatus ?? "")
            let difference = finding.difference
            file.csvField(minorUnits: difference?.minorUnits, exponent: difference?.currency.exponent ?? 0)
            file.csvField(finding.paymentSource)
            file.csvField(finding.settlementSource)
            file.csvField(finding.detail)
            file.endCSVRowInMemory()
        }
    }
}

/// `in_transit.csv`: payments not settled yet but inside their settlement window, by due date.
public struct InTransitCSVWriter: ReportWriter {
    public init() {}
    public var fileName: String { "in_transit.csv" }

    public func write(_ report: RunReport, to file: OutputFile) throws(OutputError) {
        try file.write(
            CSVFormat.row([
                "match_key", "key_field", "provider", "expected_amount", "currency", "created", "due_by", "source",
            ]))
        let text = { (value: String) in CSVFormat.text(value, raw: report.rawCSV) }
        for t in report.result.inTransit {
            try file.write(
                [
                    text(t.matchKey), t.keyField.code, text(t.provider), t.expected.decimalString,
                    t.expected.currency.code, t.createdAt.description, t.dueBy.description, text(t.source.description),
                ].joined(separator: ",") + "\n")
        }
    }
}

/// `rejects.csv`: every record that could not be read or normalized.
public struct RejectsCSVWriter: ReportWriter {
    public init() {}
    public var fileName: String { "rejects.csv" }

    public func write(_ report: RunReport, to file: OutputFile) throws(OutputError) {
        try file.write(CSVFormat.row(["source", "line", "field", "reason", "raw"]))
        let text = { (value: String) in CSVFormat.text(value, raw: report.rawCSV) }
        for r in report.rejects {
            let line = r.source.locator == .line ? "\(r.source.position.line)" : "record \(r.source.position.record)"
            try file.write(
                [text(r.source.file), line, text(r.field), text(r.reason), text(r.raw)].joined(separator: ",") + "\n")
        }
    }
}

/// `payouts.csv`: the payout tie-out, one row per batch: what its lines add up to, what the
/// payout line says, and the bank credit that received it (the three-way view).
public struct PayoutsCSVWriter: ReportWriter {
    public init() {}
    public var fileName: String { "payouts.csv" }

    public func write(_ report: RunReport, to file: OutputFile) throws(OutputError) {
        try file.write(
            CSVFormat.row([
                "provider", "batch_id", "currency", "lines", "payments", "fees", "refunds", "chargebacks",
                "adjustments", "expected_payout", "payout", "payout_source", "bank_reference", "bank_amount",
                "bank_booked", "bank_source", "bank_matched_by", "state",
            ]))
        let bankGiven = report.result.bank != nil
        for b in report.result.payouts {
            let money = { (total: Total) in MinorUnits.format(total, exponent: b.currency.exponent) }
            let text = { (value: String) in CSVFormat.text(value, raw: report.rawCSV) }
            let credit = b.bankCredit
            try file.write(
                [
                    text(b.provider), text(b.batchId), b.currency.code, "\(b.lines)", money(b.payments), money(b.fees),
                    money(b.refunds), money(b.chargebacks), money(b.adjustments), money(b.expectedPayout),
                    b.payout.map(money) ?? "", text(b.payoutSource?.description ?? ""), text(credit?.reference ?? ""),
                    credit?.amount.decimalString ?? "",
                    credit?.bookedAt.map { String($0.description.prefix(10)) } ?? "",
                    text(credit?.source.description ?? ""), credit?.matchedBy ?? "", b.state(bankGiven: bankGiven),
                ].joined(separator: ",") + "\n")
        }
    }
}
