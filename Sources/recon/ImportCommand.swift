import ArgumentParser
import PaymentModels
import ReconIngest
import ReconKit
import ReconStore

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Normalize files into the store (SQLite), one transaction per file.",
        discussion: """
            A file whose content was imported before (same SHA-256) changes nothing. Records already \
            in the store from an overlapping file are not added twice; two identical rows in one file \
            stay two. Rejected records are kept in the store with their position and reason, and \
            the exit code is 1. A file that ends damaged (a cut gzip or JSON file, a bad zip CRC) \
            imports nothing and exits 65, unless --partial keeps the records before the damage \
            (recorded as a partial import). Standard input (-) and pipes are read once.
            """,
        subcommands: [Payments.self, Settlement.self])

    struct StoreOption: ParsableArguments {
        @Option(
            name: .long,
            help:
                ArgumentHelp(
                    "The store: an SQLite file (created on first use) or postgres://... "
                        + "(default: RECON_STORE_URL, else recon.sqlite)."), completion: .file())
        var store: String?
    }

    struct Payments: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Import created payments.")
        @Argument(help: "Files of created payments (JSON, JSON Lines, gzip).", completion: .file()) var paths: [String]
        @Option(name: .long, help: "Read the payments as this system instead of detecting it.")
        var provider: PaymentSystem?
        @Flag(name: .long, help: "Keep the records before the damage of a file that ends damaged.")
        var partial = false
        @OptionGroup var options: StoreOption
        @OptionGroup var display: ProgressOptions

        func run() throws {
            try Output.guarded {
                let progress = display.start()
                defer { progress?.stop() }
                return try Importer.run(
                    paths, side: .payments, storePath: StoreOptions.location(options.store), forced: provider,
                    profiles: [], partial: partial, meter: progress?.meter,
                    report: { line in ImportCommand.report(line, display, progress) })
            }
        }
    }

    struct Settlement: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Import settlement files.")
        @Argument(help: "Settlement files (any format recon reads).", completion: .file()) var paths: [String]
        @Option(
            name: .long,
            help: "Read the files a mapping profile (YAML, or a folder of them) reads as it says; repeatable.",
            completion: .file(extensions: ["yaml", "yml"]))
        var profile: [String] = []
        @Option(name: .long, help: TextEncoding.help())
        var encoding: TextEncoding?
        @Flag(name: .long, help: "Keep the records before the damage of a file that ends damaged.")
        var partial = false
        @OptionGroup var options: StoreOption
        @OptionGroup var display: ProgressOptions

        func run() throws {
            try Output.guarded {
                let progress = display.start()
                defer { progress?.stop() }
                return try Importer.run(
                    paths, side: .settlement, storePath: StoreOptions.location(options.store), forced: nil,
                    profiles: try Inputs.loadProfiles(profile), encoding: encoding, partial: partial,
                    meter: progress?.meter, report: { line in ImportCommand.report(line, display, progress) },
                    warn: { line in
                        if !display.quiet { Output.err("\r\u{1B}[Krecon: warning: \(line)\n") }
                    })
            }
        }
    }

    /// A file's line: on stdout, under the progress line (cleared first); none with --quiet.
    static func report(_ line: String, _ display: ProgressOptions, _ progress: ProgressLine?) {
        guard !display.quiet else { return }
        if progress != nil { Output.err("\r\u{1B}[K") }
        Output.out(line + "\n")
    }
}
