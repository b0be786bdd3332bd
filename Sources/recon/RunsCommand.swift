import ArgumentParser
import ReconKit
import ReconStore

/// The store option of the commands that use one, checked the same way everywhere.
enum StoreOptions {
    static func check(_ store: String) throws {
        if store.hasPrefix("postgres://") || store.hasPrefix("postgresql://") {
            throw ValidationError("the PostgreSQL store is not built yet; give an SQLite file path to --store")
        }
    }
}

struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs", abstract: "List the runs saved in a store.")

    @Option(name: .long, help: "The store (an SQLite file).")
    var store = "recon.sqlite"

    func validate() throws { try StoreOptions.check(store) }

    func run() throws {
        try Output.guarded {
            for run in try StoreAccess.runs(store) {
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

    @Option(name: .long, help: "The store (an SQLite file).")
    var store = "recon.sqlite"

    @Option(name: .long, help: "Output directory (created if missing).")
    var out = "recon-out"

    func validate() throws { try StoreOptions.check(store) }

    func run() throws {
        try Output.guarded {
            let files = try StoreAccess.writeOutputs(run: number, store: store, to: out)
            Output.err("recon: run \(number): \(files.joined(separator: ", ")) written to \(out)/\n")
            return 0
        }
    }
}
