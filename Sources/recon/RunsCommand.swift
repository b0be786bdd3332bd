import ArgumentParser
import ReconKit
import ReconReports
import ReconStore

struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List the runs saved in a store (it must exist: this command never makes one).",
        discussion: """
            One run per line under a header, tab-separated: its number, when it started, the \
            business date of a nightly run (recon run --date), the exit code it ended with (a \
            nightly run's, thresholds included), its summary, and the thresholds it exceeded.
            """)

    @Option(
        name: .long, help: "The store: an SQLite file or postgres://... (default: RECON_STORE_URL, recon.sqlite).",
        completion: .file())
    var store: String?

    @Flag(name: .long, help: "A JSON array of the runs instead.")
    var json = false

    func run() throws {
        try Output.guarded {
            let runs = try StoreAccess.runs(StoreOptions.location(store))
            if json {
                let objects = runs.map { run in
                    JSONText.object(
                        [
                            ("run", "\(run.id)"), ("started_at", JSONText.string(run.startedAt)),
                            ("business_date", run.businessDate.map(JSONText.string) ?? "null"),
                            ("exit", "\(run.exitStatus)"), ("summary", JSONText.string(run.summary)),
                            (
                                "thresholds_exceeded",
                                "[" + run.breaches.map(JSONText.string).joined(separator: ", ") + "]"
                            ),
                        ], indent: 1)
                }
                Output.out(JSONText.array(objects) + "\n")
                return 0
            }
            Output.out("run\tstarted_at\tbusiness_date\texit\tsummary\tthresholds_exceeded\n")
            for run in runs {
                let date = run.businessDate ?? "-"
                let breaches = run.breaches.isEmpty ? "-" : run.breaches.joined(separator: "; ")
                Output.out("\(run.id)\t\(run.startedAt)\t\(date)\t\(run.exitStatus)\t\(run.summary)\t\(breaches)\n")
            }
            return 0
        }
    }
}

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Write a saved run's reports again, as they were written.")

    @Argument(help: "The run's number (see 'recon runs').")
    var number: Int64

    @Option(
        name: .long, help: "The store: an SQLite file or postgres://... (default: RECON_STORE_URL, recon.sqlite).",
        completion: .file())
    var store: String?

    @Option(name: .long, help: "Output directory (created if missing).", completion: .directory)
    var out = "recon-out"

    func run() throws {
        try Output.guarded {
            let files = try StoreAccess.writeOutputs(run: number, store: StoreOptions.location(store), to: out)
            Output.err("recon: run \(number): \(files.joined(separator: ", ")) written to \(out)/\n")
            return 0
        }
    }
}
