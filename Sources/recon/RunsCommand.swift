import ArgumentParser
import ReconKit
import ReconStore

struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs", abstract: "List the runs saved in a store.")

    @Option(name: .long, help: "The store: an SQLite file or postgres://... (default: RECON_STORE_URL, recon.sqlite).")
    var store: String?

    func run() throws {
        try Output.guarded {
            for run in try StoreAccess.runs(StoreOptions.location(store)) {
                Output.out("\(run.id)\t\(run.startedAt)\texit \(run.exitStatus)\t\(run.summary)\n")
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

    @Option(name: .long, help: "The store: an SQLite file or postgres://... (default: RECON_STORE_URL, recon.sqlite).")
    var store: String?

    @Option(name: .long, help: "Output directory (created if missing).")
    var out = "recon-out"

    func run() throws {
        try Output.guarded {
            let files = try StoreAccess.writeOutputs(run: number, store: StoreOptions.location(store), to: out)
            Output.err("recon: run \(number): \(files.joined(separator: ", ")) written to \(out)/\n")
            return 0
        }
    }
}
