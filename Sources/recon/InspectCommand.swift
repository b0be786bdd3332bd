import ArgumentParser
import PaymentModels
import ReconKit

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show what recon makes of files: format, provider, records, rejects, totals.")

    @Argument(help: "Files to inspect (any format recon reads; .gz and - work too).")
    var paths: [String]

    @Flag(name: .long, help: "One JSON object per file.")
    var json = false

    @Option(name: .long, help: "Read created payments as this system instead of detecting it.")
    var provider: PaymentSystem?

    func run() throws {
        try Output.guarded {
            for path in paths {
                let inspection = try Inspector.inspect(path, forced: provider)
                Output.out(json ? Inspector.json(inspection) + "\n" : Inspector.text(inspection))
            }
            return 0
        }
    }
}
