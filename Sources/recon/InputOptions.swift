import ArgumentParser
import PaymentModels

/// The inputs of the commands that read files one by one (`inspect`, `normalize`).
struct InputOptions: ParsableArguments {
    @Argument(help: "Files (any format recon reads; gzip is detected, - is stdin).")
    var paths: [String]

    @Option(name: .long, help: "Read created payments as this system instead of detecting it.")
    var provider: PaymentSystem?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Read the files a mapping profile (YAML, or a folder of them) reads as it says; repeatable. "
                + "See docs/PROFILES.md."))
    var profile: [String] = []
}
