import PaymentModels

/// A payment with more than one line: partial captures, refunds, chargebacks and their
/// reversals, or duplicates.
///
/// The capture lines are judged first: one line alone as usual; several either as partial
/// captures (distinct lines that together equal the payment) or as one kept line and
/// duplicates. Then the money that went back is followed in a fixed order (settlement time,
/// settlement id, amount, then source) against what was captured: a refund or chargeback that
/// takes the payment's net position below zero is `refund_unmatched`; a payment that says it
/// was refunded but whose refunds return less than was captured is an `amount_mismatch` naming
/// the refunded part.
extension MatchingEngine {
    func classifyGroup(_ p: Int, first: Int, into part: inout Partial) {
        var captures = first >= 0 ? [first] : []
        if first >= 0, firstLine[p] & Self.hasExtraLines != 0, let extra = extraLines[Int32(p)] {
            captures += extra.map(Int.init)
        }
        var findings: [Discrepancy] = []
        var captured: Total = 0
        // whether a finding is about the payment itself, not only about one of its extra lines
        var paymentProblem = false
        if captures.isEmpty {
            unsettled(p, into: &part)
            // nothing captured in this run, and (for a store run) none in an earlier one: a
            // payment an earlier run settled is closed, and its late refunds are linked by the
            // store job. A refund or chargeback here returns money that never came in.
            captured = 0
        } else {
            (captured, findings) = judgeCaptures(p, captures, problem: &paymentProblem, into: &part)
        }
        findings += followReturns(
            p, captured: captured, settled: !captures.isEmpty, problem: &paymentProblem, into: &part)
        if let first = captures.first, let finding = nothingReturned(p, capture: first, captured: captured) {
            findings.append(finding)
            paymentProblem = true
        }
        part.findings += findings
        guard !captures.isEmpty else { return }
        if !paymentProblem {
            part.matched += 1
        } else {
            part.paymentsDiscrepant += 1
        }
    }

    /// The capture lines of a payment: what they captured in the payment's currency, and the
    /// findings. Counts the lines; the payment itself is counted by the caller.
    private func judgeCaptures(
        _ p: Int, _ slots: [Int], problem: inout Bool, into part: inout Partial
    ) -> (Total, [Discrepancy]) {
        let payment = payments[p]
        if slots.count == 1 {
            let field = lineField[slots[0]]
            let (finding, rule) = judge(p, line: slots[0], field: field)
            countLine(finding == nil, field: field, rule: rule, into: &part)
            problem = finding != nil
            return (capturedAmount(payment, [slots[0]]), finding.map { [$0] } ?? [])
        }
        if let split = partialCaptures(p, slots) {
            for slot in split { countLine(true, field: lineField[slot], rule: .partialCaptures, into: &part) }
            part.byRule[Int(MatchRule.partialCaptures.rawValue)] += 1
            part.matchedCounts[Int(lineField[split[0]].rawValue)] += 1
            return (capturedAmount(payment, split), [])
        }
        // one line keeps the payment, the others are duplicates
        let judged = slots.map { judge(p, line: $0, field: lineField[$0]) }
        let outcomes = judged.map(\.0)
        let winner = Classifier.winner(
            outcomes: outcomes, exact: slots.map { lines[$0].gross == payment.amount }, lines: slots.map { lines[$0] })
        var findings: [Discrepancy] = []
        for (k, slot) in slots.enumerated() where k != winner {
            let duplicate = Classifier.duplicate(
                payment, lines[slot], field: lineField[slot], keptBy: lines[slots[winner]])
            findings.append(naming(duplicate, slot: slot)!)
            part.linesDiscrepant += 1
        }
        let field = lineField[slots[winner]]
        countLine(outcomes[winner] == nil, field: field, rule: judged[winner].1, into: &part)
        problem = outcomes[winner] != nil
        if let finding = outcomes[winner] { findings.append(finding) }
        return (capturedAmount(payment, [slots[winner]]), findings)
    }

    /// Counts a capture line, and for a lone clean one its field and rule.
    private func countLine(_ clean: Bool, field: KeyField, rule: MatchRule, into part: inout Partial) {
        if clean {
            part.linesMatched += 1
            if rule != .partialCaptures {
                part.matchedCounts[Int(field.rawValue)] += 1
                part.byRule[Int(rule.rawValue)] += 1
            }
        } else {
            part.linesDiscrepant += 1
        }
    }

    /// Money the lines moved in the payment's currency (lines in another currency count 0).
    private func capturedAmount(_ payment: Payment, _ slots: [Int]) -> Total {
        slots.reduce(0) { sum, slot in
            let line = lines[slot]
            guard line.gross.currency == payment.amount.currency, line.status.moneyMoved != false else { return sum }
            return sum + Total(line.gross.minorUnits)
        }
    }

    /// Several capture lines are partial captures when they are distinct (no settlement id
    /// repeats), all moved money in the payment's currency, none alone equals the payment, and
    /// together they equal it within the tolerance. Returns them, or nil.
    private func partialCaptures(_ p: Int, _ slots: [Int]) -> [Int]? {
        let payment = payments[p]
        var ids = Set<String>()
        var sum: Total = 0
        for slot in slots {
            let line = lines[slot]
            guard line.gross.currency == payment.amount.currency, line.status.moneyMoved == true,
                line.gross != payment.amount
            else { return nil }
            if let id = line.settlementId, !ids.insert(id).inserted { return nil }
            sum += Total(line.gross.minorUnits)
        }
        let tolerance = rules.tolerance(
            provider: lines[slots[0]].provider ?? payment.system.rawValue, system: payment.system.rawValue,
            amount: payment.amount)
        guard (sum - Total(payment.amount.minorUnits)).magnitude <= UInt128(tolerance.magnitude) else { return nil }
        return slots.sorted { lineOrder(lines[$0], lines[$1]) }
    }

    /// Refunds, chargebacks and reversals against what was captured; counts each line.
    private func followReturns(
        _ p: Int, captured: Total, settled: Bool, problem: inout Bool, into part: inout Partial
    ) -> [Discrepancy] {
        guard let slots = linked[Int32(p)] else { return [] }
        let payment = payments[p]
        let currency = payment.amount.currency
        var findings: [Discrepancy] = []
        var out: Total = 0  // refunded + charged back - reversed, so far
        var refunded: Total = 0
        let money = { (total: Total) in "\(MinorUnits.format(total, exponent: currency.exponent)) \(currency)" }
        var lastRefund = -1
        for slot in slots.map(Int.init).sorted(by: { lineOrder(lines[$0], lines[$1]) }) {
            let line = lines[slot]
            let field = lineField[slot]
            guard line.gross.currency == currency else {
                findings.append(
                    naming(
                        Classifier.pair(
                            .currencyMismatch, payment, line, field,
                            "a \(line.kind.code.replacingUnderscores) in \(line.gross.currency) for a payment "
                                + "created in \(currency)"), slot: slot)!)
                part.linesDiscrepant += 1
                continue
            }
            guard line.status.moneyMoved != false else {
                part.linesMatched += 1  // a refund that failed moved nothing: linked, and done
                continue
            }
            let magnitude = Total(line.gross.minorUnits.magnitude)
            let change = line.kind == .chargebackReversal ? -magnitude : magnitude
            if change > 0, out + change > captured {
                let what = "a \(line.kind.code.replacingUnderscores) of \(money(magnitude))"
                var finding = Classifier.pair(
                    .refundUnmatched, payment, line, field,
                    settled
                        ? "\(what) would return \(money(out + change)) in all, more than the \(money(captured)) "
                            + "captured"
                        : "\(what) for a payment with no settled capture: money returned that never came in")
                // expected: what could still be returned; actual: what this line returns
                finding.expected = Money(total: max(0, captured - out), currency: currency)
                finding.actual = Money(total: magnitude, currency: currency)
                findings.append(naming(finding, slot: slot)!)
                part.linesDiscrepant += 1
                continue
            }
            out += change
            if line.kind == .refund {
                refunded += magnitude
                lastRefund = slot
            }
            part.linesMatched += 1
        }
        if payment.status == .refunded, lastRefund >= 0, refunded < captured {
            let line = lines[lastRefund]
            var finding = Classifier.pair(
                .amountMismatch, payment, line, lineField[lastRefund],
                "the payment says refunded but its refunds return \(money(refunded)) of the \(money(captured)) "
                    + "captured (refunded part short by "
                    + "\(MinorUnits.format(captured - refunded, exponent: currency.exponent)))")
            finding.expected = Money(total: captured, currency: currency)
            finding.actual = Money(total: refunded, currency: currency)
            findings.append(naming(finding, slot: lastRefund)!)
            problem = true
        }
        return findings
    }

    /// A payment that says it was refunded, or that it lost its dispute, while no refund (or
    /// chargeback) line returned anything of what was captured: an `amount_mismatch` paired
    /// with the capture line, naming what should have gone back.
    private func nothingReturned(_ p: Int, capture: Int, captured: Total) -> Discrepancy? {
        let payment = payments[p]
        let returning: SettlementKind
        switch payment.status {
        case .refunded: returning = .refund
        case .disputeLost: returning = .chargeback
        default: return nil
        }
        guard captured > 0 else { return nil }
        let returned = (linked[Int32(p)] ?? []).contains { slot in
            let line = lines[Int(slot)]
            return line.kind == returning && line.status.moneyMoved != false
        }
        guard !returned else { return nil }
        let currency = payment.amount.currency
        let word = returning == .refund ? "refunded" : "lost its dispute"
        var finding = Classifier.pair(
            .amountMismatch, payment, lines[capture], lineField[capture],
            "the payment says \(word) (\(payment.rawStatus)) but no \(returning.code) line returns any of the "
                + "\(MinorUnits.format(captured, exponent: currency.exponent)) \(currency) captured: nothing returned")
        finding.expected = Money(total: captured, currency: currency)
        finding.actual = Money(minorUnits: 0, currency: currency)
        return naming(finding, slot: capture)
    }

    /// The order lines of one payment are followed in, whatever order the files came in.
    func lineOrder(_ a: SettlementRecord, _ b: SettlementRecord) -> Bool {
        let (x, y) = (a.settledAt?.millisecondsSince1970 ?? .min, b.settledAt?.millisecondsSince1970 ?? .min)
        if x != y { return x < y }
        if a.settlementId != b.settlementId { return (a.settlementId ?? "") < (b.settlementId ?? "") }
        if a.gross.minorUnits != b.gross.minorUnits { return a.gross.minorUnits < b.gross.minorUnits }
        return a.provenance < b.provenance
    }
}
