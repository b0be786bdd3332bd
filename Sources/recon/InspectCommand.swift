import ArgumentParser
import ReconKit

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show what recon makes of files: format, provider, records, rejects, totals.")

    @OptionGroup var input: InputOptions

    @Flag(name: .long, help: "One JSON object per file.")
    var json = false

    func run() throws {
        try Output.guarded {
            let profiles = try Inputs.loadProfiles(input.profile)
            for path in input.paths {
                let inspection = try Inspector.inspect(
                    path, forced: input.provider, profiles: profiles, encoding: input.encoding)
                Output.out(json ? Inspector.json(inspection) + "\n" : Inspector.text(inspection))
            }
            return 0
        }
    }
}
