import Foundation
import ReconTestSupport
import Testing

/// Hostile inputs (issue 14), each its own file under Tests/ReconKitTests/Hardening: none may
/// trap; each ends in a documented exit code with a positioned message.
@Suite(.serialized) struct HardeningTests {
    static let folder = "Tests/ReconKitTests/Hardening/"

    /// Amounts that add up past Int64 are totalled exactly (sums are 128-bit), in `inspect`, in
    /// the reports and in the store, and a difference past Int64 is named in the detail.
    @Test func sumsAndDifferencesPastInt64NeverTrap() throws {
        let inspect = try CLI.run(["inspect", Self.folder + "sums-past-int64.csv"])
        #expect(inspect.status == 0, "\(inspect.stderr)")
        #expect(inspect.stdout.contains("credits 100000000000000000.00"), "\(inspect.stdout)")
        let out = makeTemporaryDirectory()
        let run = try CLI.run([
            "reconcile", "--payments", Self.folder + "extreme-payments.jsonl", "--settlement",
            Self.folder + "difference-overflows.csv", "--out", out,
        ])
        #expect(run.status == 1, "\(run.stderr)")
        let findings = try #require(readFile(out + "/discrepancies.csv"))
        #expect(findings.contains("by 180000000000000000.00") && findings.contains("by -180000000000000000.00"))
        let summary = try #require(readFile(out + "/summary.json"))
        #expect(summary.contains("\"expected\": \"0.00\"") && summary.contains("\"difference\": \"0.00\""))
        // the same rows in a store, run twice: the second night reads them back and does not trap
        let store = makeTemporaryDirectory() + "/s.sqlite"
        for night in 1...2 {
            let stored = try CLI.run([
                "reconcile", "--store", store, "--payments", Self.folder + "extreme-payments.jsonl",
                "--settlement", Self.folder + "sums-past-int64.csv", "--out", out + "/n\(night)",
            ])
            #expect([0, 1].contains(stored.status), "night \(night): \(stored.stderr)")
        }
    }

    /// One stray byte in a UTF-8 file rejects its row only: the file stays UTF-8, the other
    /// rows keep their amounts, signs and kinds, and the reject names the column and the byte.
    @Test func aStrayByteRejectsItsRowNotTheFile() throws {
        let inspect = try CLI.run(["inspect", Self.folder + "utf8-stray-byte.csv"])
        #expect(inspect.status == 0, "\(inspect.stderr)")
        #expect(inspect.stdout.contains("encoding utf-8\n"), "\(inspect.stdout)")
        #expect(inspect.stdout.contains("3 records, 1 rejected"))
        #expect(inspect.stdout.contains("EUR: credits 10.00, debits -2.50, fees 0.00, net 7.50"))
        #expect(inspect.stdout.contains("kinds: 1 payment, 1 refund"))
        #expect(inspect.stdout.contains("utf8-stray-byte.csv:3: column 1: bytes that are not UTF-8 text (FF at byte 6"))
        let normalized = try CLI.run(["normalize", "--json-lines", Self.folder + "utf8-stray-byte.csv"])
        #expect(normalized.stdout.contains("café-1") && normalized.stdout.contains("réf-3"), "\(normalized.stdout)")
    }

    /// A file that is not UTF-8 and has no byte order mark is read in a guessed encoding only
    /// with a warning (stderr, summary.json, inspect); `--encoding` settles it (any usual name),
    /// `--encoding utf-8` rejects the rows that are not, and a byte order mark beats the option.
    @Test func anEncodingIsGivenOrGuessedAloud() throws {
        let file = Self.folder + "windows-1252.csv"
        let guessed = try CLI.run(["inspect", "--json", file])
        #expect(guessed.stdout.contains("\"encoding\": \"windows-1252\", \"encoding_guessed\": true"))
        let out = makeTemporaryDirectory()
        let run = try CLI.run([
            "reconcile", "--payments", Self.folder + "windows-1252-payments.jsonl", "--settlement", file, "--out", out,
        ])
        // café-1 and naïve-2 match their UTF-8 payments: the guess was right, and is said
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("warning: \(file): read as windows-1252, a guess"), "\(run.stderr)")
        #expect(try #require(readFile(out + "/summary.json")).contains("\"encoding_guessed\": \"windows-1252\""))
        let given = try CLI.run([
            "reconcile", "--payments", Self.folder + "windows-1252-payments.jsonl", "--settlement", file,
            "--encoding", "ISO-8859-1", "--out", out + "/given",
        ])
        #expect(given.status == 0 && !given.stderr.contains("warning"), "\(given.stderr)")
        let normalized = try CLI.run(["normalize", "--json-lines", "--encoding", "cp1252", file])
        #expect(normalized.stdout.contains("\"key\": \"café-1\"") && normalized.stderr.isEmpty, "\(normalized)")
        let utf8 = try CLI.run(["inspect", "--encoding", "utf-8", file])
        #expect(utf8.stdout.contains("2 records, 2 rejected"), "\(utf8.stdout)")
        #expect(utf8.stdout.contains("windows-1252.csv:2: column 1: bytes that are not UTF-8 text (E9 at byte 4"))
        let unknown = try CLI.run(["inspect", "--encoding", "ebcdic", file])
        #expect(unknown.status == 64 && unknown.stderr.contains("'ebcdic' is invalid for '--encoding <name>'"))
        let store = makeTemporaryDirectory() + "/s.sqlite"
        let imported = try CLI.run(["import", "settlement", "--store", store, file])
        #expect(imported.status == 0 && imported.stderr.contains("read as windows-1252, a guess"), "\(imported)")
        // a byte order mark says UTF-8, whatever --encoding says
        let marked = out + "/bom.csv"
        writeFile(marked, "\u{FEFF}reference,amount,currency,date\ncafé-1,10.00,EUR,2024-01-02\n")
        let bom = try CLI.run(["normalize", "--json-lines", "--encoding", "windows-1252", marked])
        #expect(bom.stdout.contains("\"key\": \"café-1\""), "\(bom.stdout)")
    }

    /// A window in days that would overflow a time is refused at start, naming the option or key.
    @Test func hugeWindowsAreUsageErrors() throws {
        let out = makeTemporaryDirectory()
        let flag = try CLI.run([
            "reconcile", "--payments", "samples/clean/payments.jsonl", "--settlement", "samples/clean/settlement.csv",
            "--settlement-window", "999999999999", "--out", out,
        ])
        #expect(flag.status == 64 && flag.stderr.contains("--settlement-window 999999999999"), "\(flag.stderr)")
        writeFile(out + "/rules.yaml", "bank_window_days: 99999999999\n")
        let rules = try CLI.run([
            "reconcile", "--payments", "samples/clean/payments.jsonl", "--settlement", "samples/clean/settlement.csv",
            "--rules", out + "/rules.yaml", "--out", out + "/o",
        ])
        #expect(rules.status == 64 && rules.stderr.contains("'bank_window_days'"), "\(rules.stderr)")
    }

    /// An epoch time that overflows milliseconds is a reject naming the field, not a trap.
    @Test func anEpochNearInt64MaxIsARejectNamingTheField() throws {
        let out = makeTemporaryDirectory()
        let run = try CLI.run([
            "reconcile", "--payments", "samples/clean/payments.jsonl", "--settlement",
            Self.folder + "stripe-created-max.json", "--out", out,
        ])
        #expect(run.status == 1, "\(run.stderr)")
        let rejects = try #require(readFile(out + "/rejects.csv"))
        #expect(rejects.contains(",created,9223372036854775807 is not a time recon can hold"), "\(rejects)")
    }

    /// Text cells that a spreadsheet would run (`=`, `+`, `-`, `@`) are written with a leading
    /// apostrophe in every CSV output, amounts stay numbers, `--csv-raw` keeps them as they are;
    /// report.md shows HTML and Markdown links as text.
    @Test func formulasAreNeutralizedAndMarkupEscaped() throws {
        let out = makeTemporaryDirectory()
        let run = try CLI.run([
            "reconcile", "--payments", "samples/clean/payments.jsonl", "--settlement", Self.folder + "formulas.csv",
            "--out", out,
        ])
        #expect(run.status == 1, "\(run.stderr)")
        let findings = try #require(readFile(out + "/discrepancies.csv"))
        #expect(findings.contains("\"'=HYPERLINK(\"\"http://x\"\")\",") && findings.contains(",'+SUM(1),"))
        #expect(findings.contains(",'@A1,") && findings.contains(",-1.50,USD,"))  // the amount is still a number
        #expect(!findings.contains(",=HYPERLINK") && !findings.contains(",+SUM"))
        let rejects = try #require(readFile(out + "/rejects.csv"))
        #expect(rejects.contains("'abc' is not a decimal amount"))
        let report = try #require(readFile(out + "/report.md"))
        #expect(report.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !report.contains("<script>"))
        #expect(report.contains("\\[x\\](javascript:alert(1))") && !report.contains("| [x](javascript"))
        let raw = try CLI.run([
            "reconcile", "--payments", "samples/clean/payments.jsonl", "--settlement", Self.folder + "formulas.csv",
            "--out", out + "/raw", "--csv-raw",
        ])
        #expect(raw.status == 1)
        let rawFindings = try #require(readFile(out + "/raw/discrepancies.csv"))
        #expect(rawFindings.contains(",+SUM(1),") && !rawFindings.contains("'+SUM"))
    }

    /// Reports are written under a temporary name and renamed into place: a link planted at a
    /// report's name is replaced, its target untouched; an `--out` that is a file is an error (74).
    @Test func outputsNeverFollowALinkAndOutMustBeAFolder() throws {
        let dir = makeTemporaryDirectory()
        writeFile(dir + "/target.txt", "keep me\n")
        try FileManager.default.createDirectory(atPath: dir + "/out", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: dir + "/out/discrepancies.csv", withDestinationPath: dir + "/target.txt")
        let arguments = ["--payments", "samples/clean/payments.jsonl", "--settlement", "samples/clean/settlement.csv"]
        let run = try CLI.run(["reconcile"] + arguments + ["--out", dir + "/out"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(readFile(dir + "/target.txt") == "keep me\n")
        let attributes = try FileManager.default.attributesOfItem(atPath: dir + "/out/discrepancies.csv")
        #expect(attributes[.type] as? FileAttributeType == .typeRegular)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir + "/out").filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty, "\(leftovers)")
        writeFile(dir + "/file", "x\n")
        let file = try CLI.run(["reconcile"] + arguments + ["--out", dir + "/file"])
        #expect(file.status == 74 && file.stderr.contains("exists and is not a directory"), "\(file.stderr)")
    }

    /// Shapes recon will not guess at: each crafted file gives its reject or error, positioned and
    /// naming what is wrong.
    @Test(arguments: [
        ("invalid-date.csv", 0, "settled_at: '2024-02-30T10:00:00Z' is not a date-time"),
        ("empty.csv", 65, "empty.csv: the file is empty"),
        ("duplicate-header.csv", 0, "the header names 'reference' twice (columns 2 and 3)"),
        ("field-counts.csv", 0, "field-counts.csv:2: the row has 6 fields where the header has 5"),
        ("duplicate-payment-key.jsonl", 0, "reference: the record has 'reference' more than once"),
        ("camt-001.99.xml", 0, "camt.053.001.99 is not a camt version recon reads (001.02 to 001.13)"),
    ])
    func shapesReconWillNotGuessAt(file: String, status: Int32, message: String) throws {
        let result = try CLI.run(["inspect", Self.folder + file])
        #expect(result.status == status, "\(file): \(result.stderr)")
        #expect((result.stdout + result.stderr).contains(message), "\(file): \(result.stdout) \(result.stderr)")
    }

    /// The same file as created payments and as settlement is refused before anything is read.
    @Test func theSameFileOnBothSidesIsAUsageError() throws {
        let result = try CLI.run([
            "reconcile", "--payments", "samples/clean/payments.jsonl", "--settlement", "samples/../samples/clean/payments.jsonl",
            "--out", makeTemporaryDirectory(),
        ])
        #expect(result.status == 64 && result.stderr.contains("is given as settlement and as created payments"))
        // and a settlement record naming a member twice is a reject, not the last value silently
        let out = makeTemporaryDirectory()
        _ = try CLI.run([
            "reconcile", "--payments", "samples/clean/payments.jsonl", "--settlement",
            Self.folder + "duplicate-json-key.jsonl", "--out", out,
        ])
        #expect(readFile(out + "/rejects.csv")?.contains("reference,the record has 'reference' more than once") == true)
    }

    /// Bombs stay bounded: YAML anchors and aliases are refused before parsing (profiles, rules,
    /// configs), a zip's sizes are checked against the file before anything is allocated, and a
    /// gzip file that inflates past 200 times its size is refused naming the limit and
    /// `RECON_MAX_EXPANSION`, without holding the output.
    @Test func bombsAreRefusedWithTheirLimitNamed() throws {
        let arguments = ["--payments", "samples/clean/payments.jsonl", "--settlement", "samples/clean/settlement.csv"]
        for option in ["--profile", "--rules"] {
            let result = try CLI.run(
                ["reconcile"] + arguments + [option, Self.folder + "laughs.yaml", "--out", makeTemporaryDirectory()])
            #expect(result.status == 64 && result.stderr.contains("anchors and aliases"), "\(result.stderr)")
        }
        let key = try CLI.run(["run", "--config", Self.folder + "yaml-list-as-key.yaml"])
        #expect(key.status == 64 && key.stderr.contains("a key at line 1 is a list or a mapping"), "\(key.stderr)")
        let config = try CLI.run(["run", "--config", Self.folder + "laughs.yaml"])
        #expect(config.status == 64 && config.stderr.contains("anchors and aliases (& and *) are not accepted (line 1)"))
        let zip = try CLI.run(["inspect", Self.folder + "zip-claims-huge-directory.zip"])
        #expect(zip.status == 65 && zip.stderr.contains("past the end of the"), "\(zip.stderr)")
        // 5M identical lines: a quarter of a megabyte of gzip, 120 MB inflated
        let dir = makeTemporaryDirectory()
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/sh")
        gzip.arguments = [
            "-c", "(echo settlement_id,reference,gross,currency,status; yes s1,A,1.00,USD,settled | head -n 5000000) "
                + "| gzip -9 > \(dir)/bomb.csv.gz",
        ]
        try gzip.run()
        gzip.waitUntilExit()
        let bomb = try CLI.run(["inspect", dir + "/bomb.csv.gz"])
        #expect(bomb.stdout.contains("refused as a likely compression bomb") && bomb.stdout.contains("RECON_MAX_EXPANSION"))
    }

    /// A file that ends damaged imports nothing (65); `--partial` keeps the rows before the
    /// damage as a partial import; rejected rows make the exit code 1; stdin and pipes are read
    /// once (a pipe's content is hashed on the way, never opened twice).
    @Test func damagedImportsAreAllOrNothing() throws {
        let dir = makeTemporaryDirectory()
        let rows = (1...20_000).map { "s\($0),K-\($0),1.00,EUR,settled" }
        let csv = "settlement_id,reference,gross,currency,status\n" + rows.joined(separator: "\n") + "\n"
        writeFile(dir + "/whole.csv", csv)
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/sh")
        gzip.arguments = ["-c", "gzip -c \(dir)/whole.csv > \(dir)/whole.csv.gz && head -c 30000 \(dir)/whole.csv.gz > \(dir)/cut.csv.gz"]
        try gzip.run()
        gzip.waitUntilExit()
        let store = dir + "/s.sqlite"
        let cut = try CLI.run(["import", "settlement", dir + "/cut.csv.gz", "--store", store])
        #expect(cut.status == 65 && cut.stderr.contains("nothing of the file was imported"), "\(cut.stderr)")
        let whole = try CLI.run(["import", "settlement", dir + "/whole.csv", "--store", store])
        #expect(whole.status == 0 && whole.stdout.contains("20000 added, 0 already in the store"), "\(whole.stdout)")
        let partialStore = dir + "/p.sqlite"
        let partial = try CLI.run(["import", "settlement", dir + "/cut.csv.gz", "--partial", "--store", partialStore])
        #expect(partial.status == 1 && partial.stdout.contains("1 rejected"), "\(partial.stdout) \(partial.stderr)")
        let after = try CLI.run(["import", "settlement", dir + "/whole.csv.gz", "--store", partialStore])
        #expect(after.status == 0 && !after.stdout.contains("already imported"), "\(after.stdout)")
        // stdin, read once
        let piped = try CLI.run(
            ["import", "settlement", "-", "--store", dir + "/stdin.sqlite"], stdin: Data(csv.utf8))
        #expect(piped.status == 0 && piped.stdout.contains("20000 added"), "\(piped.stdout) \(piped.stderr)")
        let again = try CLI.run(
            ["import", "settlement", "-", "--store", dir + "/stdin.sqlite"], stdin: Data(csv.utf8))
        #expect(again.stdout.contains("already imported"), "\(again.stdout)")
    }

    /// The fuzz harness, replayed over every crafted input here (inputs the fuzzer found that
    /// crashed a reader are kept as files named fuzz-*): each goes through `inspect` on every
    /// format, the readers, the YAML loaders and the parsers without trapping.
    @Test func theFuzzHarnessReplaysTheCraftedInputs() throws {
        let harness = URL(fileURLWithPath: CLI.binary).deletingLastPathComponent().appendingPathComponent("recon-fuzz")
        try #require(FileManager.default.fileExists(atPath: harness.path), "build recon-fuzz first")
        let files = try FileManager.default.contentsOfDirectory(atPath: CLI.root + "/" + Self.folder).sorted()
        #expect(files.contains { $0.hasPrefix("fuzz-") })
        let process = Process()
        process.executableURL = harness
        process.arguments = files.map { CLI.root + "/" + Self.folder + $0 }
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0 && text.contains("\(files.count) inputs replayed"), "\(text)")
    }
}
