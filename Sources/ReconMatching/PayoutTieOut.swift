public import PaymentModels

/// Many-to-one: the settlement lines of each payout batch summed and tied to the batch's
/// payout, then each payout tied to a bank statement credit. Pure: lines in, batches and
/// findings out.
///
/// A line's batch is its `batchId`; a payout line without one is its own batch's payout (its
/// id or key names the batch). Lines in no batch are not part of this (most generic exports).
///
/// Bank credits are matched in two passes, each in a fixed order (batches by provider, id and
/// currency; credits oldest first, then by source): first a credit whose references carry the
/// payout id, then a credit of exactly the paid amount in the currency, booked on the payout
/// day or up to `bankWindowDays` after it. A credit serves one payout.
public enum PayoutTieOut {
    public struct Outcome: Sendable {
        public var batches: [PayoutBatch]
        public var findings: [Discrepancy]
        /// Bank entries read, and how many received a payout.
        public var bankEntries = 0
        public var bankMatched = 0
    }

    public static func run(
        lines: some Sequence<SettlementRecord>, bank: [SettlementRecord]?, bankWindowDays: Int = 3
    ) -> Outcome {
        var batches = group(lines)
        var findings: [Discrepancy] = []
        var bankMatched = 0
        if let bank {
            bankMatched = matchBank(&batches, bank, windowDays: bankWindowDays)
        }
        for batch in batches {
            if let finding = finding(batch, bankGiven: bank != nil, windowDays: bankWindowDays) {
                findings.append(finding)
            }
        }
        return Outcome(batches: batches, findings: findings, bankEntries: bank?.count ?? 0, bankMatched: bankMatched)
    }

    struct BatchKey: Hashable {
        var provider: String
        var id: String
        var currency: Currency
    }

    static func group(_ lines: some Sequence<SettlementRecord>) -> [PayoutBatch] {
        var batches: [BatchKey: PayoutBatch] = [:]
        for line in lines {
            let kind = line.kind
            guard let id = line.payoutBatch else { continue }
            // summed in the currency the batch is paid out in: a converted line by its gross in
            // that currency (net + fee, as the provider converted it)
            let key = BatchKey(provider: line.provider ?? "", id: id, currency: line.settlementCurrency)
            var batch = batches[key] ?? PayoutBatch(provider: key.provider, batchId: id, currency: key.currency)
            batch.lines += 1
            let gross = Total(line.settledGross?.minorUnits ?? 0)
            let fee = Total(line.fee?.minorUnits ?? 0)
            // a batch without its payout line is dated by the payout date its lines state
            // (Stripe's automatic_payout_effective_at), else by its latest line
            if kind != .payout, batch.payoutSource == nil {
                let latest = batch.paidAt?.millisecondsSince1970 ?? .min
                if let payoutAt = line.payoutAt {
                    if !batch.datedByPayout || payoutAt.millisecondsSince1970 > latest {
                        batch.paidAt = payoutAt
                        batch.datedByPayout = true
                    }
                } else if !batch.datedByPayout, let time = line.settledAt, time.millisecondsSince1970 > latest {
                    batch.paidAt = time
                }
            }
            switch kind {
            case .payment:
                guard line.status.moneyMoved != false else { break }
                batch.payments += gross
                batch.fees += fee
            case .refund:
                batch.refunds -= abs(gross)
                batch.fees += fee
            case .chargeback:
                batch.chargebacks -= abs(gross)
                batch.fees += fee
            case .chargebackReversal:
                batch.chargebacks += abs(gross)
                batch.fees += fee
            case .fee:
                batch.fees += abs(gross) + fee
            case .adjustment:
                batch.adjustments += gross
                batch.fees += fee
            case .payout:
                // the balance pays out: a debit on the provider's side, a credit at the bank
                batch.payout = (batch.payout ?? 0) - gross
                batch.payoutSource = batch.payoutSource ?? line.provenance
                if let time = line.settledAt { batch.paidAt = time }
            }
            batches[key] = batch
        }
        return batches.values.sorted {
            ($0.provider, $0.batchId, $0.currency.code) < ($1.provider, $1.batchId, $1.currency.code)
        }
    }

    /// Fills `bankCredit` where a credit is found; returns how many credits were used.
    static func matchBank(_ batches: inout [PayoutBatch], _ bank: [SettlementRecord], windowDays: Int) -> Int {
        let credits = bank.indices.filter { bank[$0].gross.minorUnits > 0 && bank[$0].status == .settled }
            .sorted { a, b in
                let (x, y) = (
                    bank[a].settledAt?.millisecondsSince1970 ?? .min, bank[b].settledAt?.millisecondsSince1970 ?? .min
                )
                return x != y ? x < y : bank[a].provenance < bank[b].provenance
            }
        var used = Set<Int>()
        func take(_ b: Int, _ i: Int, by rule: String) {
            used.insert(i)
            let entry = bank[i]
            batches[b].bankCredit = BankCredit(
                reference: entry.key, amount: entry.gross, bookedAt: entry.settledAt, source: entry.provenance,
                matchedBy: rule)
        }
        for b in batches.indices {
            let id = batches[b].batchId
            if let i = credits.first(where: {
                !used.contains($0) && bank[$0].gross.currency == batches[b].currency && carries(bank[$0], id)
            }) {
                take(b, i, by: "reference")
            }
        }
        let day: Int64 = 86_400_000
        for b in batches.indices where batches[b].bankCredit == nil {
            let batch = batches[b]
            let from = batch.paidAt.map { $0.millisecondsSince1970 / day * day }
            let match = credits.first { i in
                guard !used.contains(i), bank[i].gross.currency == batch.currency,
                    Total(bank[i].gross.minorUnits) == batch.paidOut
                else { return false }
                guard let from, let booked = bank[i].settledAt?.millisecondsSince1970 else { return from == nil }
                return booked >= from && booked < from + Int64(windowDays + 1) * day
            }
            if let match { take(b, match, by: "amount_and_date") }
        }
        return used.count
    }

    /// Whether a bank entry names the payout: one of its references is the id, or contains it
    /// as a word (remittance text such as `STRIPE PAYOUT po_1OaBc`).
    static func carries(_ entry: SettlementRecord, _ id: String) -> Bool {
        ([entry.key] + (entry.alternateKeys ?? [])).contains { reference in
            reference == id
                || reference.split(whereSeparator: { $0 == " " || $0 == "/" || $0 == "," }).contains { $0 == id }
        }
    }

    static func finding(_ batch: PayoutBatch, bankGiven: Bool, windowDays: Int) -> Discrepancy? {
        // totals are exact at any size; a total beyond an amount's range is named in the detail
        // and left out of the expected and actual columns
        let money = { (total: Total) in Money(total: total, currency: batch.currency) }
        let text = { (total: Total) in MinorUnits.format(total, exponent: batch.currency.exponent) }
        let named = { (total: Total) in "\(text(total)) \(batch.currency.code)" }
        let parts =
            "payments \(text(batch.payments)) - fees \(text(batch.fees)) - refunds \(text(-batch.refunds)) "
            + "- chargebacks \(text(-batch.chargebacks)) + adjustments \(text(batch.adjustments)) "
            + "= \(text(batch.expectedPayout))"
        var finding = Discrepancy(
            kind: .payoutMismatch, matchKey: batch.batchId, keyField: nil, provider: batch.provider, paymentId: nil,
            expected: money(batch.expectedPayout), expectedStatus: nil, actual: batch.payout.flatMap(money),
            actualStatus: "payout", paymentSource: nil, settlementSource: batch.payoutSource, detail: "")
        if let payout = batch.payout, payout != batch.expectedPayout {
            finding.detail =
                "payout \(batch.batchId) paid \(named(payout)) but its \(batch.lines - 1) lines come to "
                + "\(named(batch.expectedPayout)) (\(parts)); difference \(text(payout - batch.expectedPayout))"
            return finding
        }
        guard bankGiven else { return nil }
        guard let credit = batch.bankCredit else {
            finding.expected = money(batch.paidOut)
            finding.actual = nil
            finding.detail =
                "no bank credit of \(named(batch.paidOut)) for payout \(batch.batchId), by reference or within "
                + "\(windowDays) days of \(batch.paidAt.map { String($0.description.prefix(10)) } ?? "the payout")"
            return finding
        }
        guard Total(credit.amount.minorUnits) != batch.paidOut else { return nil }
        finding.expected = money(batch.paidOut)
        finding.actual = credit.amount
        finding.actualStatus = "bank credit"
        finding.settlementSource = credit.source
        finding.detail =
            "the bank credited \(credit.amount) for payout \(batch.batchId) of \(named(batch.paidOut)) (\(parts)); "
            + "difference \(text(Total(credit.amount.minorUnits) - batch.paidOut))"
        return finding
    }
}
