import ReconTestSupport
import Testing

/// `recon import` from the command line: idempotent by content, overlap-aware, clear errors.
@Suite(.serialized) struct ImportCLITests {
    @Test func importingTheSameFilesTwiceChangesNothingTheSecondTime() throws {
        let store = makeTemporaryDirectory() + "/recon.sqlite"
        let first = try CLI.run(["import", "payments", "samples/payments/formance.jsonl", "--store", store])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("formance.jsonl: 5 payments, 5 added, 0 already in the store, 0 rejected"))
        let again = try CLI.run(["import", "payments", "samples/payments/formance.jsonl", "--store", store])
        #expect(again.status == 0)
        #expect(again.stdout.contains("already imported at") && again.stdout.contains("nothing changed"))
        let settlement = try CLI.run(["import", "settlement", "samples/settlement/settlement.csv", "--store", store])
        #expect(settlement.stdout.contains("22 settlement records, 18 added, 0 already in the store, 4 rejected"))
    }

    @Test func anOverlappingFileAddsOnlyItsNewRecords() throws {
        let dir = makeTemporaryDirectory()
        let lines = try #require(readFile("samples/payments/formance.jsonl")).split(separator: "\n")
        writeFile(dir + "/first.jsonl", lines.prefix(3).joined(separator: "\n") + "\n")
        writeFile(dir + "/second.jsonl", lines.suffix(3).joined(separator: "\n") + "\n")  // one line in both
        let store = dir + "/recon.sqlite"
        _ = try CLI.run(["import", "payments", dir + "/first.jsonl", "--store", store])
        let second = try CLI.run(["import", "payments", dir + "/second.jsonl", "--store", store])
        #expect(second.stdout.contains("3 payments, 2 added, 1 already in the store"), "\(second.stdout)")
    }

    @Test func aStoreThatCannotBeWrittenExits74() throws {
        let result = try CLI.run([
            "import", "payments", "samples/payments/formance.jsonl", "--store", "/nonexistent-dir/recon.sqlite",
        ])
        #expect(result.status == 74)
        #expect(result.stderr.contains("/nonexistent-dir/recon.sqlite"), "\(result.stderr)")
    }
}
