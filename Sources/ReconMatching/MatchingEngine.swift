public import PaymentModels

/// One-to-one matching of settlement lines against created payments, by key.
///
/// Pure: payments in at `init`, settlement lines streamed in with `add`, a result out of
/// `finish`; no I/O, so its tests need no files. Lines are attached to payments as they come
/// and classified only at `finish`, so the result does not depend on input order: when two
/// lines claim one payment, the better match (then the smaller settlement id) keeps it and the
/// other is `duplicate_settlement`.
public struct MatchingEngine: Sendable {
    let payments: [Payment]
    let index: KeyIndex
    /// Per payment: the first attached line's slot in `lines`, or -1.
    var firstLine: [Int32]
    /// Further lines attached to the same payment (duplicates; rare).
    var extraLines: [Int32: [Int32]] = [:]
    /// Every settlement line added, in order; a payment refers to its lines by index here.
    var lines: [SettlementRecord] = []
    var lineField: [KeyField] = []
    var unexpected: [Discrepancy] = []
    var settlementAdded = 0
    var unknownSettlementStatuses: [String: Int] = [:]
    /// Settled money per currency, from every line whatever it matched.
    var settledTotals: [Currency: CurrencyTotals] = [:]

    public init(payments: [Payment]) {
        self.payments = payments
        index = KeyIndex(payments: payments)
        firstLine = [Int32](repeating: -1, count: payments.count)
    }

    /// Attaches one settlement line to the payment its key names, or records it as unexpected.
    ///
    /// Key order: the field that matches earliest in `KeyField` order wins (merchant keys before
    /// provider ids); among payments with that same key, the first one still free.
    public mutating func add(_ record: SettlementRecord) {
        lines.append(record)
        attach(lines.count - 1)
    }

    /// Adds many lines at once; takes the array over without copying when nothing was added yet.
    public mutating func add(contentsOf records: [SettlementRecord]) {
        let first = lines.count
        if lines.isEmpty { lines = records } else { lines.append(contentsOf: records) }
        lineField.reserveCapacity(lines.count)
        for slot in first..<lines.count { attach(slot) }
    }

    private mutating func attach(_ slot: Int) {
        let record = lines[slot]
        settlementAdded += 1
        Self.addSettled(record, to: &settledTotals)
        if record.status == .unknown {
            unknownSettlementStatuses[(record.provider ?? "") + "\u{0}" + record.rawStatus, default: 0] += 1
        }
        var best = -1
        var bestField = KeyField.id
        var bestFree = false
        index.candidates(record.key, in: payments) { payment, field in
            let free = self.firstLine[payment] < 0
            let better =
                best < 0 || field < bestField || (field == bestField && free && !bestFree)
                || (field == bestField && free == bestFree && payment < best)
            if better {
                best = payment
                bestField = field
                bestFree = free
            }
        }
        lineField.append(bestField)
        guard best >= 0 else {
            unexpected.append(Classifier.unexpected(record))
            return
        }
        if self.firstLine[best] < 0 {
            self.firstLine[best] = Int32(slot)
        } else {
            extraLines[Int32(best), default: []].append(Int32(slot))
        }
    }

    /// Classifies every payment and attached line; the result is sorted and conserved.
    public func finish() -> ReconciliationResult {
        var findings = unexpected
        var paymentsSide = SideCounts()
        var settlementSide = SideCounts()
        var matchedByField: [KeyField: Int] = [:]
        var totals = settledTotals
        var unknownPayments: [String: Int] = [:]
        paymentsSide.read = payments.count
        settlementSide.read = settlementAdded
        settlementSide.discrepant = unexpected.count

        for (p, payment) in payments.enumerated() {
            if payment.status == .unknown {
                unknownPayments[payment.system.rawValue + "\u{0}" + payment.rawStatus, default: 0] += 1
            }
            if payment.status.expectation == .expected {
                totals[payment.amount.currency, default: CurrencyTotals(currency: payment.amount.currency)]
                    .expected += payment.amount.minorUnits
            }
            let first = firstLine[p]
            guard first >= 0 else {
                if payment.status.expectation == .expected {
                    findings.append(Classifier.missing(payment))
                    paymentsSide.discrepant += 1
                } else {
                    paymentsSide.notExpected += 1
                }
                continue
            }
            var slots = [Int(first)]
            if let extra = extraLines[Int32(p)] { slots += extra.map(Int.init) }
            let outcomes = slots.map { Classifier.classify(payment, lines[$0], field: lineField[$0]) }
            let winner = Classifier.winner(outcomes: outcomes, lines: slots.map { lines[$0] })
            for (k, slot) in slots.enumerated() {
                let line = lines[slot]
                if k == winner {
                    if let finding = outcomes[k] {
                        findings.append(finding)
                        paymentsSide.discrepant += 1
                        settlementSide.discrepant += 1
                    } else {
                        paymentsSide.matched += 1
                        settlementSide.matched += 1
                        matchedByField[lineField[slot], default: 0] += 1
                    }
                } else {
                    let kept = lines[slots[winner]]
                    findings.append(Classifier.duplicate(payment, line, field: lineField[slot], keptBy: kept))
                    settlementSide.discrepant += 1
                }
            }
        }
        findings.sort(by: Classifier.reportOrder)
        let result = ReconciliationResult(
            discrepancies: findings, payments: paymentsSide, settlement: settlementSide,
            matchedByField: matchedByField,
            totals: totals.values.sorted { $0.currency < $1.currency },
            unknownStatuses: Self.unknowns("payments", unknownPayments)
                + Self.unknowns("settlement", unknownSettlementStatuses))
        precondition(
            result.checkConservation().isEmpty, "matching lost records: \(result.checkConservation())")
        return result
    }

    static func addSettled(_ line: SettlementRecord, to totals: inout [Currency: CurrencyTotals]) {
        guard line.status.moneyMoved == true else { return }
        let currency = line.gross.currency
        var entry = totals[currency] ?? CurrencyTotals(currency: currency)
        entry.settled += line.gross.minorUnits
        entry.fees += line.fee?.minorUnits ?? 0
        entry.net += line.net?.minorUnits ?? (line.gross.minorUnits - (line.fee?.minorUnits ?? 0))
        totals[currency] = entry
    }

    static func unknowns(_ side: String, _ counts: [String: Int]) -> [UnknownStatus] {
        counts.map { key, count in
            let parts = key.split(separator: "\u{0}", omittingEmptySubsequences: false)
            return UnknownStatus(side: side, system: String(parts[0]), raw: String(parts[1]), count: count)
        }.sorted { ($0.side, $0.system, $0.raw) < ($1.side, $1.system, $1.raw) }
    }
}
