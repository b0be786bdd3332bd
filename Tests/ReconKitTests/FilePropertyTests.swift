import PaymentModels
import ReconKit
import ReconReports
import ReconTestSupport
import Testing

/// The seeded property test at the file level: created payments written in the five seed
/// shapes, a settlement CSV derived with injected faults, shuffled and split across files,
/// then the whole pipeline. Every fault must come back with the right kind, nothing else,
/// every record accounted for, and the same findings whatever the order or split.
@Suite struct FilePropertyTests {
    static let currencies: [(String, Int)] = [("USD", 2), ("EUR", 2), ("JPY", 0), ("KWD", 3)]

    static func decimal(_ minor: Int64, _ exponent: Int) -> String { MinorUnits.format(minor, exponent: exponent) }

    static func createdLine(_ i: Int, key: String, minor: Int64, currency: (String, Int), status: String) -> String {
        let amount = decimal(minor, currency.1)
        switch i % 5 {
        case 0: return #"{"transactionId":"\#(key)","amount":"\#(amount)","currency":"\#(currency.0)","paymentGatewayType":"alipay-page","paymentId":"gw_\#(i)","status":"\#(status)"}"#
        case 1: return #"{"success":true,"data":{"id":"y\#(i)","custom_id":"\#(key)","transaction_id":"\#(100000 + i)","amount":"\#(amount)","currency":"\#(currency.0)","status":"\#(status == "succeeded" ? "paid" : "failed")"}}"#
        case 2: return #"{"reference":"\#(key)","amount":\#(minor),"asset":"\#(currency.0)/\#(currency.1)","type":"PAY-IN","status":"\#(status.uppercased())"}"#
        case 3: return #"{"id":"pi_\#(i)","merchant_order_id":"\#(key)","amount":\#(minor),"currency":"\#(currency.0.lowercased())","status":"\#(status)","created":1714521600000}"#
        default: return #"{"data":{"id":"cl\#(i)","type":"stripe_payments","attributes":{"reference":"\#(key)","stripe_id":"pi_cl\#(i)","amount_cents":\#(minor),"currency_code":"\#(currency.0)","payment_status":"\#(status == "succeeded" ? "paid" : "voided")"}}}"#
        }
    }

    struct Scenario {
        var created: [String] = []
        var rows: [String] = []
        var expected: [String: String] = [:]
    }

    static func scenario(seed: UInt64, count: Int) -> Scenario {
        var rng = SeededRandom(seed: seed)
        var s = Scenario()
        for i in 0..<count {
            let key = "K\(seed)-\(i)"
            let c = currencies[Int.random(in: 0..<4, using: &rng)]
            let minor = Int64.random(in: 100...900_000, using: &rng)
            let fate = Int.random(in: 0..<8, using: &rng)
            let failed = fate == 7
            s.created.append(createdLine(i, key: key, minor: minor, currency: c, status: failed ? "failed" : "succeeded"))
            func row(_ id: String, _ minor: Int64, _ currency: (String, Int), _ status: String = "settled") -> String {
                "\(id),p,\(key),\(decimal(minor, currency.1)),\(currency.0),0,\(decimal(minor, currency.1)),\(status),"
            }
            switch fate {
            case 1: s.expected[key] = "missing_in_settlement"
            case 2:
                s.rows += [row("s\(i)a", minor, c), row("s\(i)b", minor, c)]
                s.expected[key] = "duplicate_settlement"
            case 3:
                s.rows.append(row("s\(i)", minor + Int64.random(in: 1...50, using: &rng), c))
                s.expected[key] = "amount_mismatch"
            case 4:
                let other = currencies.first { $0.0 != c.0 && $0.1 == c.1 } ?? currencies.first { $0.0 != c.0 }!
                s.rows.append(row("s\(i)", minor, other))
                s.expected[key] = "currency_mismatch"
            case 5:
                s.rows.append(row("s\(i)", minor, c, "reversed"))
                s.expected[key] = "status_mismatch"
            case 7: break  // failed and absent: not expected, fine
            default: s.rows.append(row("s\(i)", minor, c))
            }
        }
        for k in 0..<(count / 25) {
            s.rows.append("g\(k),p,ghost-\(seed)-\(k),1.00,USD,0,1.00,settled,")
            s.expected["ghost-\(seed)-\(k)"] = "unexpected_in_settlement"
        }
        return s
    }

    static let header = "settlement_id,provider,reference,gross,currency,fee,net,status,settled_at"

    /// Writes the scenario with the rows shuffled and split into `files` files; runs recon.
    static func run(_ s: Scenario, shuffleSeed: UInt64, files: Int) throws -> ReconcileJob.Outcome {
        let dir = makeTemporaryDirectory()
        var rng = SeededRandom(seed: shuffleSeed)
        writeFile(dir + "/created.jsonl", s.created.shuffled(using: &rng).joined(separator: "\n") + "\n")
        let rows = s.rows.shuffled(using: &rng)
        var paths: [String] = []
        for f in 0..<files {
            let part = stride(from: f, to: rows.count, by: files).map { rows[$0] }
            writeFile(dir + "/s\(f).csv", ([header] + part).joined(separator: "\n") + "\n")
            paths.append(dir + "/s\(f).csv")
        }
        return try ReconcileJob.run(
            ReconcileOptions(payments: [dir + "/created.jsonl"], settlement: paths, outputDirectory: dir + "/out"))
    }

    @Test(arguments: [11, 22, 33] as [UInt64])
    func injectedFaultsComeBackThroughThePipeline(seed: UInt64) throws {
        let s = Self.scenario(seed: seed, count: 600)
        let first = try Self.run(s, shuffleSeed: seed, files: 1)
        var found: [String: String] = [:]
        for d in first.report.result.discrepancies {
            #expect(found[d.matchKey] == nil, "two findings for \(d.matchKey)")
            found[d.matchKey] = d.kind.code
        }
        #expect(found == s.expected)
        #expect(first.report.verify().isEmpty)
        #expect(first.report.rejects.isEmpty)
        #expect(first.report.result.payments.read == s.created.count)
        #expect(first.report.result.settlement.read == s.rows.count)

        // another order and a split over three files: the same findings in the same order
        let second = try Self.run(s, shuffleSeed: seed &+ 1, files: 3)
        func facts(_ o: ReconcileJob.Outcome) -> [String] {
            o.report.result.discrepancies.map {
                "\($0.kind.code) \($0.matchKey) \($0.expected?.description ?? "") \($0.actual?.description ?? "")"
            }
        }
        #expect(facts(first) == facts(second))
        #expect(first.report.result.totals == second.report.result.totals)
    }
}
