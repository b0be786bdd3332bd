import PaymentModels

/// One output of a run. Writers are the extension point for new report formats (HTML next).
public protocol ReportWriter: Sendable {
    /// The file name inside the output directory.
    var fileName: String { get }
    func write(_ report: RunReport, to file: OutputFile) throws(OutputError)
}

/// The writers `recon reconcile` runs, in order.
public enum ReportWriters {
    public static let standard: [any ReportWriter] = [
        DiscrepanciesCSVWriter(), InTransitCSVWriter(), PayoutsCSVWriter(), RejectsCSVWriter(), SummaryJSONWriter(),
        MarkdownReportWriter(), HTMLReportWriter(),
    ]

    /// Verifies conservation, then writes every report into `directory`.
    public static func writeAll(_ report: RunReport, to directory: String) throws(OutputError) {
        let problems = report.verify()
        precondition(problems.isEmpty, "refusing to write a report that does not add up: \(problems)")
        for writer in standard {
            let file = try OutputFile(path: directory + "/" + writer.fileName)
            try writer.write(report, to: file)
            try file.close()
        }
    }
}

extension Optional where Wrapped == Money {
    var decimal: String { self?.decimalString ?? "" }
}
