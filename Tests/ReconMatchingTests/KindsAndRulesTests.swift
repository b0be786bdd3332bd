import PaymentModels
import ReconMatching
import ReconTestSupport
import Testing

func kindLine(
    _ kind: SettlementKind, _ key: String, _ minor: Int64, _ currency: Currency = usd, id: String? = nil,
    fee: Int64? = nil, net: Int64? = nil, day: Int64 = 1, at: Int64 = 1, status: SettlementStatus = .settled
) -> SettlementRecord {
    var record = line(key, minor, currency, status: status, id: id, at: at)
    record.kind = kind
    record.fee = fee.map { Money(minorUnits: $0, currency: currency) }
    record.net = net.map { Money(minorUnits: $0, currency: currency) }
    record.settledAt = Timestamp(millisecondsSince1970: day * 86_400_000)
    return record
}

/// Runs the engine both ways lines can arrive (one by one, and in bulk) and checks they agree.
func runRules(_ payments: [Payment], _ lines: [SettlementRecord], rules: MatchRules = MatchRules())
    -> ReconciliationResult
{
    var single = MatchingEngine(payments: payments)
    single.rules = rules
    for l in lines { single.add(l) }
    var bulk = MatchingEngine(payments: payments)
    bulk.rules = rules
    bulk.add(contentsOf: lines)
    let (a, b) = (single.finish(), bulk.finish())
    #expect(findings(a) == findings(b))
    #expect(a.settlement == b.settlement && a.payments == b.payments)
    #expect(a.checkConservation().isEmpty && b.checkConservation().isEmpty)
    return b
}

@Suite struct KindsAndRulesTests {
    @Test func partialCapturesThenARefundMatch() {
        let p = payment([PaymentKey(.reference, "O1")], 10_000)
        let r = runRules(
            [p],
            [
                kindLine(.payment, "O1", 6_000, id: "c1", day: 1), kindLine(.payment, "O1", 4_000, id: "c2", day: 2),
                kindLine(.refund, "O1", -2_500, id: "r1", day: 3),
            ])
        #expect(r.discrepancies.isEmpty, "\(findings(r))")
        #expect(r.payments.matched == 1 && r.settlement.matched == 3)
        #expect(r.matchedByRule == ["partial_captures": 1])
    }

    @Test func captureLinesThatDoNotAddUpAreNotPartialCaptures() {
        let p = payment([PaymentKey(.reference, "O1")], 10_000)
        let r = runRules([p], [kindLine(.payment, "O1", 6_000, id: "c1"), kindLine(.payment, "O1", 3_000, id: "c2")])
        // one line keeps the payment (and differs in amount), the other is a duplicate
        #expect(Set(findings(r)) == ["amount_mismatch:O1", "duplicate_settlement:O1"])
    }

    @Test func refundsAboveTheCapturedAmountAreUnmatched() {
        let p = payment([PaymentKey(.reference, "O1")], 10_000)
        let r = runRules(
            [p],
            [
                kindLine(.payment, "O1", 10_000, id: "c1", day: 1), kindLine(.refund, "O1", -6_000, id: "r1", day: 2),
                kindLine(.refund, "O1", 5_000, id: "r2", day: 3),  // written unsigned: the kind says it goes out
            ])
        #expect(findings(r) == ["refund_unmatched:O1"])
        let finding = r.discrepancies[0]
        #expect(finding.detail.contains("110.00 USD") && finding.detail.contains("100.00 USD captured"))
        #expect(finding.settlementSource?.position.line == 1 && r.settlement.matched == 2)
        #expect(r.payments.matched == 1)  // the capture reconciled; the excess refund is the finding
    }

    @Test func aRefundForNoPaymentIsRefundUnmatchedAndAChargebackIsUnexpected() {
        let r = runRules([], [kindLine(.refund, "GHOST", -100), kindLine(.chargeback, "GHOST2", -100)])
        #expect(findings(r) == ["unexpected_in_settlement:GHOST2", "refund_unmatched:GHOST"])
        #expect(r.discrepancies.first { $0.kind == .unexpectedInSettlement }?.detail.contains("chargeback") == true)
    }

    /// A refund or chargeback whose payment has no capture in the run returns money that never
    /// came in: refund_unmatched, next to the payment's own missing_in_settlement.
    @Test func aRefundOrChargebackForAPaymentWithNoCaptureIsRefundUnmatched() {
        let a = payment([PaymentKey(.reference, "O1")], 10_000)
        let b = payment([PaymentKey(.reference, "O2")], 5_000)
        let r = runRules([a, b], [kindLine(.refund, "O1", -2_500, day: 2), kindLine(.chargeback, "O2", -5_000, day: 2)])
        #expect(
            findings(r) == [
                "missing_in_settlement:O1", "missing_in_settlement:O2", "refund_unmatched:O1", "refund_unmatched:O2",
            ])
        let refund = r.discrepancies.first { $0.kind == .refundUnmatched && $0.matchKey == "O1" }
        #expect(refund?.detail.contains("no settled capture") == true, "\(refund?.detail ?? "")")
        #expect(r.settlement.matched == 0)
    }

    /// A converted line (charged in EUR, paid out in USD) matches its EUR payment by its gross;
    /// net + fee off its gross at the stated rate beyond the tolerance is fx_mismatch.
    @Test func aConvertedLineMatchesByItsGrossAndIsCheckedAgainstItsRate() throws {
        func converted(_ key: String, net: Int64, fee: Int64, at: Int64) throws -> SettlementRecord {
            let plain = line(key, 10_000, eur, at: at)
            return SettlementRecord(
                key: key, provider: "adyen-settlement", gross: plain.gross, fee: Money(minorUnits: fee, currency: usd),
                net: Money(minorUnits: net, currency: usd), status: .settled, rawStatus: "Settled",
                provenance: plain.provenance, settlementCurrency: usd, exchangeRate: try ExchangeRate(parsing: "1.08"))
        }
        let payments = [
            payment([PaymentKey(.reference, "E1")], 10_000, eur), payment([PaymentKey(.reference, "E2")], 10_000, eur),
        ]
        let lines = [try converted("E1", net: 10_650, fee: 150, at: 1), try converted("E2", net: 10_550, fee: 150, at: 2)]
        let r = runRules(payments, lines)
        #expect(findings(r) == ["fx_mismatch:E2"])  // 108.00 USD at the rate; 105.50 + 1.50 = 107.00
        #expect(r.discrepancies.first?.expected?.description == "108.00 USD")
        var rules = MatchRules()
        rules.fxTolerances = [FXTolerance(from: eur, to: usd, percent: try #require(Percent(parsing: "1")))]
        #expect(findings(runRules(payments, lines, rules: rules)).isEmpty)  // 1.00 is within 1% of 108.00
    }

    /// A payment that says refunded, or that lost its dispute, with no refund or chargeback
    /// line at all: amount_mismatch, nothing returned.
    @Test func refundedOrDisputeLostWithNothingReturnedIsAnAmountMismatch() {
        let refunded = payment([PaymentKey(.reference, "R1")], 10_000, status: .refunded)
        let lost = payment([PaymentKey(.reference, "D1")], 8_000, status: .disputeLost)
        let open = payment([PaymentKey(.reference, "D2")], 6_000, status: .disputed)
        let r = runRules(
            [refunded, lost, open],
            [kindLine(.payment, "R1", 10_000, at: 1), kindLine(.payment, "D1", 8_000, at: 2),
             kindLine(.payment, "D2", 6_000, at: 3)])
        #expect(findings(r) == ["amount_mismatch:D1", "amount_mismatch:R1"])
        let d1 = r.discrepancies.first { $0.matchKey == "D1" }
        #expect(d1?.detail.contains("no chargeback line") == true && d1?.actual?.minorUnits == 0)
        #expect(d1?.expected?.minorUnits == 8_000)
        // with their refund and chargeback lines, both are whole
        let whole = runRules(
            [refunded, lost],
            [kindLine(.payment, "R1", 10_000, day: 1, at: 1), kindLine(.refund, "R1", -10_000, day: 2, at: 2),
             kindLine(.payment, "D1", 8_000, day: 1, at: 3), kindLine(.chargeback, "D1", -8_000, day: 2, at: 4)])
        #expect(findings(whole).isEmpty)
    }

    /// Two payments share a provider id: the line goes to the one of its amount, whichever of
    /// them comes first among the created payments.
    @Test func aSharedProviderIdIsDecidedByAmountNotOrder() {
        let a = payment([PaymentKey(.reference, "A"), PaymentKey(.paymentId, "SHARED")], 1_000, line: 1)
        let b = payment([PaymentKey(.reference, "B"), PaymentKey(.paymentId, "SHARED")], 2_500, line: 2)
        let lines = [kindLine(.payment, "SHARED", 2_500)]
        for payments in [[a, b], [b, a]] {
            let r = runRules(payments, lines)
            #expect(findings(r) == ["missing_in_settlement:A"], "\(payments.map(\.primaryKey.value))")
        }
    }

    @Test func aChargebackAndItsReversalLeaveThePaymentWhole() {
        let p = payment([PaymentKey(.reference, "O1")], 10_000, status: .disputed)
        let r = runRules(
            [p],
            [
                kindLine(.payment, "O1", 10_000, day: 1), kindLine(.chargeback, "O1", -10_000, day: 5),
                kindLine(.chargebackReversal, "O1", 10_000, day: 20),
            ])
        #expect(r.discrepancies.isEmpty, "\(findings(r))")
        #expect(r.settlement.matched == 3)
    }

    @Test func aPaymentThatSaysRefundedButIsRefundedInPartNamesThePart() {
        let p = payment([PaymentKey(.reference, "O1")], 10_000, status: .refunded)
        let r = runRules([p], [kindLine(.payment, "O1", 10_000, day: 1), kindLine(.refund, "O1", -4_000, day: 2)])
        #expect(findings(r) == ["amount_mismatch:O1"])
        #expect(r.discrepancies[0].detail.contains("short by 60.00"))
        #expect(r.payments.discrepant == 1 && r.settlement.matched == 2)
    }

    @Test func feesAdjustmentsAndPayoutsAreAccountItemsNotUnexpected() {
        let p = payment([PaymentKey(.reference, "O1")], 10_000)
        let r = runRules(
            [p],
            [
                kindLine(.payment, "O1", 10_000), kindLine(.fee, "", -500), kindLine(.payout, "po_1", -9_500),
                kindLine(.adjustment, "", 12),
            ])
        #expect(r.discrepancies.isEmpty)
        #expect(r.settlement.accountItems == 3 && r.settlement.matched == 1)
    }

    @Test func anAmountWithinToleranceMatchesAndOneBeyondItDoesNot() {
        let rules = MatchRules(tolerances: [
            AmountTolerance(scope: RuleScope(provider: "p", currency: usd), absoluteMinor: 5)
        ])
        let payments = [payment([PaymentKey(.reference, "A")], 10_000), payment([PaymentKey(.reference, "B")], 10_000)]
        let r = runRules(payments, [line("A", 10_004), line("B", 10_006)], rules: rules)
        #expect(findings(r) == ["amount_mismatch:B"])
        #expect(r.discrepancies[0].detail.contains("beyond the tolerance of 0.05"))
        #expect(r.matchedByRule == ["within_tolerance": 1])
        // without the rule both differ
        #expect(findings(runRules(payments, [line("A", 10_004), line("B", 10_006)])).count == 2)
    }

    /// When several lines could keep a payment: exact amount before tolerance, then the oldest.
    @Test func candidateSelectionIsExactFirstThenOldest() {
        let rules = MatchRules(tolerances: [AmountTolerance(scope: RuleScope(), absoluteMinor: 5)])
        let p = payment([PaymentKey(.reference, "O1")], 10_000)
        // the line within tolerance is older and has the smaller id: the exact one still keeps it
        let r = runRules(
            [p], [kindLine(.payment, "O1", 9_998, id: "a", day: 1), kindLine(.payment, "O1", 10_000, id: "b", day: 2)],
            rules: rules)
        #expect(r.discrepancies.count == 1 && r.discrepancies[0].actual?.minorUnits == 9_998)
        #expect(r.matchedByRule == ["exact": 1])
        // two exact lines: the older keeps the payment, whatever its id
        let older = runRules(
            [p], [kindLine(.payment, "O1", 10_000, id: "z", day: 1), kindLine(.payment, "O1", 10_000, id: "a", day: 3)])
        #expect(older.discrepancies.map(\.kind) == [.duplicateSettlement])
        #expect(older.discrepancies[0].detail.contains("line z"), "\(older.discrepancies[0].detail)")
    }

    @Test func percentToleranceTakesTheLargerOfTheTwo() {
        let rule = AmountTolerance(scope: RuleScope(), absoluteMinor: 1, percent: Percent(parsing: "0.1")!)
        let rules = MatchRules(tolerances: [rule])
        #expect(rules.tolerance(provider: "x", system: "y", amount: Money(minorUnits: 100_000, currency: usd)) == 100)
        #expect(rules.tolerance(provider: "x", system: "y", amount: Money(minorUnits: 500, currency: usd)) == 1)
    }

    /// Shares and expected fees of amounts at the edge of Int64 saturate instead of trapping.
    @Test func feeArithmeticAtTheLimitsDoesNotTrap() {
        let percent = Percent(parsing: "2.9")!
        #expect(percent.ofRounded(10_000) == 290 && percent.ofRounded(-10_000) == 290)
        #expect(percent.of(Int64.max) == Int64.max / 1_000_000 * 29_000 + (Int64.max % 1_000_000) * 29_000 / 1_000_000)
        #expect(Percent(parsing: "200")!.ofRounded(Int64.max) == Int64.max)
        let rule = FeeRule(scope: RuleScope(), percent: percent, fixedMinor: Int64.max)
        #expect(rule.expectedFee(on: -Int64.max) == Int64.max)
        #expect(rule.expectedFee(on: 10_000) == Int64.max)
        #expect(FeeRule(scope: RuleScope(), percent: percent, fixedMinor: 30).expectedFee(on: -10_000) == 320)
        // a computed total of exactly Int64.min is not an amount (its size would not be one)
        #expect(Money(total: Total(Int64.min), currency: Currency(code: "USD")!) == nil)
        #expect(Money(total: -Total(Int64.max), currency: Currency(code: "USD")!)?.minorUnits == -Int64.max)
    }

    @Test func feesAreCheckedAgainstTheRuleAndNetAgainstGrossLessFee() {
        let rules = MatchRules(fees: [
            FeeRule(
                scope: RuleScope(provider: "p"), percent: Percent(parsing: "2.9")!, fixedMinor: 30, toleranceMinor: 1)
        ])
        let payments = ["A", "B", "C"].map { payment([PaymentKey(.reference, $0)], 10_000) }
        let r = runRules(
            payments,
            [
                kindLine(.payment, "A", 10_000, fee: 320, net: 9_680),  // 2.9% + 0.30 = 3.20: as agreed
                kindLine(.payment, "B", 10_000, fee: 350, net: 9_650),  // 0.30 too much
                kindLine(.payment, "C", 10_000, fee: 320, net: 9_600),  // net is not gross - fee
            ], rules: rules)
        #expect(findings(r) == ["fee_mismatch:B", "fee_mismatch:C"])
        #expect(r.discrepancies[0].detail.contains("3.50 USD") && r.discrepancies[0].detail.contains("3.20 USD"))
        #expect(r.discrepancies[1].detail.contains("net 96.00 USD"))
        // without a fee rule only the inconsistent line is a finding
        let unruled = runRules(payments, [kindLine(.payment, "C", 10_000, fee: 320, net: 9_600)])
        #expect(findings(unruled) == ["missing_in_settlement:A", "missing_in_settlement:B", "fee_mismatch:C"])
    }

    @Test func theSameLinesInAnyOrderGiveTheSameFindings() {
        var random = SeededRandom(seed: 7)
        let payments = (0..<40).map { payment([PaymentKey(.reference, "O\($0)")], 10_000, line: Int64($0 + 1)) }
        var lines: [SettlementRecord] = []
        for i in 0..<40 {
            switch i % 5 {
            case 0: lines.append(kindLine(.payment, "O\(i)", 10_000, id: "c\(i)", day: 1))
            case 1:
                lines += [
                    kindLine(.payment, "O\(i)", 7_000, id: "a\(i)", day: 1),
                    kindLine(.payment, "O\(i)", 3_000, id: "b\(i)", day: 2),
                ]
            case 2:
                lines += [
                    kindLine(.payment, "O\(i)", 10_000, id: "c\(i)", day: 1),
                    kindLine(.refund, "O\(i)", -8_000, id: "r\(i)", day: 2),
                    kindLine(.refund, "O\(i)", -8_000, id: "s\(i)", day: 3),
                ]
            case 3: lines.append(kindLine(.payment, "O\(i)", 9_000, id: "c\(i)", day: 1))
            default: lines.append(kindLine(.refund, "X\(i)", -10, id: "x\(i)"))
            }
        }
        let reference = runRules(payments, lines)
        for _ in 0..<5 {
            var shuffled = lines
            shuffled.shuffle(using: &random)
            for k in shuffled.indices {
                shuffled[k].provenance.position = SourcePosition(
                    byte: Int64(k), line: Int64(k + 1), record: Int64(k + 1))
            }
            let again = runRules(payments, shuffled)
            let described = { (r: ReconciliationResult) in
                r.discrepancies.map { "\($0.kind.code):\($0.matchKey):\($0.detail)" }
            }
            #expect(described(again) == described(reference))
        }
    }
}
