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
        for d in report.result.discrepancies {
            try file.writeCSVRow(
                d.kind.code, d.matchKey, d.keyField?.code ?? "", d.provider, d.paymentId ?? "",
                d.expected.decimal, d.expected?.currency.code ?? "", d.expectedStatus ?? "",
                d.actual.decimal, d.actual?.currency.code ?? "", d.actualStatus ?? "",
                d.difference.decimal, d.paymentSource?.description ?? "",
                d.settlementSource?.description ?? "", d.detail)
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
