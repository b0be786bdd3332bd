import Foundation
import ReconTestSupport
import Testing

/// The matching scenarios in samples/scenarios: each reconciles to its reviewed outputs, and
/// the same lines shuffled and split across two files give the same findings and payouts.
@Suite(.serialized) struct ScenarioTests {
    static let folder = "samples/scenarios"
    static let scenarios = ["payouts", "refunds", "rules", "real-exports", "bank-statements"]
    static let outputs = [
        "discrepancies.csv", "payouts.csv", "in_transit.csv", "summary.json", "report.md", "report.html",
    ]

    static func arguments(_ scenario: String) -> [String] {
        (readFile(CLI.root + "/\(folder)/\(scenario)/args") ?? "").split(separator: "\n").map(String.init)
    }

    @Test(arguments: scenarios) func reconcilesToTheReviewedOutputs(scenario: String) throws {
        let out = makeTemporaryDirectory()
        let result = try CLI.run(["reconcile"] + Self.arguments(scenario) + ["--out", out], directory: Self.folder)
        #expect(result.status == 1, "\(result.stderr)")  // every scenario has findings
        let record = ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1"
        for name in Self.outputs {
            let actual = readFile(out + "/" + name) ?? "(missing)"
            let golden = CLI.root + "/\(Self.folder)/\(scenario)/expected/" + name
            if record { writeFile(golden, actual) }
            #expect(actual == readFile(golden), "\(scenario)/\(name) differs from its expected output")
        }
    }

    /// Rows of a CSV without the columns that name sources (positions change with the order).
    static func withoutSources(_ csv: String) -> [[String]] {
        var rows = csv.split(separator: "\n").map { cells(String($0)) }
        guard !rows.isEmpty else { return [] }
        let header = rows.removeFirst()
        let keep = header.indices.filter { !header[$0].hasSuffix("source") }
        return rows.map { row in keep.map { $0 < row.count ? row[$0] : "" } }
    }

    /// The cells of one CSV line (quoted cells may hold commas and doubled quotes).
    static func cells(_ line: String) -> [String] {
        var cells: [String] = []
        var cell = ""
        var quoted = false
        var previous: Character?
        for c in line {
            if c == "\"" {
                if quoted {
                    quoted = false
                } else {
                    if previous == "\"" { cell.append("\"") }
                    quoted = true
                }
            } else if c == "," && !quoted {
                cells.append(cell)
                cell = ""
            } else {
                cell.append(c)
            }
            previous = c
        }
        return cells + [cell]
    }

    @Test(arguments: ["refunds", "rules"]) func shuffledAndSplitLinesGiveTheSameFindings(scenario: String) throws {
        try Self.shuffleAndSplit(scenario, option: "--settlement", header: true, seed: 11, what: "settlement lines")
    }

    /// The created payments (JSON Lines) shuffled and split across two files, with a seed: the
    /// same findings, payouts and in-transit list (which payment a line goes to never depends on
    /// the order the payments came in).
    @Test(arguments: ["payouts", "refunds", "rules", "real-exports", "bank-statements"])
    func shuffledAndSplitPaymentsGiveTheSameFindings(scenario: String) throws {
        try Self.shuffleAndSplit(scenario, option: "--payments", header: false, seed: 29, what: "created payments")
    }

    /// Reconciles `scenario` as given, then three times with the first file after `option`
    /// shuffled (its header kept on top) and split in two at a seeded random row; the findings,
    /// payouts and in-transit lists (without the columns naming sources) must not change.
    static func shuffleAndSplit(_ scenario: String, option: String, header: Bool, seed: UInt64, what: String) throws {
        let arguments = Self.arguments(scenario)
        let index = try #require(arguments.firstIndex(of: option))
        let file = arguments[index + 1]
        let text = try #require(readFile(CLI.root + "/\(Self.folder)/\(file)"))
        var rows = text.split(separator: "\n").map(String.init)
        let top = header ? [rows.removeFirst()] : []
        let reference = makeTemporaryDirectory()
        let first = try CLI.run(["reconcile"] + arguments + ["--out", reference], directory: Self.folder)
        #expect(first.status == 1 && !Self.withoutSources(readFile(reference + "/discrepancies.csv") ?? "").isEmpty)
        let suffix = file.hasSuffix(".jsonl") ? ".jsonl" : ".csv"
        var random = SeededRandom(seed: seed)
        for _ in 0..<3 {
            rows.shuffle(using: &random)
            let cut = Int.random(in: 1..<rows.count, using: &random)
            let dir = makeTemporaryDirectory()
            writeFile(dir + "/a" + suffix, (top + rows[..<cut]).joined(separator: "\n") + "\n")
            writeFile(dir + "/b" + suffix, (top + rows[cut...]).joined(separator: "\n") + "\n")
            var shuffled = arguments
            shuffled[index + 1] = dir + "/b" + suffix
            shuffled.insert(dir + "/a" + suffix, at: index + 2)
            let out = makeTemporaryDirectory()
            let again = try CLI.run(["reconcile"] + shuffled + ["--out", out], directory: Self.folder)
            #expect(again.status == 1, "\(again.stderr)")
            for name in ["discrepancies.csv", "payouts.csv", "in_transit.csv"] {
                let a = Self.withoutSources(readFile(reference + "/" + name) ?? "")
                let b = Self.withoutSources(readFile(out + "/" + name) ?? "")
                #expect(a == b, "\(scenario)/\(name) changed with the order of the \(what)")
            }
        }
    }
}
