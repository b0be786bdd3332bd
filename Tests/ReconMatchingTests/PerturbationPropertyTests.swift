import PaymentModels
import ReconMatching
import ReconTestSupport
import Testing

/// Generate payments, derive a settlement file with known faults, and check that every fault
/// is found with the right kind, nothing else is, every record is accounted for once, and
/// shuffling the settlement lines changes nothing but order-free facts.
@Suite struct PerturbationPropertyTests {
    enum Fault: CaseIterable {
        case none, drop, duplicate, amount, currency, status, notExpected
        // one payment, many lines: clean when they add up, a finding when the returns exceed it
        case partialCaptures, partialRefund, overRefund, chargebackReversed
    }

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
            s.payments.append(
                payment(
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
                s.lines.append(
                    line(lineKey, minor + Int64.random(in: 1...99, using: &rng), currency, id: "s\(i)", at: at))
                s.expected[lineKey] = "amount_mismatch"
            case .currency:
                s.lines.append(line(lineKey, minor, swap[currency.code]!, id: "s\(i)", at: at))
                s.expected[lineKey] = "currency_mismatch"
            case .status:
                s.lines.append(
                    line(
                        lineKey, minor, currency, status: Bool.random(using: &rng) ? .failed : .reversed, id: "s\(i)",
                        at: at))
                s.expected[lineKey] = "status_mismatch"
            case .partialCaptures:
                let first = Int64.random(in: 0...minor, using: &rng)
                guard first > 0 && first < minor else {  // no split possible: one line
                    s.lines.append(line(lineKey, minor, currency, id: "s\(i)", at: at))
                    break
                }
                s.lines.append(kindLine(.payment, lineKey, first, currency, id: "s\(i)a", day: 1, at: at))
                s.lines.append(kindLine(.payment, lineKey, minor - first, currency, id: "s\(i)b", day: 2, at: at + 1))
            case .partialRefund:
                s.lines.append(kindLine(.payment, lineKey, minor, currency, id: "s\(i)", day: 1, at: at))
                let refund = Int64.random(in: 1...minor, using: &rng)
                s.lines.append(kindLine(.refund, key, -refund, currency, id: "r\(i)", day: 2, at: at + 1))
            case .overRefund:
                s.lines.append(kindLine(.payment, lineKey, minor, currency, id: "s\(i)", day: 1, at: at))
                s.lines.append(kindLine(.refund, key, -minor, currency, id: "r\(i)a", day: 2, at: at + 1))
                s.lines.append(kindLine(.refund, providerId, -1, currency, id: "r\(i)b", day: 3, at: at + 2))
                s.expected[providerId] = "refund_unmatched"
            case .chargebackReversed:
                s.lines.append(kindLine(.payment, lineKey, minor, currency, id: "s\(i)", day: 1, at: at))
                s.lines.append(kindLine(.chargeback, key, -minor, currency, id: "c\(i)", day: 5, at: at + 1))
                s.lines.append(kindLine(.chargebackReversal, key, minor, currency, id: "v\(i)", day: 9, at: at + 2))
            }
        }
        for k in 0..<(count / 20) {  // unknown keys, and refunds of payments never created
            s.lines.append(line("ghost-\(k)", 100, usd, id: "g\(k)", at: Int64(s.lines.count + 1)))
            s.expected["ghost-\(k)"] = "unexpected_in_settlement"
            s.lines.append(
                kindLine(.refund, "ghost-refund-\(k)", -100, usd, id: "gr\(k)", at: Int64(s.lines.count + 1)))
            s.expected["ghost-refund-\(k)"] = "refund_unmatched"
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
        #expect(
            shuffled.discrepancies.map { "\($0.kind.code):\($0.matchKey):\($0.actual?.description ?? "")" }
                == result.discrepancies.map { "\($0.kind.code):\($0.matchKey):\($0.actual?.description ?? "")" })
        #expect(shuffled.totals == result.totals)
    }

    /// The same scenarios paid out in batches: each line in one of eight batches, a payout line
    /// per batch and currency, a few of them short by one minor unit. Every short payout is a
    /// `payout_mismatch` and no other batch is; the payout lines are account items.
    @Test(arguments: [(5, 2000), (77, 2000), (8, 60_000)] as [(UInt64, Int)])
    func everyShortPayoutIsFoundAndConservationHolds(seed: UInt64, count: Int) {
        var s = Self.scenario(seed: seed, count: count)
        var rng = SeededRandom(seed: seed &+ 7)
        struct Batch: Hashable {
            var id: String
            var currency: Currency
        }
        var owed: [Batch: Int64] = [:]
        for i in s.lines.indices {
            let batch = Batch(id: "b\(Int.random(in: 0..<8, using: &rng))", currency: s.lines[i].gross.currency)
            s.lines[i].batchId = batch.id
            let line = s.lines[i]
            let magnitude = abs(line.gross.minorUnits)
            switch line.kind {  // what the provider pays out for each line, spelled out independently
            case .payment: owed[batch, default: 0] += line.status.moneyMoved == false ? 0 : line.gross.minorUnits
            case .refund, .chargeback: owed[batch, default: 0] -= magnitude
            case .chargebackReversal: owed[batch, default: 0] += magnitude
            default: break
            }
        }
        var short: Set<String> = []
        for (batch, amount) in owed.sorted(by: { ($0.key.id, $0.key.currency.code) < ($1.key.id, $1.key.currency.code) }
        ) {
            let isShort = Bool.random(using: &rng) && Bool.random(using: &rng)
            if isShort { short.insert("\(batch.id) \(batch.currency.code)") }
            var payout = kindLine(
                .payout, "", -(amount - (isShort ? 1 : 0)), batch.currency, at: Int64(s.lines.count + 1))
            payout.batchId = batch.id
            s.lines.append(payout)
        }
        let result = Self.run(s.payments, s.lines)
        #expect(result.checkConservation().isEmpty)
        #expect(result.settlement.accountItems == owed.count)
        let tie = PayoutTieOut.run(lines: s.lines, bank: nil)
        #expect(tie.batches.count == owed.count)
        let found = Set(tie.findings.map { "\($0.matchKey) \($0.expected!.currency.code)" })
        #expect(found == short)
        #expect(tie.findings.allSatisfy { $0.kind == .payoutMismatch && $0.difference?.minorUnits == -1 })
        // and the lines' own findings are those of the scenario, the batches changing nothing
        var byKey: [String: String] = [:]
        for d in result.discrepancies { byKey[d.matchKey] = d.kind.code }
        #expect(byKey == s.expected)
    }
}
