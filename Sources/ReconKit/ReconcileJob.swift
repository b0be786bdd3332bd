import Dispatch
public import PaymentModels
public import ReconIngest
public import ReconMatching
public import ReconProviders
public import ReconReports

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What `recon reconcile` was asked to do.
public struct ReconcileOptions: Sendable {
    public var payments: [String]
    public var settlement: [String]
    public var outputDirectory: String
    public var strict = false
    /// CSV text cells written as they are, not neutralized against spreadsheet formulas.
    public var rawCSV = false
    public var forcedPaymentSystem: PaymentSystem?
    /// JSON Lines payment files of at least two parts this size are read by both threads
    /// (`PaymentParts`); tests set it small to exercise the cuts.
    public var paymentPartBytes = 2 << 20
    /// Read the settlement files as this mapping profile says instead of by detection.
    public var settlementProfiles: [MappingProfile] = []
    /// The settlement files' encoding, given (`--encoding`): not guessed, a byte order mark aside.
    public var settlementEncoding: TextEncoding?
    /// Counts what is read, for the progress line on a terminal.
    public var meter: ReadMeter?
    /// Unsettled payments inside this window are in transit, not missing (nil: no window).
    public var window: SettlementWindow?
    /// Key order, amount tolerances and fee expectations (`RulesConfig`); the default is the
    /// standard key order and exact amounts.
    public var rules = MatchRules()
    /// Bank statements the payouts are tied to (`--bank`); nil: no bank tie-out.
    public var bank: [String]?
    /// Days after a payout its bank credit may be booked.
    public var bankWindowDays = 3

    public init(payments: [String], settlement: [String], outputDirectory: String) {
        self.payments = payments
        self.settlement = settlement
        self.outputDirectory = outputDirectory
    }
}

/// The pipeline: read both sides (concurrently), match, check conservation, write reports.
public enum ReconcileJob {
    public static let version = "0.1.0"

    /// What a run produced: the report, the exit status (0 clean, 1 discrepancies or
    /// rejects), and the run's working set (every payment and line).
    ///
    /// The working set is handed back so a command that is about to exit can skip freeing a
    /// million records one by one (measured: a second of a 1M run); `exit` returns the memory
    /// to the system at once. Library callers simply let it go.
    public struct Outcome: Sendable {
        public let report: RunReport
        public let status: Int32
        public let workingSet: WorkingSet
    }

    /// Holds a run's inputs and matching state until the caller lets go of it.
    public final class WorkingSet: @unchecked Sendable {
        var engine: MatchingEngine?
    }

    /// Runs a reconciliation and writes its reports.
    public static func run(_ options: ReconcileOptions) throws -> Outcome {
        try Inputs.refuseSameFile(options)
        let trace = PhaseTrace()
        let builder = KeyIndexBuilder()
        let (payments, settlement, lines) = try readBothSides(options, into: builder, trace: trace)
        trace.mark("read payments, \(lines.count) settlement lines")
        options.meter?.enter("matching")
        let built = builder.finish()
        trace.mark("indexed \(built.payments.count) payments (overlapped with reading)")
        let workingSet = WorkingSet()
        var engine = MatchingEngine(built: built)
        engine.window = options.window
        engine.rules = options.rules
        engine.add(contentsOf: lines)
        trace.mark("attached")
        var result = engine.finish()
        if engine.hasConvertedLines { result.conversions = ConversionTotal.of(lines) }
        workingSet.engine = engine
        trace.mark("classified")
        let bank = try options.bank.map { try Inputs.readBank($0, strict: options.strict, meter: options.meter) }
        if engine.hasBatches || bank != nil {
            Self.tieOutPayouts(&result, lines: lines, bank: bank, windowDays: options.bankWindowDays)
        }
        trace.mark("tied out payouts")
        result.payments.read += payments.rejects.count
        result.payments.rejected = payments.rejects.count
        result.settlement.read += settlement.rejects.count
        result.settlement.rejected = settlement.rejects.count
        var report = RunReport(
            version: version, inputs: payments.summaries + settlement.summaries + (bank?.summaries ?? []),
            result: result, rejects: payments.rejects + settlement.rejects + (bank?.rejects ?? []))
        report.rawCSV = options.rawCSV
        let problems = report.verify()
        precondition(problems.isEmpty, "conservation failed: \(problems)")
        try makeDirectory(options.outputDirectory)
        options.meter?.enter("writing the reports")
        do {
            try ReportWriters.writeAll(report, to: options.outputDirectory)
        } catch {
            throw ReconError(.io, error.description)
        }
        trace.mark("wrote reports")
        let clean = result.discrepancies.isEmpty && report.rejects.isEmpty
        let status = clean ? ExitStatus.clean : ExitStatus.discrepancies
        return Outcome(report: report, status: status, workingSet: workingSet)
    }

    /// Groups the lines into payout batches, ties each to its payout and (with bank statements)
    /// to its bank credit, and adds the findings.
    static func tieOutPayouts(
        _ result: inout ReconciliationResult, lines: some Sequence<SettlementRecord>,
        bank: SideInput<SettlementRecord>?,
        windowDays: Int
    ) {
        let tie = PayoutTieOut.run(lines: lines, bank: bank?.records, bankWindowDays: windowDays)
        result.payouts = tie.batches
        if !tie.findings.isEmpty {
            result.discrepancies = MatchingEngine.sortedForReport(result.discrepancies + tie.findings)
        }
        if let bank {
            var side = SideCounts()
            side.read = bank.records.count + bank.rejects.count
            side.matched = tie.bankMatched
            side.notExpected = bank.records.count - tie.bankMatched
            side.rejected = bank.rejects.count
            result.bank = side
        }
    }

    /// The one line cron mails: `980 matched, 20 discrepancies, 3 not expected, 1 rejected`.
    public static func summaryLine(_ report: RunReport) -> String {
        let r = report.result
        return "\(r.matched) matched, \(r.discrepancies.count) discrepancies, "
            + "\(r.payments.notExpected) not expected, \(report.rejects.count) rejected"
            + (r.inTransit.isEmpty ? "" : "; \(r.inTransit.count) in transit")
    }

    /// Payments and settlement are read on two threads (both are mostly parsing); strict mode
    /// reads them in turn so that "the first error" is well defined.
    static func readBothSides(_ options: ReconcileOptions, into builder: KeyIndexBuilder, trace: PhaseTrace) throws
        -> (SideInput<Payment>, SideInput<SettlementRecord>, LineTable)
    {
        if options.strict {
            let payments = try Inputs.readPayments(
                options.payments, forced: options.forcedPaymentSystem, strict: true, into: builder,
                meter: options.meter)
            let (settlement, lines) = try readLines(
                options.settlement, strict: true, profiles: options.settlementProfiles,
                encoding: options.settlementEncoding, meter: options.meter)
            return (payments, settlement, lines)
        }
        let parts = try PaymentParts(
            paths: options.payments, forced: options.forcedPaymentSystem, partBytes: options.paymentPartBytes,
            meter: options.meter)
        let settlementBox = ResultBox<(SideInput<SettlementRecord>, LineTable)>()
        let group = DispatchGroup()
        let paths = options.settlement
        let profiles = options.settlementProfiles
        let encoding = options.settlementEncoding
        let meter = options.meter
        let start = PhaseTrace.now()
        DispatchQueue.global().async(group: group) {
            settlementBox.set(
                Result { try readLines(paths, strict: false, profiles: profiles, encoding: encoding, meter: meter) })
            settlementBox.seconds = PhaseTrace.now() - start
            parts.helpFromBack()
        }
        let frontRejects = Result { try parts.readFront(into: builder) }
        let paymentSeconds = PhaseTrace.now() - start
        group.wait()
        let front = try frontRejects.get()
        let (settlement, lines) = try settlementBox.take().get()
        let (helperRejects, summaries) = try parts.finish(into: builder)
        trace.note(
            "payments read in \(Int(paymentSeconds * 1000)) ms (\(parts.parts.count) parts, "
                + "\(parts.helperParts) by the other thread), "
                + "settlement in \(Int(settlementBox.seconds * 1000)) ms")
        let payments = SideInput<Payment>(
            records: [], rejects: front + helperRejects, summaries: summaries)
        return (payments, settlement, lines)
    }

    /// Settlement lines straight into a table (no array of records kept).
    static func readLines(
        _ paths: [String], strict: Bool, profiles: [MappingProfile], encoding: TextEncoding?, meter: ReadMeter?
    ) throws -> (SideInput<SettlementRecord>, LineTable) {
        var lines = LineTable()
        let side = try Inputs.readSettlement(
            paths, strict: strict, profiles: profiles, encoding: encoding, meter: meter, store: { lines.append($0) })
        return (side, lines)
    }

    static func makeDirectory(_ path: String) throws {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for part in path.split(separator: "/") {
            prefix += part + "/"
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                let reason = String(cString: strerror(errno))
                throw ReconError(.io, "\(path): cannot create the output directory: \(reason)")
            }
        }
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
            throw ReconError(.io, "\(path): the output directory (--out) exists and is not a directory")
        }
    }
}

/// Phase timings on stderr when `RECON_TRACE` is set: where a run's time goes, without a profiler.
final class PhaseTrace {
    private let enabled = getenv("RECON_TRACE") != nil
    private var last = PhaseTrace.now()

    static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    /// A detail line that does not end a phase.
    func note(_ text: String) {
        guard enabled else { return }
        let line = "trace:   \(text)\n"
        _ = line.withCString { write(2, $0, strlen($0)) }
    }

    func mark(_ phase: String) {
        guard enabled else { return }
        let t = PhaseTrace.now()
        let ms = Int((t - last) * 1000)
        let line = "trace: \(ms) ms \(phase)\n"
        _ = line.withCString { write(2, $0, strlen($0)) }
        last = t
    }
}

/// Hands one value from a worker thread back to the caller after `DispatchGroup.wait`; the
/// group's wait orders the write before the read, so no lock is needed.
final class ResultBox<T>: @unchecked Sendable {
    private var value: Result<T, any Error>?
    var seconds = 0.0
    func set(_ value: Result<T, any Error>) { self.value = value }
    func take() -> Result<T, any Error> { value! }
}
