import Crypto
import Foundation
public import PaymentModels
import ReconIngest
import ReconMatching
public import ReconProviders
public import ReconReports
public import ReconStore

/// `recon reconcile --store PATH`: imports the files given, reconciles everything open in the
/// store, saves the run and carries forward what is still open.
///
/// All of it is one write transaction: a killed run leaves the store as it was, and a rerun
/// gives the same result. What a run closes: every payment a settlement record was attached to
/// (matched, or paired with a finding) and those records. What stays open for the next night:
/// payments not yet settled, and records no payment claimed (a payment may be imported later).
/// A record whose key names a payment an earlier run settled is `duplicate_settlement`.
public enum StoreReconcileJob {
    public struct Outcome: Sendable {
        public let report: RunReport
        /// The exit code: with a judge, 1 when a threshold is exceeded, else 0; without, 1 for
        /// any finding or reject.
        public let status: Int32
        /// The saved run's number; nil for a dry run.
        public let run: Int64?
        /// The thresholds exceeded (the judge's reasons).
        public var breaches: [String] = []
    }

    /// The nightly job's side of a run: its business date and the thresholds that judge it,
    /// saved with the run so `recon runs` shows the exit code the job returned.
    public struct Night: Sendable {
        public var businessDate: String
        public var judge: @Sendable (RunReport) -> [String]
        /// The nightly configuration file and the rules file it names: their bytes are part of
        /// the run's manifest.
        public var configFiles: [String]
        /// The amount tiers the reports group open exceptions by (`exception_tiers`).
        public var exceptionTiers: [Int64]?

        public init(
            businessDate: String, configFiles: [String] = [], exceptionTiers: [Int64]? = nil,
            judge: @escaping @Sendable (RunReport) -> [String]
        ) {
            self.businessDate = businessDate
            self.configFiles = configFiles
            self.exceptionTiers = exceptionTiers
            self.judge = judge
        }
    }

    public static func run(
        _ options: ReconcileOptions, storePath: String, dryRun: Bool, night: Night? = nil, onWait: () -> Void,
        progress: (String) -> Void = { _ in }
    ) throws -> Outcome {
        try Inputs.refuseSameFile(options)
        let store: any Store
        do { store = try openStore(storePath) } catch { throw ReconError(store: error) }
        do {
            return try store.writeTransaction(commit: !dryRun, onWait: onWait) {
                try reconcile(options, store: store, dryRun: dryRun, night: night, progress: progress)
            }
        } catch let error as StoreError {
            throw ReconError(store: error)
        }
    }

    /// The SHA-256 of the rules and configuration in force: the matching rules, the windows,
    /// and the bytes of the nightly configuration and rules files.
    static func configHash(_ options: ReconcileOptions, night: Night?) -> String {
        // the window's days, not its as-of date: that is the night's, not the configuration's
        var text = "rules: \(options.rules)\nwindow_days: \(options.window.map { "\($0.days)" } ?? "none")\n"
        text += "bank_window_days: \(options.bankWindowDays)\n"
        var bytes = Array(text.utf8)
        for file in night?.configFiles ?? [] {
            bytes += Array("file \(file)\n".utf8) + Array(FileManager.default.contents(atPath: file) ?? Data())
        }
        return sha256(bytes)
    }

    static func sha256(_ bytes: [UInt8]) -> String {
        Importer.hex(SHA256.hash(data: bytes))
    }

    /// The pairs people unmatched that are both open tonight, as the engine numbers them.
    static func forbiddenPairs(
        _ store: any Store, payments: StoredRecords<Payment>, settlement: StoredRecords<SettlementRecord>
    ) throws -> Set<Int64> {
        // the open records are read in row order: a row number's place is found by halving
        func index(of row: Int64, in rows: [Int64]) -> Int? {
            var (low, high) = (0, rows.count)
            while low < high {
                let middle = (low + high) / 2
                if rows[middle] < row { low = middle + 1 } else { high = middle }
            }
            return low < rows.count && rows[low] == row ? low : nil
        }
        return Set(
            try store.matchExclusionRows().compactMap { pair in
                guard let p = index(of: pair.payment, in: payments.rows),
                    let l = index(of: pair.line, in: settlement.rows)
                else { return nil }
                return MatchingEngine.pair(payment: p, line: l)
            })
    }

    /// The store's exceptions by state, the decisions since the run before, and the ones still
    /// open (or assigned) aged to `day`.
    static func ageing(_ store: any Store, day: String, tiers: [Int64]?) throws -> ExceptionsReport {
        // the ones still open or assigned, read once each; the resolved ones only counted (a
        // store of millions of exceptions was read whole, and kept twice)
        var ages: [String: Int64] = [:]  // by first night: a night's exceptions share a few
        var items: [ExceptionsReport.Item] = []
        try store.forEachUnresolvedException { e in
            guard let amount = stake(e.finding) else { return }
            let age = ages[e.firstSeen] ?? e.age(on: day)
            ages[e.firstSeen] = age
            var item = ExceptionsReport.Item(id: e.id, kind: e.finding.kind, amount: amount, ageDays: age)
            (item.key, item.state, item.assignee) = (e.finding.matchKey, e.state.rawValue, e.assignee)
            items.append(item)
        }
        var report = ExceptionsReport(items: items, tiers: tiers ?? ExceptionsReport.defaultTiers)
        let counts = try store.exceptionCounts()
        report.byState = ExceptionRow.State.allCases.map { state in (state.rawValue, counts[state] ?? 0) }
        report.decisions = try store.auditSinceLastRun().map { entry in
            let finding = try store.exception(id: entry.subject)?.finding
            return ExceptionsReport.Decision(
                subject: entry.subject, kind: finding?.kind ?? (entry.subject.hasPrefix("M-") ? "match by hand" : ""),
                key: finding?.matchKey ?? "", action: entry.action, by: entry.actor, reason: entry.reason)
        }
        return report
    }

    /// The amount an exception puts at stake: the difference of its two sides where both are
    /// known in one currency and differ, else the amount of the side expected (or the one there is).
    static func stake(_ f: ExceptionFinding) -> Money? {
        let money = { (minor: Int64?, code: String?) in
            minor.flatMap { m in code.flatMap(Currency.init(code:)).map { Money(minorUnits: m, currency: $0) } }
        }
        let (expected, actual) = (money(f.expectedMinor, f.currency), money(f.actualMinor, f.actualCurrency))
        if let expected, let actual, expected.currency == actual.currency, expected.minorUnits != actual.minorUnits {
            let (difference, overflow) = actual.minorUnits.subtractingReportingOverflow(expected.minorUnits)
            if !overflow && difference != .min {
                return Money(minorUnits: abs(difference), currency: expected.currency)
            }
        }
        return expected ?? actual
    }

    static func finding(_ d: Discrepancy) -> ExceptionFinding {
        ExceptionFinding(
            kind: d.kind.code, matchKey: d.matchKey, provider: d.provider, paymentId: d.paymentId,
            expected: d.expected, actual: d.actual, detail: d.detail)
    }

    /// The open records, and every stored record of the batches they belong to (once each).
    static func batchLines(open: StoredRecords<SettlementRecord>, store: any Store) throws -> [SettlementRecord] {
        let batches = Set(open.records.compactMap(\.payoutBatch))
        var seen = Set(open.rows)
        let earlier = try store.settlementRecords(inBatches: batches)
        return open.records
            + earlier.indices.filter { seen.insert(earlier.rows[$0]).inserted }.map { earlier.records[$0] }
    }

    static func reconcile(
        _ options: ReconcileOptions, store: any Store, dryRun: Bool, night: Night?, progress: (String) -> Void
    ) throws -> Outcome {
        let startedAt = Timestamp.current.description
        let holding = dryRun ? "a dry run" : "run \(try store.nextRun())"
        try store.announce("\(holding): recon reconcile, started \(startedAt)")
        var inputs: [InputSummary] = []
        var paymentRejects: [Reject] = []
        var settlementRejects: [Reject] = []
        for (side, paths) in [(ImportSide.payments, options.payments), (.settlement, options.settlement)] {
            for path in paths {
                progress("importing \(side.rawValue) \(path)")
                let (outcome, rejects, guessed, sha256) = try Importer.importFile(
                    path, side: side, store: store, importedAt: startedAt, forced: options.forcedPaymentSystem,
                    profiles: side == .settlement ? options.settlementProfiles : [],
                    encoding: side == .settlement ? options.settlementEncoding : nil, meter: options.meter)
                if side == .payments { paymentRejects += rejects } else { settlementRejects += rejects }
                var records = 0
                if case .imported(let n, _, _, _) = outcome { records = n }
                var summary = InputSummary(
                    role: side == .payments ? .payments : .settlement, path: path, container: "file",
                    format: records > 0 ? "imported" : "already imported", provider: "store", records: records,
                    rejected: rejects.count)
                if let guessed { (summary.encoding, summary.encodingGuessed) = (guessed.encoding, true) }
                summary.sha256 = sha256
                inputs.append(summary)
            }
        }
        let trace = PhaseTrace()
        trace.mark("imported")
        options.meter?.enter("reading the store's open records")
        let payments = try store.openPayments()
        trace.mark("read \(payments.count) open payments")
        // the payments' key index is built on another thread while the lines are read
        let engineBox = ResultBox<MatchingEngine>()
        let group = DispatchGroup()
        let table = payments.records
        DispatchQueue.global().async(group: group) { engineBox.set(.success(MatchingEngine(payments: table))) }
        let settlement: StoredRecords<SettlementRecord>
        do { settlement = try store.openSettlement() } catch {
            group.wait()
            throw error
        }
        trace.mark("read \(settlement.count) open settlement records (payments indexed meanwhile)")
        group.wait()
        var engine = try engineBox.take().get()
        inputs.append(
            InputSummary(
                role: .payments, path: "store: open payments", container: "store", format: "sqlite",
                provider: "store", records: payments.count, rejected: 0))
        inputs.append(
            InputSummary(
                role: .settlement, path: "store: open settlement records", container: "store", format: "sqlite",
                provider: "store", records: settlement.count, rejected: 0))

        progress("reconciling \(payments.count) open payments against \(settlement.count) open settlement records")
        options.meter?.enter("matching")
        engine.window = options.window
        engine.rules = options.rules
        engine.forbidden = try Self.forbiddenPairs(store, payments: payments, settlement: settlement)
        engine.add(contentsOf: settlement.records)
        var result = engine.finish()
        let attached = engine.attachments()
        trace.mark("matched")
        // a record no open payment claims may name one an earlier run settled: a second settlement
        let unclaimed = settlement.indices.filter { !attached.lines[$0] }.map { settlement.records[$0] }
        let settledBy = try store.runsThatSettled(
            keys: Set(unclaimed.flatMap { [$0.key] + ($0.alternateKeys ?? []) }))
        var repeated: [Provenance: Int64] = [:]
        for record in unclaimed {
            if let run = ([record.key] + (record.alternateKeys ?? [])).lazy.compactMap({ settledBy[$0] }).first {
                repeated[record.provenance] = run
            }
        }
        if !repeated.isEmpty {
            // a refund or chargeback for a payment an earlier run settled is linked to it, not a finding
            let returns = Set(
                unclaimed.filter { $0.kind != .payment && repeated[$0.provenance] != nil }.map(\.provenance))
            let before = result.discrepancies.count
            result.discrepancies.removeAll { $0.settlementSource.map(returns.contains) ?? false }
            result.settlement.discrepant -= before - result.discrepancies.count
            result.settlement.matched += before - result.discrepancies.count
            result.discrepancies = MatchingEngine.sortedForReport(
                result.discrepancies.map { finding in
                    guard finding.kind == .unexpectedInSettlement, let source = finding.settlementSource,
                        let run = repeated[source]
                    else { return finding }
                    var duplicate = finding
                    duplicate.kind = .duplicateSettlement
                    duplicate.detail =
                        run == 0
                        ? "a settlement for a payment closed by hand (matched, or written off): review it"
                        : "a second settlement for a payment that run \(run) already settled"
                    return duplicate
                })
        }
        trace.mark("looked for earlier settlements of \(unclaimed.count) unclaimed records")
        if engine.hasConvertedLines { result.conversions = ConversionTotal.of(settlement.records) }
        let bank = try options.bank.map { try Inputs.readBank($0, strict: false, meter: options.meter) }
        if engine.hasBatches || bank != nil {
            // a batch is tied out whole: its lines from earlier nights come from the store
            let lines = try batchLines(open: settlement, store: store)
            ReconcileJob.tieOutPayouts(&result, lines: lines, bank: bank, windowDays: options.bankWindowDays)
        }
        result.payments.read += paymentRejects.count
        result.payments.rejected = paymentRejects.count
        result.settlement.read += settlementRejects.count
        result.settlement.rejected = settlementRejects.count
        // each finding is kept as an exception (the same one on a later night keeps its id and
        // the decisions made about it); the reports show every exception still open, by age
        let day = night?.businessDate ?? String(startedAt.prefix(10))
        let runNumber = try store.nextRun()
        trace.mark("tied out payouts")
        try store.recordExceptions(result.discrepancies.map(Self.finding), run: runNumber, day: day, at: startedAt)
        trace.mark("recorded \(result.discrepancies.count) exceptions")
        var report = RunReport(
            version: ReconcileJob.version, inputs: inputs + (bank?.summaries ?? []), result: result,
            rejects: paymentRejects + settlementRejects + (bank?.rejects ?? []))
        report.exceptions = try Self.ageing(store, day: day, tiers: night?.exceptionTiers)
        trace.mark("aged the exceptions")
        report.rawCSV = options.rawCSV
        report.configSHA256 = Self.configHash(options, night: night)
        try ReconcileJob.makeDirectory(options.outputDirectory)
        do { try ReportWriters.writeAll(report, to: options.outputDirectory) } catch {
            throw ReconError(.io, error.description)
        }
        trace.mark("wrote reports")
        let clean = result.discrepancies.isEmpty && report.rejects.isEmpty
        let breaches = night?.judge(report) ?? []
        let status =
            night != nil
            ? (breaches.isEmpty ? ExitStatus.clean : ExitStatus.discrepancies)
            : (clean ? ExitStatus.clean : ExitStatus.discrepancies)
        guard !dryRun else { return Outcome(report: report, status: status, run: nil, breaches: breaches) }
        let outputs = try ReportWriters.standard.map { writer in
            let path = options.outputDirectory + "/" + writer.fileName
            do throws(StoreError) {
                return (name: writer.fileName, content: try StoredOutput.compressed(file: path))
            } catch {
                throw ReconError(.io, error.description)
            }
        }
        progress("saving the run")
        options.meter?.enter("saving the run")
        let closed = Set(repeated.keys)
        let linesClosed = settlement.indices.map {
            attached.lines[$0] || (!closed.isEmpty && closed.contains(settlement.records[$0].provenance))
        }
        var toSave = RunToSave(
            startedAt: startedAt, summary: ReconcileJob.summaryLine(report), exitStatus: status,
            businessDate: night?.businessDate, breaches: breaches, paymentsOpen: payments.count,
            settlementOpen: settlement.count, matched: result.matched,
            discrepancies: result.discrepancies.count, outputs: outputs,
            closedPayments: payments.indices.filter { attached.payments[$0] }.map { payments.rows[$0] },
            closedSettlement: settlement.indices.filter { linesClosed[$0] }.map { settlement.rows[$0] })
        toSave.stillOpenPayments = payments.indices.filter { !attached.payments[$0] }.map { payments.rows[$0] }
        toSave.stillOpenSettlement = settlement.indices.filter { !linesClosed[$0] }.map { settlement.rows[$0] }
        let run = try store.save(toSave)
        trace.mark("saved the run")
        // the night's bank credits no payout took are kept, for a payout found later without one
        if let bank {
            let used = Set(result.payouts.compactMap { $0.bankCredit?.source })
            let unused = bank.records.filter {
                $0.gross.minorUnits > 0 && $0.status == .settled && !used.contains($0.provenance)
            }
            try store.keepBankCredits(
                unused.map {
                    BankCreditToKeep(
                        identity: "\($0.provenance)|\($0.settlementId ?? $0.key)|\($0.gross)",
                        reference: $0.settlementId ?? $0.key, amount: $0.gross,
                        bookedMs: $0.settledAt?.millisecondsSince1970)
                }, run: runNumber)
        }
        guard run == runNumber else {
            throw ReconError(.io, "the store saved run \(run) where run \(runNumber) was expected; nothing was saved")
        }
        // the run goes into the audit log, with the SHA-256 of its manifest
        let manifest = SummaryJSONWriter.manifest(report, config: report.configSHA256 ?? "")
        try store.appendAudit(
            at: startedAt, actor: "recon", action: "run", subject: "run \(run)", run: run,
            reason: "exit \(status): " + ReconcileJob.summaryLine(report) + "; manifest sha256 "
                + Self.sha256(Array(manifest.utf8)))
        return Outcome(report: report, status: status, run: run, breaches: breaches)
    }
}
