import ArgumentParser
import PaymentModels
import ReconKit

struct NormalizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "normalize",
        abstract: "Print every record in the shared model, one per line (CSV, or JSON Lines).",
        discussion: "Rejected records are reported on stderr as <file>:<line>: <field>: <reason>.")

    @OptionGroup var input: InputOptions

    @Flag(name: .long, help: "JSON Lines instead of CSV.")
    var jsonLines = false

    @Flag(name: .long, help: "Stop at the first rejected record with exit code 65.")
    var strict = false

    func run() throws {
        let output = BufferedOutput()
        defer { output.flush() }
        try Output.guarded {
            try Normalizer.run(
                input.paths, jsonLines: jsonLines, forced: input.provider,
                profiles: try Inputs.loadProfiles(input.profile), encoding: input.encoding, strict: strict,
                emit: { output.write($0) },
                onReject: { Output.err("recon: \($0.message)\n") },
                warn: { Output.err("recon: warning: \($0)\n") })
            return 0
        }
    }
}

struct ProvidersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "providers", abstract: "List the adapters and the formats each reads.")

    @Option(name: .long, help: "Print this built-in CSV layout as a mapping profile to copy and adjust.")
    var show: String?

    func run() throws {
        try Output.guarded {
            guard let show else {
                Output.out(ProviderListing.text())
                return 0
            }
            Output.out(try ProviderListing.profile(show))
            return 0
        }
    }
}
