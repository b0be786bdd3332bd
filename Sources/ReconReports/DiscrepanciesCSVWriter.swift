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

    public func write(_ report: RunReport, to file: OutputFile) throws(OutputError) {
        try file.write(CSVFormat.row(Self.columns))
        let findings = report.result.discrepancies
        for i in findings.indices {  // by index: a copy per finding would retain a dozen strings
            let expected = findings[i].expected
            let actual = findings[i].actual
            file.csvField(findings[i].kind.code)
            file.csvField(findings[i].matchKey)
            file.csvField(findings[i].keyField?.code ?? "")
            file.csvField(findings[i].provider)
            file.csvField(findings[i].paymentId ?? "")
            file.csvField(minorUnits: expected?.minorUnits, exponent: expected?.currency.exponent ?? 0)
            file.csvField(expected?.currency.code ?? "")
            file.csvField(findings[i].expectedStatus ?? "")
            file.csvField(minorUnits: actual?.minorUnits, exponent: actual?.currency.exponent ?? 0)
            file.csvField(actual?.currency.code ?? "")
            file.csvField(findings[i].actualStatus ?? "")
            let difference = findings[i].difference
            file.csvField(minorUnits: difference?.minorUnits, exponent: difference?.currency.exponent ?? 0)
            file.csvField(findings[i].paymentSource)
            file.csvField(findings[i].settlementSource)
            file.csvField(findings[i].detail)
            try file.endCSVRow()
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
        for t in report.result.inTransit {
            try file.write(
                CSVFormat.row([
                    t.matchKey, t.keyField.code, t.provider, t.expected.decimalString, t.expected.currency.code,
                    t.createdAt.description, t.dueBy.description, t.source.description,
                ]))
        }
    }
}

/// `rejects.csv`: every record that could not be read or normalized.
public struct RejectsCSVWriter: ReportWriter {
    public init() {}
    public var fileName: String { "rejects.csv" }

    public func write(_ report: RunReport, to file: OutputFile) throws(OutputError) {
        try file.write(CSVFormat.row(["source", "line", "field", "reason", "raw"]))
        for r in report.rejects {
            let line = r.source.locator == .line ? "\(r.source.position.line)" : "record \(r.source.position.record)"
            try file.write(CSVFormat.row([r.source.file, line, r.field, r.reason, r.raw]))
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
            let money = { (minor: Int64) in Money(minorUnits: minor, currency: b.currency).decimalString }
            let credit = b.bankCredit
            try file.write(
                CSVFormat.row([
                    b.provider, b.batchId, b.currency.code, "\(b.lines)", money(b.payments), money(b.fees),
                    money(b.refunds), money(b.chargebacks), money(b.adjustments), money(b.expectedPayout),
                    b.payout.map(money) ?? "", b.payoutSource?.description ?? "", credit?.reference ?? "",
                    credit?.amount.decimalString ?? "",
                    credit?.bookedAt.map { String($0.description.prefix(10)) } ?? "",
                    credit?.source.description ?? "", credit?.matchedBy ?? "", b.state(bankGiven: bankGiven),
                ]))
        }
    }
}
