import PaymentModels
import ReconMatching
import ReconTestSupport
import Testing

/// Generate payments, derive a settlement file with known faults, and check that every fault
/// is found with the right kind, nothing else is, every record is accounted for once, and
/// shuffling the settlement lines changes nothing but order-free facts.
@Suite struct PerturbationPropertyTests {
    enum Fault: CaseIterable { case none, drop, duplicate, amount, currency, status, notExpected }

    struct Scenario {
        var payments: [Payment] = []
        var lines: [SettlementRecord] = []
        var expected: [String: String] = [:]  // key -> kind
        var notExpected = 0
    }

    static func scenario(seed: UInt64, count: Int) -> Scenario {
        var rng = SeededRandom(seed: seed)
        var s = Scenario()
        let currencies = [usd, eur, jpy, kwd]
        let swap = [usd.code: eur, eur.code: usd, jpy.code: usd, kwd.code: jpy]
        for i in 0..<count {
            let system = PaymentSystem.allCases[i % 5]
            let key = "\(system.rawValue)-\(i)"
            let providerId = "prov_\(i)"
            let currency = currencies[Int.random(in: 0..<4, using: &rng)]
            let minor = Int64.random(in: 1...500_000, using: &rng)
            let fault = Fault.allCases[Int.random(in: 0..<Fault.allCases.count, using: &rng)]
            let status: PaymentStatus = fault == .notExpected ? [.failed, .canceled, .expired][i % 3] : .succeeded
            s.payments.append(payment(
                [PaymentKey(.reference, key), PaymentKey(.id, providerId)], minor, currency, status: status,
                system: system, line: Int64(i + 1)))
            // half the lines name the provider id instead of the merchant key
            let lineKey = Bool.random(using: &rng) ? key : providerId
            let at = Int64(s.lines.count + 1)
            switch fault {
            case .none: s.lines.append(line(lineKey, minor, currency, id: "s\(i)", at: at))
            case .drop: s.expected[key] = "missing_in_settlement"
            case .notExpected: s.notExpected += 1
            case .duplicate:
                s.lines.append(line(lineKey, minor, currency, id: "s\(i)a", at: at))
                s.lines.append(line(lineKey, minor, currency, id: "s\(i)b", at: at + 1))
                s.expected[lineKey] = "duplicate_settlement"
            case .amount:
                s.lines.append(line(lineKey, minor + Int64.random(in: 1...99, using: &rng), currency, id: "s\(i)", at: at))
                s.expected[lineKey] = "amount_mismatch"
            case .currency:
                s.lines.append(line(lineKey, minor, swap[currency.code]!, id: "s\(i)", at: at))
                s.expected[lineKey] = "currency_mismatch"
            case .status:
                s.lines.append(line(lineKey, minor, currency, status: Bool.random(using: &rng) ? .failed : .reversed, id: "s\(i)", at: at))
                s.expected[lineKey] = "status_mismatch"
            }
        }
        for k in 0..<(count / 20) {  // unknown keys
            s.lines.append(line("ghost-\(k)", 100, usd, id: "g\(k)", at: Int64(s.lines.count + 1)))
            s.expected["ghost-\(k)"] = "unexpected_in_settlement"
        }
        return s
    }

    static func run(_ payments: [Payment], _ lines: [SettlementRecord]) -> ReconciliationResult {
        var engine = MatchingEngine(payments: payments)
        engine.add(contentsOf: lines)
        return engine.finish()
    }

    /// Small runs, and one above `Parallel.itemsMin` so the multi-core lookup and
    /// classification paths are checked against the same invariants.
    @Test(arguments: [(1, 2000), (2, 2000), (3, 2000), (42, 2000), (1234, 2000), (7, 60_000)] as [(UInt64, Int)])
    func everyInjectedFaultIsFoundAndNothingElse(seed: UInt64, count: Int) {
        let s = Self.scenario(seed: seed, count: count)
        let result = Self.run(s.payments, s.lines)
        var found: [String: String] = [:]
        for d in result.discrepancies {
            #expect(found[d.matchKey] == nil, "two findings for \(d.matchKey)")
            found[d.matchKey] = d.kind.code
        }
        #expect(found == s.expected)
        #expect(result.payments.notExpected == s.notExpected)
        #expect(result.checkConservation().isEmpty)
        #expect(result.settlement.read == s.lines.count)
        #expect(result.payments.matched + result.payments.discrepant + result.payments.notExpected == s.payments.count)

        // any order gives the same findings, in the same order
        var rng = SeededRandom(seed: seed &+ 99)
        let shuffled = Self.run(s.payments.shuffled(using: &rng), s.lines.shuffled(using: &rng))
        #expect(shuffled.discrepancies.map { "\($0.kind.code):\($0.matchKey):\($0.actual?.description ?? "")" }
            == result.discrepancies.map { "\($0.kind.code):\($0.matchKey):\($0.actual?.description ?? "")" })
        #expect(shuffled.totals == result.totals)
    }
}
