import Foundation
import ReconTestSupport
import Testing

/// `recon run --config`: the nightly job from samples/nightly, three nights on one store.
@Suite(.serialized) struct NightlyRunCLITests {
    /// A copy of samples/nightly, so the job's state is made in a temporary folder.
    static func copyOfSample(store kind: String = "sqlite") throws -> String {
        let dir = makeTemporaryDirectory() + "/nightly"
        try FileManager.default.copyItem(atPath: CLI.root + "/samples/nightly", toPath: dir)
        try? FileManager.default.removeItem(atPath: dir + "/state")
        if kind == "postgres" {
            let config = try #require(readFile(dir + "/recon.yaml"))
            writeFile(
                dir + "/recon.yaml", config.replacingOccurrences(of: "state/recon.sqlite", with: TestStores.make(kind)))
        }
        return dir
    }

    @Test(arguments: TestStores.kinds)
    func threeNightsCarryForwardAndTheThresholdsDecideTheExitCode(kind: String) throws {
        let dir = try Self.copyOfSample(store: kind)
        let config = dir + "/recon.yaml"
        let first = try CLI.run(["run", "--config", config, "--date", "2024-05-02"])
        // the run used the store the config names (a PostgreSQL database is not a file here)
        #expect(FileManager.default.fileExists(atPath: dir + "/state/recon.sqlite") == (kind == "sqlite"))
        #expect(first.status == 0, "\(first.stderr)")
        // not a terminal: only the summary line, no progress
        #expect(
            first.stderr == "recon: 2 matched, 0 discrepancies, 0 not expected, 0 rejected; 2 in transit; "
                + "reports in \(dir)/state/out/2024-05-02/; run 1 saved\n")

        let second = try CLI.run(["run", "--config", config, "--date", "2024-05-03", "--log-level", "info"])
        #expect(second.status == 0, "one discrepancy is within max_discrepancies 1: \(second.stderr)")
        // yesterday's file, sent again, is recognised and changes nothing
        #expect(second.stderr.contains("settlement-2024-05-03-resent.csv"))
        let inputs = try #require(readFile(dir + "/state/out/2024-05-03/summary.json"))
        #expect(inputs.contains("\"format\": \"already imported\""))
        let findings = try #require(readFile(dir + "/state/out/2024-05-03/discrepancies.csv"))
        #expect(findings.contains("duplicate_settlement,ORD-1001,") && findings.contains("run 1 already settled"))
        #expect(!findings.contains("ORD-1003"))  // settled a night late: matched

        let third = try CLI.run(["run", "--config", config, "--date", "2024-05-06", "--log-format", "json"])
        #expect(third.status == 1)
        // every line is JSON, the summary included
        let lines = third.stderr.split(separator: "\n").map(String.init)
        let objects = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String] }
        #expect(objects.count == lines.count && !lines.isEmpty, "\(third.stderr)")
        #expect(objects.map { $0["level"] } == ["notice", "error"], "\(third.stderr)")
        #expect(objects.first?["message"]?.contains("1 discrepancies") == true)
        #expect(
            objects.last?["message"]?.contains(
                "40.00 EUR missing in settlement, more than max_missing_amount 30.00 EUR") == true)
    }

    /// The window may come from the rules file the config names; a bad rules file stops the job.
    @Test func theConfigsRulesFileIsUsedAndABadOneRefused() throws {
        let dir = try Self.copyOfSample()
        let config = try #require(readFile(dir + "/recon.yaml"))
        writeFile(
            dir + "/recon.yaml",
            config.replacingOccurrences(of: "settlement_window_days: 3", with: "rules: rules.yaml"))
        writeFile(dir + "/rules.yaml", "settlement_window_days: 3d\n")
        let first = try CLI.run(["run", "--config", dir + "/recon.yaml", "--date", "2024-05-02"])
        #expect(first.status == 0 && first.stderr.contains("2 in transit"), "\(first.stderr)")
        writeFile(dir + "/rules.yaml", "settlement_window: 3\n")
        let bad = try CLI.run(["run", "--config", dir + "/recon.yaml", "--date", "2024-05-03"])
        #expect(bad.status == 64 && bad.stderr.contains("config key 'settlement_window': unknown key"), "\(bad.stderr)")
    }

    /// A night's settlement files read through a folder of profiles (`profiles:`): the typed
    /// CSV export is read by its profile, the generic settlement file by detection as before.
    @Test func theConfigsProfilesFolderReadsTheFilesItDescribes() throws {
        let dir = try Self.copyOfSample()
        let config = try #require(readFile(dir + "/recon.yaml"))
        try FileManager.default.createDirectory(atPath: dir + "/profiles", withIntermediateDirectories: true)
        writeFile(dir + "/profiles/typed.yaml", try #require(readFile(CLI.root + "/samples/profiles/typed-records.yaml")))
        writeFile(dir + "/settlement/typed-2024-05-02.csv", "H;B-1;2024-05-02\nI;T-9;ORD-9999;5.00;EUR;0.10;DEPOSIT;2024-05-02T10:00:00Z\nF;1;5.00\n")
        writeFile(
            dir + "/recon.yaml",
            config.replacingOccurrences(of: "settlement: [", with: "profiles: [profiles]\nsettlement: [\"settlement/typed-{yyyy}-{mm}-{dd}.csv\", "))
        let night = try CLI.run(["run", "--config", dir + "/recon.yaml", "--date", "2024-05-02"])
        let summary = try #require(readFile(dir + "/state/out/2024-05-02/summary.json"), "\(night.stderr)")
        #expect(summary.contains("\"provider\": \"typed-records\""), "\(summary)")
        #expect(night.stderr.contains("1 discrepancies") || night.stderr.contains("unexpected"), "\(night.stderr)")
    }

    /// The three nights give byte-identical findings on SQLite and on PostgreSQL.
    @Test(.enabled(if: TestStores.kinds.contains("postgres"))) func bothStoresGiveTheSameNights() throws {
        let dirs = try TestStores.kinds.map { try Self.copyOfSample(store: $0) }
        for date in ["2024-05-02", "2024-05-03", "2024-05-06"] {
            let results = try dirs.map { try CLI.run(["run", "--config", $0 + "/recon.yaml", "--date", date]) }
            #expect(results[0].status == results[1].status)
            for name in ["discrepancies.csv", "in_transit.csv", "rejects.csv"] {
                let outputs = dirs.map {
                    readFile("\($0)/state/out/\(date)/\(name)")?.replacingOccurrences(of: $0, with: "")
                }
                #expect(outputs[0] != nil && outputs[0] == outputs[1], "\(date) \(name)")
            }
        }
    }

    @Test func progressShowsWhenAskedFor() throws {
        let dir = try Self.copyOfSample()
        let result = try CLI.run([
            "run", "--config", dir + "/recon.yaml", "--date", "2024-05-02", "--log-level", "info",
        ])
        #expect(result.stderr.contains("recon: importing payments") && result.stderr.contains("recon: saving the run"))
    }

    @Test(arguments: [
        ("store: s.sqlite\nmax_discrepancy: 3\n", "max_discrepancy", "unknown key"),
        ("max_discrepancies: -1\n", "max_discrepancies", "0 or more"),
        ("max_missing_amount: {EUR: \"1.005\"}\n", "max_missing_amount", "not an exact amount"),
        ("max_missing_amount: {XXY: \"1\"}\n", "max_missing_amount", "not an ISO 4217"),
        ("settlement_window_days: three\n", "settlement_window_days", "whole number"),
    ])
    func aBadConfigIsAUsageErrorNamingTheKey(text: String, key: String, problem: String) throws {
        let dir = makeTemporaryDirectory()
        writeFile(dir + "/recon.yaml", text)
        let result = try CLI.run(["run", "--config", dir + "/recon.yaml"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("config key '\(key)'") && result.stderr.contains(problem), "\(result.stderr)")
    }

    /// The cron contract (issue 15, point 4), through the real binary: a night with no file for
    /// a required pattern exits 74 naming it and its business date and changes nothing; an
    /// optional pattern's absence is a warning cron sees; `recon runs` says the job's exit code,
    /// its night and the thresholds exceeded, as text under a header and as JSON.
    @Test(arguments: TestStores.kinds)
    func aMissingFileFailsTheNightAndRunsSayWhatTheJobReturned(kind: String) throws {
        let dir = try Self.copyOfSample(store: kind)
        let config = dir + "/recon.yaml"
        let first = try CLI.run(["run", "--config", config, "--date", "2024-05-02"])
        #expect(first.status == 0, "\(first.stderr)")
        let missing = try CLI.run(["run", "--config", config, "--date", "2024-05-04"])
        #expect(missing.status == 74, "\(missing.stderr)")
        #expect(
            missing.stderr.contains(
                "no file matches the settlement pattern \(dir)/settlement/settlement-2024-05-04*.csv on the business "
                    + "date 2024-05-04; nothing was changed"), "\(missing.stderr)")
        let store = kind == "sqlite" ? dir + "/state/recon.sqlite" : try #require(
            readFile(config)?.split(separator: "\n").first { $0.hasPrefix("store: ") }.map { String($0.dropFirst(7)) })
        let afterMissing = try CLI.run(["runs", "--store", store])
        #expect(afterMissing.stdout.split(separator: "\n").count == 2, "only the first night: \(afterMissing.stdout)")

        // the pattern marked optional: the night runs, and the absence is said on stderr
        let text = try #require(readFile(config))
        writeFile(
            config,
            text.replacingOccurrences(
                of: "settlement: [\"settlement/settlement-{yyyy}-{mm}-{dd}*.csv\"]",
                with: "settlement: [{path: \"settlement/settlement-{yyyy}-{mm}-{dd}*.csv\", required: false}]"))
        let optional = try CLI.run(["run", "--config", config, "--date", "2024-05-04"])
        #expect(optional.status == 0, "\(optional.stderr)")
        #expect(optional.stderr.contains("warning: no file matches the settlement pattern"), "\(optional.stderr)")
        let third = try CLI.run(["run", "--config", config, "--date", "2024-05-06"])
        #expect(third.status == 1)

        let runs = try CLI.run(["runs", "--store", store])
        let lines = runs.stdout.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false) }
        #expect(lines.first == ["run", "started_at", "business_date", "exit", "summary", "thresholds_exceeded"])
        #expect(lines.dropFirst().map { [String($0[2]), String($0[3])] } == [["2024-05-02", "0"], ["2024-05-04", "0"], ["2024-05-06", "1"]])
        // the night of 3 May was skipped: ORD-1003 is missing too
        let exceeded = "2 discrepancies, more than max_discrepancies 1; 49.90 EUR missing in settlement, "
            + "more than max_missing_amount 30.00 EUR"
        #expect(lines.last.map { String($0.last ?? "") } == exceeded, "\(runs.stdout)")
        let json = try CLI.run(["runs", "--store", store, "--json"])
        let objects = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(objects.map { $0["exit"] as? Int } == [0, 0, 1])
        #expect(objects.last?["business_date"] as? String == "2024-05-06")
        #expect((objects.last?["thresholds_exceeded"] as? [String])?.count == 2)
    }

    /// Read-only commands never make a store; a missing config is 74 naming it; a mistyped
    /// flag is reported as unknown with the nearest valid one.
    @Test func missingStoresConfigsAndMistypedFlagsAreSaidForWhatTheyAre() throws {
        let dir = makeTemporaryDirectory()
        for command in [["runs"], ["report", "1"]] {
            let result = try CLI.run(command + ["--store", dir + "/none.sqlite"])
            #expect(result.status == 74 && result.stderr.contains("none.sqlite: no store here"), "\(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir + "/none.sqlite"))
        }
        let config = try CLI.run(["run", "--config", dir + "/recon.yaml"])
        #expect(config.status == 74 && config.stderr.contains("recon.yaml: cannot read the config file"), "\(config.stderr)")
        let flag = try CLI.run([
            "reconcile", "--payments", "samples/clean/payments.jsonl", "--settlment", "samples/clean/settlement.csv",
        ])
        #expect(flag.status == 64 && flag.stderr.contains("Unknown option '--settlment'. Did you mean '--settlement'?"))
        let runFlag = try CLI.run(["run", "--confg", "recon.yaml"])
        #expect(runFlag.status == 64 && runFlag.stderr.contains("Unknown option '--confg'"), "\(runFlag.stderr)")
    }

    /// A threshold left out is no threshold; `"*": "0"` takes every currency not named.
    @Test func unsetThresholdsAreNoThresholds() throws {
        let dir = try Self.copyOfSample()
        let config = dir + "/recon.yaml"
        let text = try #require(readFile(config))
        let bare = text.replacingOccurrences(of: "max_discrepancies: 1\n", with: "")
            .replacingOccurrences(of: "max_missing_amount: {EUR: \"30.00\"}\n", with: "")
        writeFile(config, bare)
        for night in ["2024-05-02", "2024-05-03", "2024-05-06"] {
            let run = try CLI.run(["run", "--config", config, "--date", night])
            #expect(run.status == 0, "\(night): no thresholds, no failure: \(run.stderr)")
        }
        let other = try Self.copyOfSample()
        let strict = bare.replacingOccurrences(of: "settlement_window_days: 3\n", with: "settlement_window_days: 3\nmax_missing_amount: {USD: \"100.00\", \"*\": \"0\"}\n")
        writeFile(other + "/recon.yaml", strict)
        for night in ["2024-05-02", "2024-05-03"] { _ = try CLI.run(["run", "--config", other + "/recon.yaml", "--date", night]) }
        let judged = try CLI.run(["run", "--config", other + "/recon.yaml", "--date", "2024-05-06"])
        #expect(judged.status == 1 && judged.stderr.contains("40.00 EUR missing in settlement, more than max_missing_amount 0.00 EUR"), "\(judged.stderr)")
    }
}
