import ArgumentParser
import Foundation
import Logging
import PaymentModels
import ReconIngest
import ReconKit
import ReconReports

#if canImport(Glibc)
    import Glibc
#endif

/// `recon run`: the nightly job, as cron or a systemd timer starts it (see scripts/cron).
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "The nightly job: reconcile what a config file names, on its store, and judge the thresholds.",
        discussion: """
            Exit code 0 when the run is within the config's thresholds (max_discrepancies, \
            max_missing_amount per currency, max_rejected; an unset one is no threshold), 1 when it \
            is not, 64 for a bad config, 74 when the config, the store or a file cannot be used, \
            including a night with no file for a pattern that is not `required: false` (then \
            nothing is changed). On a terminal recon says what it is doing; elsewhere (cron) it \
            prints warnings, errors and the summary line, each as JSON with --log-format json.
            """)

    @Option(
        name: .long, help: "The job's config file (YAML; see samples/nightly/recon.yaml).",
        completion: .file(extensions: ["yaml", "yml"]))
    var config = "recon.yaml"

    @Option(
        name: .long,
        help:
            "The night: the date in the config's paths ({yyyy}{mm}{dd}) and the settlement window's end (default: now)."
    )
    var date: String?

    @Option(name: .long, help: "text, or json for log collectors.")
    var logFormat: StderrLogHandler.Format = .text

    @Option(
        name: .long,
        help: "trace, debug, info, notice, warning, error or critical (default: info on a terminal, warning elsewhere)."
    )
    var logLevel: String?

    @Flag(name: .long, help: "Reconcile and write the reports, but save nothing.")
    var dryRun = false

    @Flag(name: .long, help: "Write CSV text cells as they are, not neutralized against spreadsheet formulas.")
    var csvRaw = false

    @OptionGroup var display: ProgressOptions

    func validate() throws {
        if let logLevel, Logger.Level(rawValue: logLevel) == nil {
            throw ValidationError(
                "--log-level '\(logLevel)' is not trace, debug, info, notice, warning, error or critical")
        }
        if let date, (try? Timestamp(parsing: date)) == nil {
            throw ValidationError("--date '\(date)' is not a date such as 2024-05-03")
        }
    }

    func run() throws {
        // warnings always reach stderr: cron mails what a job writes there
        let level =
            logLevel.flatMap(Logger.Level.init(rawValue:))
            ?? (display.quiet ? .error : isatty(2) == 1 ? .info : .warning)
        let format = logFormat
        LoggingSystem.bootstrap { StderrLogHandler(label: $0, format: format, logLevel: level) }
        let log = Logger(label: "recon")
        // the summary and the error line are written whatever the level, in the log's format
        let say = { (level: Logger.Level, message: String) in
            Output.err(StderrLogHandler.line(format, level: level, message))
        }
        try Output.guarded(say: { say(.error, $0) }) {
            let progress = display.start()
            defer { progress?.stop() }
            let job: JobConfig
            do {
                job = try JobConfig.load(path: config)
            } catch let error as JobConfig.Unreadable {
                throw ReconError(.io, error.description)
            } catch {
                throw ReconError(.usage, "\(error)")
            }
            let night = try date.map { try Timestamp(parsing: $0) } ?? Timestamp.current
            let businessDate = String(night.description.prefix(10))
            let base = (config as NSString).deletingLastPathComponent
            let payments = JobConfig.expand(job.payments, date: night, base: base)
            let settlement = JobConfig.expand(job.settlement, date: night, base: base)
            let bank = JobConfig.expand(job.bank, date: night, base: base)
            // a night whose file never came is a failure, never a clean run: before anything is changed
            for (name, side) in [("payments", payments), ("settlement", settlement), ("bank", bank)] {
                for pattern in side.unmatched {
                    guard pattern.required else {
                        log.warning(
                            "no file matches the \(name) pattern \(pattern.path) on \(businessDate) (not required)")
                        continue
                    }
                    throw ReconError(
                        .io,
                        "no file matches the \(name) pattern \(pattern.path) on the business date \(businessDate); "
                            + "nothing was changed (a pattern that may find no file is written "
                            + "{path: \"...\", required: false})")
                }
            }
            let out = JobConfig.expand([JobConfig.InputPattern(job.out)], date: night, base: base)
            let outDirectory = out.paths.first ?? out.unmatched[0].path
            var options = ReconcileOptions(
                payments: payments.paths, settlement: settlement.paths, outputDirectory: outDirectory)
            options.rawCSV = csvRaw
            options.meter = progress?.meter
            options.settlementProfiles = try Inputs.loadProfiles(
                job.profiles.map { $0.hasPrefix("/") || base.isEmpty ? $0 : base + "/" + $0 })
            if !job.bank.isEmpty { options.bank = bank.paths }
            try options.apply(
                rulesFile: job.rules.map { $0.hasPrefix("/") || base.isEmpty ? $0 : base + "/" + $0 },
                windowDays: job.settlementWindowDays, asOf: night)
            let isServer = StoreAccess.isServer(job.store)
            let store = isServer || job.store.hasPrefix("/") || base.isEmpty ? job.store : base + "/" + job.store
            // a store file's folder is made on the first night
            let folder = (store as NSString).deletingLastPathComponent
            if !isServer && !folder.isEmpty {
                do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch
                {
                    throw ReconError(.io, "\(folder): cannot create the store's folder: \(error.localizedDescription)")
                }
            }
            let rulesFile = job.rules.map { $0.hasPrefix("/") || base.isEmpty ? $0 : base + "/" + $0 }
            let judged = StoreReconcileJob.Night(
                businessDate: businessDate, configFiles: [config] + (rulesFile.map { [$0] } ?? []),
                exceptionTiers: job.exceptionTiers, judge: { job.breaches($0) })
            let outcome = try StoreReconcileJob.run(
                options, storePath: store, dryRun: dryRun, night: judged,
                onWait: { log.notice("another run holds the store \(StoreAccess.redacted(store)); waiting for it") },
                progress: { step in
                    // on the progress line when there is one, else as a log line
                    if let progress { progress.meter.enter(step) } else { log.info("\(step)") }
                })
            progress?.stop()
            for warning in outcome.report.inputs.compactMap(\.encodingWarning) { log.warning("\(warning)") }
            let saved = outcome.run.map { "run \($0) saved" } ?? "dry run, nothing saved"
            if !display.quiet {
                say(.notice, "\(ReconcileJob.summaryLine(outcome.report)); reports in \(outDirectory)/; \(saved)")
            }
            for reason in outcome.breaches { say(.error, "threshold exceeded: \(reason)") }
            return outcome.status
        }
    }
}

extension StderrLogHandler.Format: ExpressibleByArgument {}
