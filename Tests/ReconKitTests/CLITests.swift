import Foundation
import ReconTestSupport
import Testing

/// Runs the built `recon` binary from the package root, as a user would.
struct CLI {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    static let binary: String = {
        if let override = ProcessInfo.processInfo.environment["RECON_BIN"] { return override }
        // the test bundle sits next to the executable in the build directory
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = bundle.deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("recon").path), dir.path != "/" {
            dir.deleteLastPathComponent()
        }
        return dir.appendingPathComponent("recon").path
    }()

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs recon in `directory` (relative to the package root; the root when nil).
    static func run(
        _ arguments: [String], stdin: Data? = nil, directory: String? = nil, environment: [String: String] = [:]
    ) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        process.currentDirectoryURL = URL(fileURLWithPath: directory.map { root + "/" + $0 } ?? root)
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        if stdin != nil { process.standardInput = input }
        try process.run()
        if let stdin {
            input.fileHandleForWriting.write(stdin)
            try input.fileHandleForWriting.close()
        }
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        let stderrData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
            stderr: String(decoding: stderrData, as: UTF8.self))
    }

    static let samplePayments = [
        "samples/payments/aggregator.jsonl", "samples/payments/commercelayer.json", "samples/payments/formance.jsonl",
        "samples/payments/wooshpay.json", "samples/payments/yedpay.json",
    ]
}

@Suite(.serialized) struct CLITests {
    /// The samples reconcile to the reviewed outputs in samples/expected (RECORD_SNAPSHOTS=1 rewrites them).
    @Test func samplesMatchTheGoldenOutputs() throws {
        let out = makeTemporaryDirectory()
        let result = try CLI.run(
            ["reconcile", "--payments"] + CLI.samplePayments
                + ["--settlement", "samples/settlement/settlement.csv", "--out", out])
        #expect(result.status == 1, "discrepancies mean exit 1: \(result.stderr)")
        #expect(result.stderr.contains("12 matched, 7 discrepancies, 2 not expected, 6 rejected"))
        let record = ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1"
        for name in ["discrepancies.csv", "in_transit.csv", "summary.json", "rejects.csv", "report.md", "report.html"] {
            let actual = try #require(readFile(out + "/" + name))
            let goldenPath = CLI.root + "/samples/expected/" + name
            if record { writeFile(goldenPath, actual) }
            #expect(actual == readFile(goldenPath), "\(name) differs from samples/expected/\(name)")
        }
    }

    @Test func cleanPairExitsZero() throws {
        let result = try CLI.run([
            "reconcile", "--payments", "samples/clean/payments.jsonl", "--settlement", "samples/clean/settlement.csv",
            "--out", makeTemporaryDirectory(),
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("3 matched, 0 discrepancies, 1 not expected, 0 rejected"))
    }

    @Test func strictStopsAtTheFirstBadRecordWith65() throws {
        let result = try CLI.run([
            "reconcile", "--strict", "--payments", "samples/clean/payments.jsonl",
            "--settlement", "samples/settlement/settlement.csv", "--out", makeTemporaryDirectory(),
        ])
        #expect(result.status == 65)
        #expect(
            result.stderr == "recon: samples/settlement/settlement.csv:20: gross: '12,3O' is not a decimal amount\n")
    }

    @Test func missingFileIs74WithThePath() throws {
        let result = try CLI.run([
            "reconcile", "--payments", "samples/nope.jsonl", "--settlement", "samples/clean/settlement.csv",
            "--out", makeTemporaryDirectory(),
        ])
        #expect(result.status == 74)
        #expect(result.stderr == "recon: samples/nope.jsonl: cannot open: No such file or directory\n")
        let directory = try CLI.run(["inspect", "samples"])
        #expect(directory.status == 74)
        #expect(directory.stderr.contains("samples: is a directory"))
    }

    /// The shell completion scripts complete file names for the path options, folders for
    /// --out, YAML files for --config and --profile, and the encodings by name.
    @Test func completionScriptsCompletePaths() throws {
        let bash = try CLI.run(["--generate-completion-script", "bash"])
        #expect(bash.status == 0)
        let script = bash.stdout
        for option in ["--payments", "--settlement", "--bank", "--store"] {
            let branch = script.components(separatedBy: "'\(option)')").dropFirst().first ?? ""
            #expect(branch.prefix(200).contains("__recon_add_completions -f"), "\(option)")
        }
        #expect(script.contains("'--out')\n        __recon_add_completions -d"))
        #expect(script.contains("-fX '!*.@(yaml|yml)'") && script.contains("'windows-1252'"))
        let zsh = try CLI.run(["--generate-completion-script", "zsh"])
        #expect(zsh.status == 0 && zsh.stdout.contains("_files"))
    }

    /// The progress line: never when stderr is not a terminal (a pipe, cron), unless
    /// --progress; --quiet leaves only errors, and changes no exit code.
    @Test func progressLineAndQuiet() throws {
        let arguments = [
            "reconcile", "--payments", "samples/clean/payments.jsonl", "--settlement", "samples/clean/settlement.csv",
        ]
        let plain = try CLI.run(arguments + ["--out", makeTemporaryDirectory()])
        #expect(plain.status == 0 && !plain.stderr.contains("\u{1B}[K") && plain.stderr.contains("matched"))
        let shown = try CLI.run(arguments + ["--out", makeTemporaryDirectory(), "--progress"])
        #expect(shown.status == 0 && shown.stderr.contains("\u{1B}[Krecon: reading · "), "\(shown.stderr)")
        #expect(shown.stderr.contains(" records · ") && shown.stderr.contains(" elapsed"))
        // the line is cleared before the summary
        #expect(shown.stderr.contains("\u{1B}[Krecon: 3 matched, 0 discrepancies"), "\(shown.stderr)")
        let quiet = try CLI.run(arguments + ["--out", makeTemporaryDirectory(), "--quiet"])
        #expect(quiet.status == 0 && quiet.stderr.isEmpty, "\(quiet.stderr)")
        let store = makeTemporaryDirectory() + "/s.sqlite"
        let imported = try CLI.run(["import", "payments", "samples/clean/payments.jsonl", "--store", store, "--quiet"])
        #expect(imported.status == 0 && imported.stdout.isEmpty && imported.stderr.isEmpty)
        let failing = try CLI.run([
            "reconcile", "--payments", "nope.jsonl", "--settlement", "x.csv", "--quiet", "--out", store + "-out",
        ])
        #expect(failing.status == 74 && failing.stderr.contains("nope.jsonl"), "errors stay: \(failing.stderr)")
    }

    @Test func usageErrorIs64() throws {
        #expect(try CLI.run(["reconcile", "--payments", "x.json"]).status == 64)
        #expect(try CLI.run(["frobnicate"]).status == 64)
    }

    @Test func truncatedGzipIsARejectWithItsByteOffsetAndTheRunGoesOn() throws {
        let dir = makeTemporaryDirectory()
        let csv =
            "settlement_id,provider,reference,gross,currency,fee,net,status,settled_at\n"
            + (1...200).map { "s\($0),p,shop-\($0),1.00,USD,0,1.00,settled,\n" }.joined()
        let gz = dir + "/settlement.csv.gz"
        writeFile(dir + "/settlement.csv", csv)
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/sh")
        gzip.arguments = ["-c", "gzip -c '\(dir)/settlement.csv' | head -c 300 > '\(gz)'"]
        try gzip.run()
        gzip.waitUntilExit()
        let result = try CLI.run([
            "reconcile", "--payments", "samples/clean/payments.jsonl", "--settlement", gz, "--out", dir + "/out",
        ])
        #expect(result.status == 1)
        let rejects = try #require(readFile(dir + "/out/rejects.csv"))
        #expect(rejects.contains("gzip stream is truncated: it ends at compressed byte 300"))
        let summary = try #require(readFile(dir + "/out/summary.json"))
        #expect(summary.contains("\"balanced\": true"))
    }

    @Test func stdinAndGzipAreReadLikeFiles() throws {
        let payments = try Data(contentsOf: URL(fileURLWithPath: CLI.root + "/samples/clean/payments.jsonl"))
        let result = try CLI.run(
            [
                "reconcile", "--payments", "-", "--settlement", "samples/clean/settlement.csv", "--out",
                makeTemporaryDirectory(),
            ],
            stdin: payments)
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test func normalizeAndInspectAndProviders() throws {
        let normalized = try CLI.run(["normalize", "--json-lines", "samples/payments/wooshpay.json"])
        #expect(normalized.status == 0)
        #expect(normalized.stdout.split(separator: "\n").count == 4)
        #expect(normalized.stdout.contains(#""key": "Order112344343""#))
        let inspected = try CLI.run(["inspect", "--json", "samples/settlement/settlement.csv"])
        #expect(inspected.status == 0)
        #expect(inspected.stdout.contains(#""records": 22, "rejected": 4"#))
        #expect(inspected.stdout.contains(#""USD": {"credits": "38.43""#))
        let providers = try CLI.run(["providers"])
        #expect(providers.stdout.contains("commercelayer") && providers.stdout.contains("generic-csv"))
    }

    /// `recon providers --show NAME` works for every settlement format `recon providers` lists:
    /// a CSV layout prints as a profile, a format read by code says what it reads.
    @Test func everyListedFormatCanBeShown() throws {
        let listing = try CLI.run(["providers"]).stdout
        let names = listing.components(separatedBy: "Settlement exports")[1].split(separator: "\n")
            .filter { $0.hasPrefix("  ") }.compactMap { $0.split(separator: " ").first.map(String.init) }
        #expect(names.count >= 17 && names.contains("adyen-settlement") && names.contains("camt"), "\(names)")
        for name in names {
            let shown = try CLI.run(["providers", "--show", name])
            #expect(shown.status == 0 && !shown.stdout.isEmpty, "\(name): \(shown.stderr)")
        }
        let unknown = try CLI.run(["providers", "--show", "no-such-format"])
        #expect(unknown.status == 64 && unknown.stderr.contains("formats: generic-csv"), "\(unknown.stderr)")
    }

    @Test func closedStdoutPipeIsNotAnError() throws {
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/bash")
        shell.currentDirectoryURL = URL(fileURLWithPath: CLI.root)
        let lines = (1...50_000).map {
            #"{"transactionId":"t\#($0)","amount":"1.00","currency":"USD","paymentGatewayType":"alipay-page","status":"succeeded"}"#
        }
        let dir = makeTemporaryDirectory()
        writeFile(dir + "/big.jsonl", lines.joined(separator: "\n"))
        shell.arguments = [
            "-c", "set -o pipefail; '\(CLI.binary)' normalize '\(dir)/big.jsonl' | head -n 1 > /dev/null",
        ]
        try shell.run()
        shell.waitUntilExit()
        #expect(shell.terminationStatus == 0)
    }
}
