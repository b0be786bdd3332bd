import Foundation
import ReconTestSupport
import Testing

/// Nights of `recon reconcile --store`: carry-forward, late settlements, duplicates across runs,
/// dry runs, and saved runs listed and written again.
@Suite(.serialized) struct StoreRunCLITests {
    static func payment(_ reference: String, _ cents: Int, day: Int) -> String {
        #"{"reference":"\#(reference)","connectorID":"c","createdAt":"2024-05-0\#(day)T05:00:00Z","amount":\#(cents),"#
            + #""type":"PAY-IN","status":"SUCCEEDED","asset":"USD/2"}"# + "\n"
    }

    static func settlement(_ rows: [(id: String, reference: String, gross: String)]) -> String {
        "settlement_id,provider,reference,gross,currency,fee,net,status,settled_at\n"
            + rows.map {
                "\($0.id),formance,\($0.reference),\($0.gross),USD,0,\($0.gross),settled,2024-05-03T10:00:00Z\n"
            }
            .joined()
    }

    /// A refund settled nights after its payment links to the payment an earlier run closed; a
    /// fee line is an account item; neither is left open.
    @Test(arguments: TestStores.kinds)
    func aLateRefundLinksToThePaymentAnEarlierRunSettled(kind: String) throws {
        let dir = makeTemporaryDirectory()
        writeFile(dir + "/pay.jsonl", Self.payment("A", 1000, day: 1))
        let header = "settlement_id,provider,reference,type,gross,currency,status,settled_at\n"
        writeFile(dir + "/n1.csv", header + "st_1,formance,A,payment,10.00,USD,settled,2024-05-02T10:00:00Z\n")
        writeFile(
            dir + "/n2.csv",
            header + "re_1,formance,A,refund,-4.00,USD,settled,2024-05-09T10:00:00Z\n"
                + "fee_1,formance,,fee,-0.50,USD,settled,2024-05-09T10:00:00Z\n")
        let store = TestStores.make(kind)
        let first = try CLI.run([
            "reconcile", "--store", store, "--out", dir + "/o1", "--payments", dir + "/pay.jsonl", "--settlement",
            dir + "/n1.csv",
        ])
        #expect(first.status == 0, "\(first.stderr)")
        let second = try CLI.run(["reconcile", "--store", store, "--out", dir + "/o2", "--settlement", dir + "/n2.csv"])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(readFile(dir + "/o2/discrepancies.csv")?.split(separator: "\n").count == 1)  // the header only
        let third = try CLI.run(["reconcile", "--store", store, "--out", dir + "/o3", "--dry-run"])
        #expect(third.stderr.contains("0 matched, 0 discrepancies"), "\(third.stderr)")
        #expect(readFile(dir + "/o3/summary.json")?.contains(#""read": 0"#) == true)
    }

    /// A payout batch whose lines came on two nights is tied out whole on the night of its
    /// payout, and to the bank credit of that night; a short payout is a finding.
    @Test(arguments: TestStores.kinds)
    func aBatchSpreadOverTwoNightsIsTiedOutWhole(kind: String) throws {
        let dir = makeTemporaryDirectory()
        writeFile(dir + "/pay.jsonl", Self.payment("A", 1000, day: 1) + Self.payment("B", 500, day: 1))
        let header = "settlement_id,provider,reference,type,gross,currency,fee,net,status,settled_at,payout_id\n"
        writeFile(
            dir + "/n1.csv", header + "st_1,formance,A,payment,10.00,USD,0.30,9.70,settled,2024-05-02T10:00:00Z,P-1\n")
        func night2(payout: String) -> String {
            header + "st_2,formance,B,payment,5.00,USD,0.15,4.85,settled,2024-05-03T10:00:00Z,P-1\n"
                + "fee_1,formance,,fee,-0.50,USD,,,settled,2024-05-03T11:00:00Z,P-1\n"
                + "po_1,formance,P-1,payout,-\(payout),USD,,,settled,2024-05-04T00:00:00Z,P-1\n"
        }
        writeFile(dir + "/n2.csv", night2(payout: "14.05"))  // 9.70 + 4.85 - 0.50
        writeFile(dir + "/n2-short.csv", night2(payout: "14.00"))
        writeFile(
            dir + "/bank.xml",
            camt053Statement(
                """
                <Ntry><Amt Ccy="USD">14.05</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
                <BookgDt><Dt>2024-05-04</Dt></BookgDt><AcctSvcrRef>B-1</AcctSvcrRef>
                <NtryDtls><TxDtls><RmtInf><Ustrd>PAYOUT P-1</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>

                """))
        let store = TestStores.make(kind)
        let first = try CLI.run([
            "reconcile", "--store", store, "--out", dir + "/o1", "--payments", dir + "/pay.jsonl", "--settlement",
            dir + "/n1.csv",
        ])
        #expect(first.status == 1, "\(first.stderr)")  // B not settled yet
        // a dry run of the short night, then the right one, both after night 1
        let short = try CLI.run([
            "reconcile", "--store", store, "--out", dir + "/short", "--settlement", dir + "/n2-short.csv", "--dry-run",
        ])
        #expect(readFile(dir + "/short/discrepancies.csv")?.contains("payout_mismatch,P-1,") == true, "\(short.stderr)")
        let second = try CLI.run([
            "reconcile", "--store", store, "--out", dir + "/o2", "--settlement", dir + "/n2.csv", "--bank",
            dir + "/bank.xml",
        ])
        #expect(second.status == 0, "\(second.stderr)")
        let payouts = try #require(readFile(dir + "/o2/payouts.csv"))
        // four lines over two nights, 15.00 - 0.95 fees, credited by reference
        #expect(payouts.contains("P-1,USD,4,15.00,0.95,0.00,0.00,0.00,14.05,14.05,"), "\(payouts)")
        #expect(payouts.contains(",reference,tied"), "\(payouts)")
    }

    /// The same nights on SQLite and on PostgreSQL give the same findings.
    @Test(arguments: TestStores.kinds)
    func nightsCarryForwardWhatIsOpenAndRememberWhatSettled(kind: String) throws {
        let dir = makeTemporaryDirectory()
        writeFile(dir + "/n1-pay.jsonl", Self.payment("A", 100, day: 1) + Self.payment("B", 200, day: 1))
        writeFile(dir + "/n1-stl.csv", Self.settlement([("st_1", "A", "1.00")]))
        writeFile(dir + "/n2-pay.jsonl", Self.payment("C", 300, day: 2))
        // B settles a night late; A is paid out a second time
        writeFile(dir + "/n2-stl.csv", Self.settlement([("st_2", "B", "2.00"), ("st_9", "A", "1.00")]))
        let store = TestStores.make(kind)
        func night(_ n: Int, _ extra: [String] = []) throws -> CLI.Result {
            try CLI.run(
                ["reconcile", "--store", store, "--out", "\(dir)/out\(n)"]
                    + (n <= 2 ? ["--payments", "\(dir)/n\(n)-pay.jsonl", "--settlement", "\(dir)/n\(n)-stl.csv"] : [])
                    + extra)
        }
        let first = try night(1)
        #expect(first.status == 1)
        #expect(first.stderr.contains("1 matched, 1 discrepancies") && first.stderr.contains("run 1 saved"))
        #expect(readFile(dir + "/out1/discrepancies.csv")?.contains("missing_in_settlement,B,") == true)

        let second = try night(2)
        #expect(second.stderr.contains("1 matched, 2 discrepancies"), "\(second.stderr)")
        let findings = try #require(readFile(dir + "/out2/discrepancies.csv"))
        #expect(findings.contains("duplicate_settlement,A,") && findings.contains("run 1 already settled"))
        #expect(findings.contains("missing_in_settlement,C,"))
        #expect(!findings.contains(",B,"))  // B's late settlement matched the payment from night 1

        let dry = try night(3, ["--dry-run"])
        #expect(dry.stderr.contains("0 matched, 1 discrepancies") && dry.stderr.contains("nothing saved"))
        let runs = try CLI.run(["runs", "--store", store])
        // a header and the two saved runs (the dry run saved nothing)
        #expect(runs.stdout.split(separator: "\n").count == 3, "\(runs.stdout)")

        // a saved run is written again byte for byte
        let again = try CLI.run(["report", "2", "--store", store, "--out", dir + "/again"])
        #expect(again.status == 0, "\(again.stderr)")
        for name in ["discrepancies.csv", "in_transit.csv", "summary.json", "report.md", "rejects.csv"] {
            #expect(readFile("\(dir)/again/\(name)") == readFile("\(dir)/out2/\(name)"), "\(name)")
        }
        // the same night rerun (its files already imported) finds only what is still open
        let rerun = try night(2)
        #expect(rerun.stderr.contains("0 matched, 1 discrepancies"), "\(rerun.stderr)")
    }

    /// A store another process holds is waited for up to RECON_STORE_WAIT_SECONDS, then the
    /// command ends with 75 (try again later), naming the wait, and changes nothing.
    @Test func aStoreHeldTooLongIsATemporaryFailure() throws {
        let dir = makeTemporaryDirectory()
        let store = dir + "/s.sqlite"
        let first = try CLI.run(["import", "payments", "samples/clean/payments.jsonl", "--store", store])
        #expect(first.status == 0, "\(first.stderr)")
        // another writer: a transaction held open for a few seconds
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        holder.arguments = [
            "-c",
            "import sqlite3, sys, time; c = sqlite3.connect(sys.argv[1], isolation_level=None); "
                + "c.execute('BEGIN IMMEDIATE'); print('held', flush=True); time.sleep(6)", store,
        ]
        let ready = Pipe()
        holder.standardOutput = ready
        try holder.run()
        _ = ready.fileHandleForReading.availableData  // "held"
        let waited = try CLI.run(
            ["import", "settlement", "samples/clean/settlement.csv", "--store", store],
            environment: ["RECON_STORE_WAIT_SECONDS": "1"])
        holder.waitUntilExit()
        #expect(waited.status == 75, "\(waited.stderr)")
        #expect(waited.stderr.contains("is held by another run") && waited.stderr.contains("after waiting 1 s"))
        let after = try CLI.run(["import", "settlement", "samples/clean/settlement.csv", "--store", store])
        #expect(after.status == 0 && after.stdout.contains(" added"), "nothing of the refused import was kept")
    }

    /// A writer that waits in vain names the run holding the store: its number (the one it
    /// then saves), its command and its process. The holder here is a night stopped (SIGSTOP)
    /// while it holds the store; the announcement is gone once the night ends.
    @Test func aWaitingWriterNamesTheRunThatHoldsTheStore() throws {
        let dir = makeTemporaryDirectory()
        let store = dir + "/s.sqlite"
        let first = try CLI.run([
            "reconcile", "--store", store, "--payments", "samples/clean/payments.jsonl", "--out", dir + "/out1",
        ])
        #expect(first.status <= 1, "\(first.stderr)")
        var named = false
        // the night may end before it is caught holding the store: a few tries
        for attempt in 0..<10 where !named {
            let night = Process()
            night.executableURL = URL(fileURLWithPath: CLI.binary)
            night.arguments = [
                "reconcile", "--store", store, "--settlement", "samples/clean/settlement.csv", "--out",
                dir + "/night\(attempt)", "--dry-run",
            ]
            night.standardOutput = FileHandle.nullDevice
            night.standardError = FileHandle.nullDevice
            try night.run()
            var held = false
            for _ in 0..<2000 where !held {
                if FileManager.default.fileExists(atPath: store + "-holder") {
                    kill(night.processIdentifier, SIGSTOP)
                    held = FileManager.default.fileExists(atPath: store + "-holder")
                    if !held { kill(night.processIdentifier, SIGCONT) }
                } else {
                    usleep(500)
                }
            }
            if held {
                let waited = try CLI.run(
                    ["import", "settlement", "samples/clean/settlement.csv", "--store", store],
                    environment: ["RECON_STORE_WAIT_SECONDS": "0"])
                kill(night.processIdentifier, SIGCONT)
                #expect(waited.status == 75, "\(waited.stderr)")
                #expect(
                    waited.stderr.contains("held by another run (a dry run: recon reconcile, started ")
                        && waited.stderr.contains(", process \(night.processIdentifier))"), "\(waited.stderr)")
                named = true
            }
            night.waitUntilExit()
        }
        #expect(named, "the night was never caught holding the store")
        #expect(!FileManager.default.fileExists(atPath: store + "-holder"))
        // a run that saves announces the number it saves under
        let second = try CLI.run([
            "reconcile", "--store", store, "--settlement", "samples/clean/settlement.csv", "--out", dir + "/out2",
        ])
        #expect(second.stderr.contains("run 2 saved"), "\(second.stderr)")
    }

    @Test func aReportOfARunThatDoesNotExistIsAUsageError() throws {
        let store = makeTemporaryDirectory() + "/recon.sqlite"
        let night = try CLI.run([
            "reconcile", "--store", store, "--payments", "samples/clean/payments.jsonl", "--settlement",
            "samples/clean/settlement.csv", "--out", makeTemporaryDirectory(),
        ])
        #expect(night.status == 0, "\(night.stderr)")
        let result = try CLI.run(["report", "7", "--store", store, "--out", makeTemporaryDirectory()])
        #expect(result.status == 64 && result.stderr.contains("no run 7"), "\(result.stderr)")
    }
}

/// The settlement window from the command line: in transit alone leaves the exit code at 0.
@Suite(.serialized) struct SettlementWindowCLITests {
    @Test func inTransitAloneExitsZeroAndThenBecomesMissing() throws {
        let dir = makeTemporaryDirectory()
        writeFile(
            dir + "/pay.jsonl", StoreRunCLITests.payment("A", 100, day: 1) + StoreRunCLITests.payment("B", 200, day: 4))
        writeFile(dir + "/stl.csv", StoreRunCLITests.settlement([("st_1", "A", "1.00")]))
        let args = [
            "reconcile", "--payments", dir + "/pay.jsonl", "--settlement", dir + "/stl.csv", "--settlement-window", "3",
        ]
        let early = try CLI.run(args + ["--as-of", "2024-05-05", "--out", dir + "/early"])
        #expect(early.status == 0, "\(early.stderr)")
        #expect(early.stderr.contains("1 matched, 0 discrepancies, 0 not expected, 0 rejected; 1 in transit"))
        #expect(readFile(dir + "/early/in_transit.csv")?.contains("B,reference,formance,2.00,USD") == true)
        let late = try CLI.run(args + ["--as-of", "2024-05-08", "--out", dir + "/late"])
        #expect(late.status == 1 && late.stderr.contains("1 matched, 1 discrepancies"), "\(late.stderr)")
        let bad = try CLI.run(args + ["--settlement-window", "-2", "--out", dir + "/bad"])
        #expect(bad.status == 64 && bad.stderr.contains("--settlement-window"))
    }
}
