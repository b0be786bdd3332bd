public import ArgumentParser
import PaymentModels
public import ReconIngest

/// The inputs of the commands that read files one by one (`inspect`, `normalize`).
struct InputOptions: ParsableArguments {
    @Argument(help: "Files (any format recon reads; gzip is detected, - is stdin).", completion: .file())
    var paths: [String]

    @Option(name: .long, help: "Read created payments as this system instead of detecting it.")
    var provider: PaymentSystem?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Read the files a mapping profile (YAML, or a folder of them) reads as it says; repeatable. "
                + "See docs/PROFILES.md."), completion: .file(extensions: ["yaml", "yml"]))
    var profile: [String] = []

    @Option(name: .long, help: TextEncoding.help())
    var encoding: TextEncoding?
}

/// `--encoding NAME` for the commands that read settlement files.
extension TextEncoding: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
    public static var allValueStrings: [String] {
        ["utf-8", "utf-16le", "utf-16be", "gb18030", "windows-1252", "cp852"]
    }

    static func help(_ files: String = "The files'") -> ArgumentHelp {
        ArgumentHelp(
            "\(files) text encoding (\(TextEncoding.names)), instead of detecting it: a file "
                + "that is not UTF-8 and has no byte order mark is otherwise a guess, with a warning.",
            valueName: "name")
    }
}
