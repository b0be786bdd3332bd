import ArgumentParser
import PaymentModels

/// The inputs of the commands that read files one by one (`inspect`, `normalize`).
struct InputOptions: ParsableArguments {
    @Argument(help: "Files (any format recon reads; gzip is detected, - is stdin).")
    var paths: [String]

    @Option(name: .long, help: "Read created payments as this system instead of detecting it.")
    var provider: PaymentSystem?

    @Option(name: .long, help: "Read the files as this mapping profile (YAML) says; see samples/profiles/.")
    var profile: String?
}
