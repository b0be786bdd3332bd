import PaymentModels
import ReconMatching
import Testing

func batchLine(
    _ kind: SettlementKind, _ key: String, _ minor: Int64, batch: String?, fee: Int64? = nil, day: Int64 = 1,
    provider: String = "stripe", currency: Currency = eur
) -> SettlementRecord {
    var record = kindLine(kind, key, minor, currency, fee: fee, day: day)
    record.batchId = batch
    record.provider = provider
    return record
}

func bankCredit(_ minor: Int64, references: [String], day: Int64, currency: Currency = eur) -> SettlementRecord {
    var record = kindLine(.payment, references[0], minor, currency, day: day)
    record.alternateKeys = references.count > 1 ? Array(references.dropFirst()) : nil
    record.provider = "DE89370400440532013000"
    return record
}

@Suite struct PayoutTieOutTests {
    @Test func aBatchAddsUpToItsPayout() {
        let lines = [
            batchLine(.payment, "A", 10_000, batch: "po_1", fee: 165),
            batchLine(.payment, "B", 5_000, batch: "po_1", fee: 95),
            batchLine(.refund, "A", -2_000, batch: "po_1"),
            batchLine(.chargeback, "C", -1_000, batch: "po_1", fee: 1_500),
            batchLine(.chargebackReversal, "C", 1_000, batch: "po_1"), batchLine(.fee, "", -200, batch: "po_1"),
            batchLine(.adjustment, "", 40, batch: "po_1"), batchLine(.payout, "po_1", -11_080, batch: nil, day: 3),
            batchLine(.payment, "Z", 700, batch: nil),  // in no batch: not part of any
        ]
        let outcome = PayoutTieOut.run(lines: lines, bank: nil)
        #expect(outcome.findings.isEmpty, "\(outcome.findings.map(\.detail))")
        let batch = try! #require(outcome.batches.first)
        #expect(outcome.batches.count == 1 && batch.lines == 8)
        #expect(batch.payments == 15_000 && batch.fees == 165 + 95 + 1_500 + 200 && batch.refunds == -2_000)
        #expect(batch.chargebacks == 0 && batch.adjustments == 40 && batch.payout == 11_080)
        #expect(batch.expectedPayout == 11_080 && batch.state(bankGiven: false) == "tied")
    }

    @Test func aPayoutThatDiffersFromItsLinesIsAFindingWithTheParts() {
        let lines = [
            batchLine(.payment, "A", 10_000, batch: "po_1", fee: 300),
            batchLine(.payout, "po_1", -9_600, batch: "po_1"),
        ]
        let outcome = PayoutTieOut.run(lines: lines, bank: nil)
        #expect(outcome.findings.map(\.kind) == [.payoutMismatch])
        let detail = outcome.findings[0].detail
        #expect(detail.contains("paid 96.00 EUR") && detail.contains("come to 97.00 EUR"), "\(detail)")
        #expect(detail.contains("fees 3.00") && detail.contains("difference -1.00"), "\(detail)")
        #expect(outcome.findings[0].difference == Money(minorUnits: -100, currency: eur))
    }

    @Test func payoutsFindTheirBankCreditByReferenceThenByAmountAndDate() {
        let lines = [
            batchLine(.payment, "A", 10_000, batch: "po_1"), batchLine(.payout, "po_1", -10_000, batch: "po_1", day: 3),
            batchLine(.payment, "B", 5_000, batch: "7", provider: "adyen"),
            batchLine(.payout, "", -5_000, batch: "7", day: 3, provider: "adyen"),
            batchLine(.payment, "C", 2_000, batch: "8", provider: "adyen"),
            batchLine(.payout, "", -2_000, batch: "8", day: 3, provider: "adyen"),
        ]
        let bank = [
            bankCredit(5_000, references: ["NTRY-1"], day: 4),  // batch 7 by amount, a day later
            bankCredit(10_000, references: ["NTRY-2", "STRIPE PAYOUT po_1"], day: 4),  // by the id in the text
            bankCredit(2_000, references: ["NTRY-3"], day: 12),  // too late for batch 8
        ]
        let outcome = PayoutTieOut.run(lines: lines, bank: bank, bankWindowDays: 3)
        let byId = Dictionary(uniqueKeysWithValues: outcome.batches.map { ($0.batchId, $0) })
        #expect(byId["po_1"]?.bankCredit?.matchedBy == "reference")
        #expect(byId["7"]?.bankCredit?.matchedBy == "amount_and_date" && byId["7"]?.bankCredit?.reference == "NTRY-1")
        #expect(byId["8"]?.bankCredit == nil && byId["8"]?.state(bankGiven: true) == "no bank credit")
        #expect(outcome.findings.map(\.matchKey) == ["8"] && outcome.bankMatched == 2 && outcome.bankEntries == 3)
    }

    @Test func aBankCreditShortOfThePayoutIsAFinding() {
        let lines = [batchLine(.payment, "A", 11_680, batch: "1042"), batchLine(.payout, "", -11_680, batch: "1042")]
        let bank = [bankCredit(11_630, references: ["1042", "ADYEN PAYOUT BATCH 1042"], day: 2)]
        let outcome = PayoutTieOut.run(lines: lines, bank: bank)
        #expect(outcome.batches[0].state(bankGiven: true) == "bank differs")
        #expect(outcome.findings.first?.difference == Money(minorUnits: -50, currency: eur))
        #expect(outcome.findings.first?.detail.contains("the bank credited 116.30 EUR") == true)
    }
}
