import Dispatch
import PaymentModels

/// One output of a run. Writers are the extension point for new report formats.
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

    /// Verifies conservation, then writes every report into `directory`, the files side by side
    /// on all cores (each writer has its own file); the first failure, in writer order, is thrown.
    public static func writeAll(_ report: RunReport, to directory: String) throws(OutputError) {
        let problems = report.verify()
        precondition(problems.isEmpty, "refusing to write a report that does not add up: \(problems)")
        let failures = Failures(count: standard.count)
        // a group of tasks, not `concurrentPerform`: inside that, the discrepancies writer's own
        // parallel formatting ran on one thread (libdispatch runs a nested apply serially)
        let group = DispatchGroup()
        for i in standard.indices {
            DispatchQueue.global().async(group: group) {
                let writer = standard[i]
                do throws(OutputError) {
                    let file = try OutputFile(path: directory + "/" + writer.fileName)
                    file.rawText = report.rawCSV
                    try writer.write(report, to: file)
                    try file.close()
                } catch {
                    failures.set(i, error)
                }
            }
        }
        group.wait()
        if let failure = failures.first { throw failure }
    }
}

/// One slot per writer, each set by exactly one worker before `concurrentPerform` returns.
private final class Failures: @unchecked Sendable {
    // a buffer, not an array property: concurrent writes to distinct slots must not count as
    // overlapping accesses to one stored property
    private let errors: UnsafeMutableBufferPointer<OutputError?>

    init(count: Int) {
        errors = .allocate(capacity: count)
        errors.initialize(repeating: nil)
    }

    deinit {
        _ = errors.deinitialize()
        errors.deallocate()
    }

    func set(_ i: Int, _ error: OutputError) { errors[i] = error }

    var first: OutputError? { errors.lazy.compactMap { $0 }.first }
}

extension Optional where Wrapped == Money {
    var decimal: String { self?.decimalString ?? "" }
}
