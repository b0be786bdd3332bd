import PaymentModels

/// The rules that turn a payment and its settlement line(s) into a finding, and the order
/// findings are reported in. Kept apart from the engine's bookkeeping so each rule reads
/// as one small function.
enum Classifier {
    /// nil for a clean match; otherwise the most important problem of the pair, in
    /// `Discrepancy.Kind` precedence: currency, then amount, then status.
    /// An amount within `tolerance` minor units of the created one is not a mismatch.
    static func classify(
        _ payment: Payment, _ line: SettlementRecord, field: KeyField, tolerance: Int64 = 0
    ) -> Discrepancy? {
        if payment.amount.currency != line.gross.currency {
            return pair(
                .currencyMismatch, payment, line, field,
                "created in \(payment.amount.currency) but settled in \(line.gross.currency)")
        }
        if payment.amount.minorUnits != line.gross.minorUnits {
            let total = Total(line.gross.minorUnits) - Total(payment.amount.minorUnits)
            let difference = MinorUnits.format(total, exponent: payment.amount.currency.exponent)
            if total.magnitude > UInt128(tolerance.magnitude) {
                let beyond =
                    tolerance > 0
                    ? ", beyond the tolerance of "
                        + Money(minorUnits: tolerance, currency: payment.amount.currency).decimalString
                    : ""
                let ordered = payment.orderedAmount.map { " (ordered \($0); received \(payment.amount))" } ?? ""
                return pair(
                    .amountMismatch, payment, line, field,
                    "settled gross \(line.gross) differs from the created amount \(payment.amount)\(ordered) "
                        + "by \(difference)\(beyond)")
            }
        }
        if let problem = statusProblem(payment, line) {
            return pair(.statusMismatch, payment, line, field, problem)
        }
        return nil
    }

    /// The fast test for the common case, on plain values: same money, consistent statuses.
    @inline(__always)
    static func isClean(
        _ amount: Money, _ status: PaymentStatus, _ gross: Money, _ lineStatus: SettlementStatus
    ) -> Bool {
        guard amount == gross else { return false }
        // a payment that says its money went back is judged with its refunds or chargebacks
        guard status != .refunded && status != .disputeLost else { return false }
        guard let moved = lineStatus.moneyMoved, status != .unknown else { return true }
        switch status.expectation {
        case .notExpected: return !moved
        case .expected: return moved
        case .eitherWay: return true
        }
    }

    /// A converted line whose net + fee is not its gross at the stated rate, beyond the FX
    /// tolerance of the currency pair.
    static func fxProblem(_ payment: Payment, _ line: SettlementRecord, field: KeyField, rules: MatchRules)
        -> Discrepancy?
    {
        guard let difference = line.conversionDifference, let rate = line.exchangeRate,
            let converted = rate.convert(line.gross, to: line.settlementCurrency)
        else { return nil }
        let tolerance = rules.fxTolerance(
            from: line.gross.currency, to: line.settlementCurrency, converted: converted.minorUnits)
        guard difference.minorUnits.magnitude > UInt64(tolerance) else { return nil }
        let paid = line.settledGross ?? converted
        var finding = pair(
            .fxMismatch, payment, line, field,
            "\(line.gross) at the stated rate \(rate) is \(converted), but the line's net and fee come to "
                + "\(paid) (difference \(difference.decimalString), tolerance "
                + "\(Money(minorUnits: tolerance, currency: converted.currency).decimalString))")
        finding.expected = converted
        finding.actual = paid
        return finding
    }

    /// A line whose net is not gross - fee, or whose fee is not the one the rule expects.
    static func feeProblem(
        _ payment: Payment, _ line: SettlementRecord, field: KeyField, rule: FeeRule?
    ) -> Discrepancy? {
        guard let fee = line.fee else { return nil }
        let less = Total(line.gross.minorUnits) - Total(fee.minorUnits)
        if !line.isConverted, let net = line.net, Total(net.minorUnits) != less {
            var finding = pair(
                .feeMismatch, payment, line, field,
                "the line's net \(net) is not its gross \(line.gross) less its fee \(fee) "
                    + "(\(MinorUnits.format(less, exponent: fee.currency.exponent)) \(fee.currency))")
            finding.actual = net
            finding.expected = Money(total: less, currency: fee.currency)
            return finding
        }
        guard let rule, let base = line.settledGross else { return nil }
        let expected = rule.expectedFee(on: base.minorUnits)
        guard abs(abs(fee.minorUnits) - expected) > rule.toleranceMinor else { return nil }
        let expectedFee = Money(minorUnits: expected, currency: fee.currency)
        var finding = pair(
            .feeMismatch, payment, line, field,
            "charged a fee of \(fee) where \(rule.percent) + "
                + "\(Money(minorUnits: rule.fixedMinor, currency: fee.currency).decimalString) of \(base) "
                + "is \(expectedFee)")
        finding.expected = expectedFee
        finding.actual = Money(minorUnits: abs(fee.minorUnits), currency: fee.currency)
        return finding
    }

    /// A created payment that should not have moved money did, or one that should have
    /// didn't. Unknown statuses on either side are never a mismatch.
    static func statusProblem(_ payment: Payment, _ line: SettlementRecord) -> String? {
        guard let moved = line.status.moneyMoved, payment.status != .unknown else { return nil }
        switch payment.status.expectation {
        case .notExpected where moved:
            return "the payment is \(payment.rawStatus) but the settlement line says "
                + "\(line.rawStatus): money moved for a payment that did not succeed"
        case .expected where !moved:
            return "the payment is \(payment.rawStatus) but the settlement line says "
                + "\(line.rawStatus): the money did not move"
        default:
            return nil
        }
    }

    /// Which of several lines attached to one payment keeps it: a clean match first, then the
    /// least severe finding; then an exact amount before one within tolerance; then the oldest
    /// (settled first; a line without a time last); then the smallest settlement id, gross and
    /// position, so that the choice does not depend on input order.
    static func winner(outcomes: [Discrepancy?], exact: [Bool], lines: [SettlementRecord]) -> Int {
        var best = 0
        for k in 1..<max(1, outcomes.count) where isBetter(k, than: best, outcomes, exact, lines) {
            best = k
        }
        return best
    }

    static func isBetter(
        _ a: Int, than b: Int, _ outcomes: [Discrepancy?], _ exact: [Bool], _ lines: [SettlementRecord]
    ) -> Bool {
        // clean (nil) ranks before any finding; among findings the least severe (last kind) wins
        let rankA = outcomes[a].map { Discrepancy.Kind.allCases.count - $0.kind.precedence } ?? 0
        let rankB = outcomes[b].map { Discrepancy.Kind.allCases.count - $0.kind.precedence } ?? 0
        if rankA != rankB { return rankA < rankB }
        if exact[a] != exact[b] { return exact[a] }
        let (x, y) = (lines[a], lines[b])
        let (tx, ty) = (x.settledAt?.millisecondsSince1970 ?? .max, y.settledAt?.millisecondsSince1970 ?? .max)
        if tx != ty { return tx < ty }
        if x.settlementId != y.settlementId { return (x.settlementId ?? "") < (y.settlementId ?? "") }
        if x.gross.minorUnits != y.gross.minorUnits { return x.gross.minorUnits < y.gross.minorUnits }
        return x.provenance < y.provenance
    }

    static func pair(
        _ kind: Discrepancy.Kind, _ payment: Payment, _ line: SettlementRecord, _ field: KeyField,
        _ detail: String
    ) -> Discrepancy {
        Discrepancy(
            kind: kind, matchKey: line.key, keyField: field, provider: payment.system.rawValue,
            paymentId: payment.providerId, expected: payment.amount, expectedStatus: payment.rawStatus,
            actual: line.gross, actualStatus: line.rawStatus, paymentSource: payment.provenance,
            settlementSource: line.provenance, detail: line.isConverted ? detail + paidOut(line) : detail)
    }

    /// For a line paid out in another currency, what was paid out: `; paid out in USD: net
    /// 5.43, fee 0.27, at the stated rate 1.0656568`. Empty for the others.
    static func paidOut(_ line: SettlementRecord) -> String {
        guard line.isConverted else { return "" }
        var parts: [String] = []
        if let net = line.net { parts.append("net \(net.decimalString)") }
        if let fee = line.fee { parts.append("fee \(fee.decimalString)") }
        if let rate = line.exchangeRate { parts.append("at the stated rate \(rate)") }
        return "; paid out in \(line.settlementCurrency): " + parts.joined(separator: ", ")
    }

    static func duplicate(
        _ payment: Payment, _ line: SettlementRecord, field: KeyField, keptBy: SettlementRecord
    ) -> Discrepancy {
        let kept = keptBy.settlementId.map { "line \($0) at \(keptBy.provenance)" } ?? "\(keptBy.provenance)"
        return pair(
            .duplicateSettlement, payment, line, field,
            "a second settlement line for this payment; it is already settled by \(kept)")
    }

    /// A refund, chargeback or reversal whose key names no created payment.
    static func unlinked(_ line: SettlementRecord) -> Discrepancy {
        var finding = unexpected(line)
        let amount = Money(minorUnits: abs(line.gross.minorUnits), currency: line.gross.currency)
        finding.detail = "a \(line.kind.code.replacingUnderscores) of \(amount) but no created payment carries this key"
        if line.kind == .refund { finding.kind = .refundUnmatched }
        return finding
    }

    static func missing(_ payment: Payment) -> Discrepancy {
        let key = payment.primaryKey
        return Discrepancy(
            kind: .missingInSettlement, matchKey: key.value, keyField: key.field,
            provider: payment.system.rawValue, paymentId: payment.providerId,
            expected: payment.amount, expectedStatus: payment.rawStatus, actual: nil,
            actualStatus: nil, paymentSource: payment.provenance, settlementSource: nil,
            detail: "created (\(payment.rawStatus.isEmpty ? "no status" : payment.rawStatus)) "
                + "for \(payment.amount) but not in any settlement file")
    }

    static func unexpected(_ line: SettlementRecord) -> Discrepancy {
        Discrepancy(
            kind: .unexpectedInSettlement, matchKey: line.key, keyField: nil,
            provider: line.provider ?? "", paymentId: nil, expected: nil, expectedStatus: nil,
            actual: line.gross, actualStatus: line.rawStatus, paymentSource: nil,
            settlementSource: line.provenance,
            detail: "settled \(line.gross) but no created payment carries this key")
    }

    /// Findings in report order: kind, then match key (by its UTF-8 bytes), then the
    /// settlement line's position, then the payment's.
    ///
    /// Sorts small plain keys (kind and the key's first 24 bytes as big-endian integers, so
    /// integer order is byte order) and reads the findings themselves only on ties. Sorting
    /// the findings, or keys holding strings, spent most of its time moving 250-byte structs
    /// or retaining and releasing strings.
    static func sortedForReport(_ findings: [Discrepancy]) -> [Discrepancy] {
        struct SortKey {
            var kind: Int32
            var index: Int32
            var head: (UInt64, UInt64, UInt64)
        }
        precondition(findings.count < Int(Int32.max), "too many findings to sort")
        var keys = findings.indices.map { i in
            SortKey(
                kind: Int32(findings[i].kind.precedence), index: Int32(i), head: keyHead(findings[i].matchKey))
        }
        keys.sort { a, b in
            if a.kind != b.kind { return a.kind < b.kind }
            if a.head != b.head {
                return a.head.0 != b.head.0
                    ? a.head.0 < b.head.0 : a.head.1 != b.head.1 ? a.head.1 < b.head.1 : a.head.2 < b.head.2
            }
            return tieOrder(findings[Int(a.index)], findings[Int(b.index)])
        }
        return keys.map { findings[Int($0.index)] }
    }

    /// The first 24 bytes of `key`, zero-padded, as three big-endian words.
    static func keyHead(_ key: String) -> (UInt64, UInt64, UInt64) {
        var key = key
        return key.withUTF8 { bytes in
            var words: (UInt64, UInt64, UInt64) = (0, 0, 0)
            for (k, byte) in bytes.prefix(24).enumerated() {
                let shifted = UInt64(byte) << (8 * (7 - UInt64(k % 8)))
                switch k / 8 {
                case 0: words.0 |= shifted
                case 1: words.1 |= shifted
                default: words.2 |= shifted
                }
            }
            return words
        }
    }

    /// Order between findings of one kind whose keys share their first 24 bytes.
    static func tieOrder(_ a: borrowing Discrepancy, _ b: borrowing Discrepancy) -> Bool {
        if a.matchKey != b.matchKey { return Array(a.matchKey.utf8).lexicographicallyPrecedes(b.matchKey.utf8) }
        if a.settlementSource != b.settlementSource {
            guard let x = a.settlementSource else { return true }
            guard let y = b.settlementSource else { return false }
            return x < y
        }
        guard let x = a.paymentSource, let y = b.paymentSource else {
            return a.paymentSource == nil && b.paymentSource != nil
        }
        return x < y
    }

}

extension String {
    /// `chargeback_reversal` as words for a sentence.
    var replacingUnderscores: String { split(separator: "_").joined(separator: " ") }
}
