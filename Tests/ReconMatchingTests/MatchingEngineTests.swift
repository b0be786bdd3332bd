import PaymentModels
import ReconMatching
import ReconTestSupport
import Testing

let usd = Currency(code: "USD")!
let eur = Currency(code: "EUR")!
let jpy = Currency(code: "JPY")!
let kwd = Currency(code: "KWD")!

func payment(
    _ keys: [PaymentKey], _ minor: Int64, _ currency: Currency = usd, status: PaymentStatus = .succeeded,
    system: PaymentSystem = .formance, line: Int64 = 1
) -> Payment {
    Payment(
        system: system, keys: keys, amount: Money(minorUnits: minor, currency: currency), status: status,
        rawStatus: status.rawValue, createdAt: nil,
        provenance: Provenance(file: "p.jsonl", position: SourcePosition(byte: line * 100, line: line, record: line)))
}

func line(
    _ key: String, _ minor: Int64, _ currency: Currency = usd, status: SettlementStatus = .settled, id: String? = nil,
    at: Int64 = 1
) -> SettlementRecord {
    SettlementRecord(
        key: key, settlementId: id, provider: "p", gross: Money(minorUnits: minor, currency: currency), status: status,
        rawStatus: status.rawValue,
        provenance: Provenance(file: "s.csv", position: SourcePosition(byte: at * 50, line: at, record: at)))
}

func run(_ payments: [Payment], _ lines: [SettlementRecord]) -> ReconciliationResult {
    var engine = MatchingEngine(payments: payments)
    for l in lines { engine.add(l) }
    return engine.finish()
}

func findings(_ result: ReconciliationResult) -> [String] {
    result.discrepancies.map { "\($0.kind.code):\($0.matchKey)" }
}

@Suite struct MatchingEngineTests {
    @Test func merchantKeysBeforeProviderIds() {
        // "X" is payment A's reference and payment B's provider id: the reference wins
        let a = payment([PaymentKey(.reference, "X")], 100)
        let b = payment([PaymentKey(.reference, "B"), PaymentKey(.id, "X")], 200)
        let r = run([b, a], [line("X", 100), line("B", 200)])
        #expect(r.discrepancies.isEmpty)
        #expect(r.matchedByField == [.reference: 2])
    }

    @Test func theKeyOrderCanPutProviderIdsFirst() {
        // as merchantKeysBeforeProviderIds, with the order turned round by the rules
        let a = payment([PaymentKey(.reference, "X")], 100)
        let b = payment([PaymentKey(.reference, "B"), PaymentKey(.id, "X")], 200)
        for bulk in [false, true] {
            var engine = MatchingEngine(payments: [b, a])
            engine.rules.keyOrder = KeyOrder([.id])
            if bulk { engine.add(contentsOf: [line("X", 200)]) } else { engine.add(line("X", 200)) }
            let r = engine.finish()
            #expect(r.matchedByField == [.id: 1] && r.matched == 1, "bulk \(bulk)")
        }
        #expect(KeyOrder([.id, .customId]).fields.prefix(3) == [.id, .customId, .reference])
    }

    @Test func providerIdMatchesWhenItIsTheOnlyKeyOnTheLine() {
        let p = payment([PaymentKey(.transactionId, "T"), PaymentKey(.paymentId, "P")], 100, system: .aggregator)
        let r = run([p], [line("P", 100)])
        #expect(r.matched == 1 && r.matchedByField == [.paymentId: 1])
    }

    @Test(
        arguments: [
            (PaymentStatus.succeeded, SettlementStatus.settled, nil),
            (.succeeded, .failed, "status_mismatch"), (.succeeded, .reversed, "status_mismatch"),
            (.succeeded, .refunded, "status_mismatch"), (.pending, .settled, nil),
            (.failed, .settled, "status_mismatch"), (.canceled, .settled, "status_mismatch"),
            (.expired, .settled, "status_mismatch"), (.failed, .failed, nil),
            (.unknown, .failed, nil), (.succeeded, .unknown, nil), (.refunded, .refunded, nil),
            // says refunded, settled, and no refund line returns anything
            (.refunded, .settled, "amount_mismatch"),
        ] as [(PaymentStatus, SettlementStatus, String?)])
    func statusRules(paymentStatus: PaymentStatus, lineStatus: SettlementStatus, kind: String?) {
        let r = run(
            [payment([PaymentKey(.reference, "K")], 100, status: paymentStatus)], [line("K", 100, status: lineStatus)])
        #expect(r.discrepancies.first?.kind.code == kind)
    }

    @Test func notExpectedPaymentsAbsentFromSettlementAreFine() {
        let r = run(
            [
                payment([PaymentKey(.reference, "F")], 100, status: .failed),
                payment([PaymentKey(.reference, "C")], 100, status: .canceled),
                payment([PaymentKey(.reference, "S")], 100, status: .succeeded),
            ], [])
        #expect(findings(r) == ["missing_in_settlement:S"])
        #expect(r.payments.notExpected == 2)
    }

    @Test func precedenceNamesTheMostImportantProblem() {
        // wrong currency and wrong amount and failed: currency wins
        let r = run([payment([PaymentKey(.reference, "K")], 100)], [line("K", 999, eur, status: .failed)])
        #expect(findings(r) == ["currency_mismatch:K"])
    }

    @Test func exactAmountsOnly() {
        let r = run([payment([PaymentKey(.reference, "K")], 1234, kwd)], [line("K", 1235, kwd)])
        #expect(findings(r) == ["amount_mismatch:K"])
        #expect(r.discrepancies[0].difference?.decimalString == "0.001")
    }

    @Test func duplicateKeepsTheCleanLineWhateverTheOrder() {
        let p = payment([PaymentKey(.reference, "K")], 100)
        let good = line("K", 100, id: "s2", at: 2)
        let bad = line("K", 150, id: "s1", at: 1)
        for order in [[good, bad], [bad, good]] {
            let r = run([p], order)
            #expect(findings(r) == ["duplicate_settlement:K"])
            #expect(r.discrepancies[0].actual?.minorUnits == 150)
            #expect(r.matched == 1)
        }
    }

    @Test func conservationAndTotals() {
        let r = run(
            [payment([PaymentKey(.reference, "A")], 1000), payment([PaymentKey(.reference, "B")], 500, jpy)],
            [line("A", 1000), line("Z", 70), line("B", 500, jpy, status: .failed)])
        #expect(r.payments.read == 2 && r.settlement.read == 3)
        #expect(r.checkConservation().isEmpty)
        let totals = Dictionary(uniqueKeysWithValues: r.totals.map { ($0.currency.code, $0) })
        #expect(totals["USD"]?.expected == 1000 && totals["USD"]?.settled == 1070)
        #expect(totals["JPY"]?.settled == 0 && totals["JPY"]?.difference == -500)
    }
}

@Suite struct AlternateKeyTests {
    /// A bank entry whose first reference is the bank's own matches by a later one (the
    /// end-to-end id), in the order given, both one line at a time and in bulk.
    @Test func laterReferencesMatchWhenTheFirstNamesNothing() {
        let payments = [payment([PaymentKey(.reference, "E2E-1")], 4000, eur)]
        var bank = line("BANK-REF-1", 4000, eur)
        bank.alternateKeys = ["nothing", "E2E-1"]
        let single = run(payments, [bank])
        #expect(single.matched == 1 && single.discrepancies.isEmpty)
        var engine = MatchingEngine(payments: payments)
        engine.add(contentsOf: [bank, line("other", 1, eur)])
        let bulk = engine.finish()
        #expect(bulk.matched == 1)
        #expect(findings(bulk) == ["unexpected_in_settlement:other"])
    }

    /// A finding on a line matched by an alternate names that key, not the line's first one.
    @Test func findingsNameTheKeyThatMatched() {
        let payments = [payment([PaymentKey(.reference, "E2E-1")], 4000, eur)]
        var bank = line("BANK-REF-1", 3999, eur)
        bank.alternateKeys = ["E2E-1"]
        #expect(findings(run(payments, [bank])) == ["amount_mismatch:E2E-1"])
        var engine = MatchingEngine(payments: payments)
        engine.add(contentsOf: [bank])
        #expect(findings(engine.finish()) == ["amount_mismatch:E2E-1"])
    }
}
