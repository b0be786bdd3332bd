import ArgumentParser
import Foundation
import Logging
import PaymentModels
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
            max_missing_amount per currency, max_rejected), 1 when it is not, 64 for a bad config, 74 \
            when the store or a file cannot be used. On a terminal recon says what it is doing; \
            elsewhere (cron) it prints only errors and the summary line.
            """)

    @Option(name: .long, help: "The job's config file (YAML; see samples/nightly/recon.yaml).")
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
        help: "trace, debug, info, notice, warning, error or critical (default: info on a terminal, error elsewhere).")
    var logLevel: String?

    @Flag(name: .long, help: "Reconcile and write the reports, but save nothing.")
    var dryRun = false

    @Flag(name: .long, help: "Write CSV text cells as they are, not neutralized against spreadsheet formulas.")
    var csvRaw = false

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
        let level = logLevel.flatMap(Logger.Level.init(rawValue:)) ?? (isatty(2) == 1 ? .info : .error)
        let format = logFormat
        LoggingSystem.bootstrap { StderrLogHandler(label: $0, format: format, logLevel: level) }
        let log = Logger(label: "recon")
        try Output.guarded {
            let job: JobConfig
            do { job = try JobConfig.load(path: config) } catch { throw ReconError(.usage, "\(error)") }
            let night = try date.map { try Timestamp(parsing: $0) } ?? Timestamp.current
            let base = (config as NSString).deletingLastPathComponent
            let payments = JobConfig.expand(job.payments, date: night, base: base)
            let settlement = JobConfig.expand(job.settlement, date: night, base: base)
            let bank = JobConfig.expand(job.bank, date: night, base: base)
            for pattern in payments.unmatched + settlement.unmatched + bank.unmatched {
                log.warning("no file matches \(pattern)")
            }
            let out = JobConfig.expand([job.out], date: night, base: base)
            let outDirectory = out.paths.first ?? out.unmatched[0]
            var options = ReconcileOptions(
                payments: payments.paths, settlement: settlement.paths, outputDirectory: outDirectory)
            options.rawCSV = csvRaw
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
            let outcome = try StoreReconcileJob.run(
                options, storePath: store, dryRun: dryRun,
                onWait: { log.notice("another run holds the store \(StoreAccess.redacted(store)); waiting for it") },
                progress: { log.info("\($0)") })
            for warning in outcome.report.inputs.compactMap(\.encodingWarning) { log.warning("\(warning)") }
            let saved = outcome.run.map { "run \($0) saved" } ?? "dry run, nothing saved"
            Output.err("recon: \(ReconcileJob.summaryLine(outcome.report)); reports in \(outDirectory)/; \(saved)\n")
            let breaches = job.breaches(outcome.report)
            for reason in breaches { log.error("threshold exceeded: \(reason)") }
            return breaches.isEmpty ? 0 : 1
        }
    }
}

extension StderrLogHandler.Format: ExpressibleByArgument {}
