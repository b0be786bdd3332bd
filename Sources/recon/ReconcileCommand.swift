import ArgumentParser
import PaymentModels
import ReconIngest
import ReconKit
import ReconReports

#if canImport(Glibc)
    import Glibc
#endif

struct ReconcileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Match settlement files against created payments and write the reports.",
        discussion: """
            Writes discrepancies.csv, summary.json, rejects.csv and report.md into --out. \
            Matching tries merchant keys (reference, transactionId, merchant_order_id, custom_id) \
            before provider ids (paymentId, transaction_id, pi_..., charge_id, id). Both sides are \
            read on two threads; 1M payments take about a second.
            """)

    @Option(
        name: .long, parsing: .upToNextOption,
        help: "Created-payment files (JSON, JSON Lines, .gz, or - for stdin).", completion: .file())
    var payments: [String] = []

    @Option(
        name: .long, parsing: .upToNextOption,
        help: "Settlement files and bank statements (CSV, JSON, XML, .gz; see 'recon providers').", completion: .file())
    var settlement: [String] = []

    @Option(
        name: .long, parsing: .upToNextOption,
        help: """
            Bank statements (camt.053/054) to tie the payouts to: each payout batch's payout is \
            matched to a bank credit by the payout id in its references, else by amount within \
            the bank window. Writes payouts.csv.
            """, completion: .file())
    var bank: [String] = []

    @Option(name: .long, help: "Output directory (created if missing).", completion: .directory)
    var out: String = "recon-out"

    @Option(name: .long, help: "Read every created payment as this system instead of detecting it.")
    var provider: PaymentSystem?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Read the --settlement files a mapping profile (YAML, or a folder of them) reads as it says; "
                + "repeatable. See docs/PROFILES.md."), completion: .file(extensions: ["yaml", "yml"]))
    var profile: [String] = []

    @Option(name: .long, help: TextEncoding.help("The --settlement files'"))
    var encoding: TextEncoding?

    @Flag(name: .long, help: "Stop at the first rejected record with exit code 65.")
    var strict = false

    @Flag(
        name: .long,
        help: ArgumentHelp(
            "Write CSV text cells as they are; by default a cell starting with = + - @ is prefixed with ' "
                + "so a spreadsheet shows it instead of running it."))
    var csvRaw = false

    @Option(
        name: .long,
        help: """
            Reconcile everything open in this store (an SQLite file, created on first use, or \
            postgres://...) plus the \
            files given, save the run and carry forward what is still open.
            """, completion: .file())
    var store: String?

    @Flag(name: .long, help: "With --store: reconcile and write the reports, but save nothing.")
    var dryRun = false

    @Option(
        name: .long,
        help: """
            Days a created payment has to settle: one not settled yet and created less than this \
            long before --as-of is in_transit (listed, not a discrepancy). Default 0: no window.
            """)
    var settlementWindow = 0

    @Option(name: .long, help: "The date the settlement window is measured to (ISO 8601; default: now).")
    var asOf: String?

    @Option(
        name: .long,
        help: """
            Matching rules (YAML): amount tolerances, expected fees and the settlement window; \
            see samples/rules.yaml.
            """, completion: .file(extensions: ["yaml", "yml"]))
    var rules: String?

    func validate() throws {
        guard settlementWindow >= 0 else {
            throw ValidationError("--settlement-window is a number of days, 0 or more (got \(settlementWindow))")
        }
        if let asOf, (try? Timestamp(parsing: asOf)) == nil {
            throw ValidationError("--as-of '\(asOf)' is not a date such as 2024-05-03 or 2024-05-03T06:00:00Z")
        }
        if dryRun && store == nil { throw ValidationError("--dry-run goes with --store") }
        if strict && store != nil {
            throw ValidationError("--strict is not available with --store yet: rejected records are kept in the store")
        }
    }

    @OptionGroup var display: ProgressOptions

    func run() throws {
        // checked here, not in validate(): a mistyped flag (`--settlment`) is then reported as
        // unknown, with the nearest valid one, before any of these
        if store == nil {
            guard !payments.isEmpty else { throw ValidationError("give at least one --payments file") }
            guard !settlement.isEmpty else { throw ValidationError("give at least one --settlement file") }
        }
        try Output.guarded {
            let progress = display.start()
            defer { progress?.stop() }
            var options = ReconcileOptions(payments: payments, settlement: settlement, outputDirectory: out)
            options.meter = progress?.meter
            options.strict = strict
            options.rawCSV = csvRaw
            options.forcedPaymentSystem = provider
            options.settlementProfiles = try Inputs.loadProfiles(profile)
            options.settlementEncoding = encoding
            if !bank.isEmpty { options.bank = bank }
            try options.apply(
                rulesFile: rules, windowDays: settlementWindow,
                asOf: try asOf.map { try Timestamp(parsing: $0) } ?? Timestamp.current)
            if let store {
                let outcome = try StoreReconcileJob.run(
                    options, storePath: store, dryRun: dryRun,
                    onWait: {
                        let name = StoreAccess.redacted(store)
                        Output.err("recon: another run holds the store \(name); waiting for it\n")
                    })
                progress?.stop()
                warnOfGuesses(outcome.report)
                let saved = outcome.run.map { "run \($0) saved" } ?? "dry run, nothing saved"
                say("recon: \(ReconcileJob.summaryLine(outcome.report)); reports in \(out)/; \(saved)\n")
                return outcome.status
            }
            let outcome = try ReconcileJob.run(options)
            progress?.stop()
            warnOfGuesses(outcome.report)
            say("recon: \(ReconcileJob.summaryLine(outcome.report)); reports in \(out)/\n")
            // exit here, holding the working set: the system takes the memory back at once
            Glibc.exit(outcome.status)
        }
    }

    /// A file read in a guessed encoding is said on stderr (and in summary.json).
    func warnOfGuesses(_ report: RunReport) {
        for warning in report.inputs.compactMap(\.encodingWarning) { say("recon: warning: \(warning)\n") }
    }

    /// What is not an error goes to stderr unless --quiet.
    func say(_ line: String) {
        if !display.quiet { Output.err(line) }
    }
}
