import Foundation
import ReconTestSupport
import Testing

/// Property: nights of seeded random files with seeded random decisions between them (assign,
/// note, resolve, a sheet imported, a match by hand, an unmatch), then a store rebuilt from
/// nothing on the same files in the same folder with the first store's decision log replayed
/// (each decision's recorded command, after the run it applied to): the same store state and
/// reports: the same exception ids, states, ages and decisions, the same findings, and the same
/// audit log but for its times.
@Suite(.serialized) struct ExceptionReplayTests {
    struct Night {
        var settlement: String
        var decisions: Int
    }

    static func files(seed: UInt64, dir: String) -> [String] {
        var random = SeededRandom(seed: seed)
        func pick(_ n: Int) -> Int { Int(random.next() % UInt64(n)) }
        var payments = ""
        var amounts: [Int] = []
        for k in 0..<12 {
            let cents = (pick(40) + 1) * 250
            amounts.append(cents)
            payments +=
                #"{"reference":"P-\#(k)","connectorID":"c","createdAt":"2024-05-01T05:00:00Z","amount":\#(cents),"#
                + #""type":"PAY-IN","status":"SUCCEEDED","asset":"EUR/2"}"# + "\n"
        }
        writeFile(dir + "/pay.jsonl", payments)
        let header = "settlement_id,provider,reference,gross,currency,fee,net,status,settled_at\n"
        return (1...3).map { night in
            var lines = header
            for k in 0..<12 where pick(3) == 0 {
                // settled, or settled for another amount, or under a reference nobody created
                let reference = pick(4) == 0 ? "X-\(night)-\(k)" : "P-\(k)"
                let amount = "\((pick(40) + 1) * 250 / 100).\(pick(2) == 0 ? "50" : "00")"
                lines +=
                    "st_\(night)_\(k),formance,\(reference),\(amount),EUR,0,\(amount),settled,2024-05-0\(night + 1)T10:00:00Z\n"
            }
            // a payment paid in two parts under references nobody created: a suggestion to match
            let k = pick(12)
            let part = amounts[k] / 2
            for (suffix, cents) in [("a", part), ("b", amounts[k] - part)] {
                let amount = "\(cents / 100).\(cents % 100 < 10 ? "0" : "")\(cents % 100)"
                lines +=
                    "sp_\(night)_\(suffix),formance,SPLIT-\(night)-\(suffix),\(amount),EUR,0,\(amount),settled,"
                    + "2024-05-0\(night + 1)T11:00:00Z\n"
            }
            let path = dir + "/night-\(night).csv"
            writeFile(path, lines)
            return path
        }
    }

    /// One build from nothing: its exceptions, its last night's findings, its audit log less the
    /// times. The decisions after each night are made up from `seed`, or with `replay` (a
    /// decision log: `recon audit log --json` of another build) those its entries record for
    /// that night, run again.
    static func build(
        seed: UInt64, dir: String, store: String, nights: [String], replay: [[String: Any]]? = nil
    ) throws -> [String] {
        var random = SeededRandom(seed: seed &* 31)
        var summary: [String] = []
        for (n, night) in nights.enumerated() {
            let args = ["reconcile", "--store", store, "--out", dir + "/out-\(n)", "--settlement", night]
            _ = try CLI.run(args + (n == 0 ? ["--payments", dir + "/pay.jsonl"] : []))
            if let replay {
                for entry in replay where entry["run"] as? Int == n + 1 {
                    guard let command = entry["command"] as? [String], !command.isEmpty else { continue }
                    let again = try CLI.run(["exceptions"] + command + ["--store", store])
                    #expect(again.status == 0, "\(command): \(again.stderr)")
                }
                continue
            }
            let list = try CLI.run(["exceptions", "list", "--store", store, "--state", "open"]).stdout
            let open = list.split(separator: "\n").dropFirst().map { String($0.split(separator: "\t")[0]) }
            guard !open.isEmpty else { continue }
            for _ in 0..<3 {
                let id = open[Int(random.next() % UInt64(open.count))]
                switch random.next() % 4 {
                case 0: _ = try CLI.run(["exceptions", "assign", id, "--to", "ann", "--by", "bob", "--store", store])
                case 1:
                    _ = try CLI.run(["exceptions", "note", id, "--text", "looked at", "--by", "ann", "--store", store])
                case 2:
                    _ = try CLI.run([
                        "exceptions", "resolve", id, "--as", "write-off", "--reason", "small", "--by", "ann", "--store",
                        store,
                    ])
                default:
                    // a sheet: export, one decision filled, import
                    let sheet = dir + "/sheet-\(n).csv"
                    _ = try CLI.run(["exceptions", "export", "--out", sheet, "--store", store])
                    let rows = try #require(readFile(sheet)).split(separator: "\n").map(String.init)
                    let edited = rows.map { row in
                        row.hasPrefix(id + ",") ? String(row.dropLast(4)) + ",note,,from the sheet,cy" : row
                    }
                    writeFile(sheet, edited.joined(separator: "\n") + "\n")
                    _ = try CLI.run(["exceptions", "import", sheet, "--store", store])
                }
            }
            let suggestions = try open.prefix(8).map {
                try CLI.run(["exceptions", "suggest", $0, "--store", store, "--max-items", "2"]).stdout
            }
            let lines = suggestions.flatMap { $0.split(separator: "\n") }
            if let command = lines.first(where: { $0.contains("recon exceptions match") }) {
                let words = command.split(separator: " ").map(String.init).drop { $0 != "match" }.dropFirst()
                let args = Array(words.prefix { $0 != "--reason" })
                _ = try CLI.run(
                    ["exceptions", "match"] + args + ["--reason", "suggested", "--by", "ann", "--store", store])
                if random.next() % 2 == 0 {
                    _ = try CLI.run([
                        "exceptions", "unmatch", "M-1", "--reason", "not so", "--by", "bob", "--store", store,
                    ])
                }
            }
        }
        summary.append(try CLI.run(["exceptions", "list", "--store", store, "--json"]).stdout)
        summary.append(readFile(dir + "/out-\(nights.count - 1)/discrepancies.csv") ?? "")
        let log = try CLI.run(["audit", "log", "--store", store]).stdout
        summary += log.split(separator: "\n").map { line in
            var cells = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            if cells.count > 1 { cells[1] = "" }  // the time
            return cells.joined(separator: "\t")
        }
        return summary
    }

    @Test(arguments: [2, 3, 5] as [UInt64])
    func twoBuildsFromTheSameFilesAndDecisionsAreTheSame(seed: UInt64) throws {
        for kind in TestStores.kinds {
            let dir = makeTemporaryDirectory()
            let nights = Self.files(seed: seed, dir: dir)
            let firstStore = TestStores.make(kind)
            let first = try Self.build(seed: seed, dir: dir, store: firstStore, nights: nights)
            // the decision log of the first build, replayed on a store rebuilt from the same files
            let log = try CLI.run(["audit", "log", "--json", "--store", firstStore]).stdout
            let decisions = try #require(try JSONSerialization.jsonObject(with: Data(log.utf8)) as? [[String: Any]])
            #expect(decisions.contains { ($0["command"] as? [String])?.first == "match" })
            let second = try Self.build(
                seed: seed, dir: dir, store: TestStores.make(kind), nights: nights, replay: decisions)
            let decided = first.filter { ["\tassign\t", "\tnote\t", "\tresolve "].contains(where: $0.contains) }
            #expect(decided.count >= 4, "the nights made decisions: \(first.suffix(20))")
            #expect(first.contains { $0.contains("\tmatch\tM-1\t") }, "a suggestion was matched by hand")
            #expect(first == second, "seed \(seed) on \(kind)")
        }
    }
}
