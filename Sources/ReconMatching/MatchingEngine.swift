public import PaymentModels
import ReconMemory

/// One-to-one matching of settlement lines against created payments, by key.
///
/// Pure: payments in at `init`, settlement lines streamed in with `add`, a result out of
/// `finish`; no I/O, so its tests need no files. Lines are attached to payments as they come
/// and classified only at `finish`, so the result does not depend on input order: when two
/// lines claim one payment, the better match (then the smaller settlement id) keeps it and the
/// other is `duplicate_settlement`.
public struct MatchingEngine: Sendable {
    let payments: PaymentTable
    let index: KeyIndex
    /// Expected money and unknown statuses of the payments, counted as they were added.
    let paymentTally: PaymentTally
    /// Per payment: the first attached line's slot in `lines`, or -1.
    var firstLine: [Int32]
    /// Further lines attached to the same payment (duplicates; rare).
    var extraLines: [Int32: [Int32]] = [:]
    /// Set in `firstLine` when the payment also has `extraLines`; line slots stay below it.
    static let hasExtraLines: Int32 = 1 << 30
    /// Per payment, about its first line: the key field (low 4 bits) and `cleanMatch` when
    /// the lookup found the pair clean, so classifying a clean payment never reads the line.
    var firstLineInfo: [UInt8]
    static let cleanMatch: UInt8 = 0x80
    /// Set in `firstLineInfo` when refunds or chargebacks are linked to the payment (`linked`).
    static let hasLinked: UInt8 = 0x40
    /// Refund, chargeback and chargeback-reversal lines per payment, in input order.
    var linked: [Int32: [Int32]] = [:]
    /// Lines about the account rather than a payment (fees, adjustments, payouts).
    var accountLines: [Int32] = []
    /// Whether any line names a payout batch (or is a payout): then batches are tied out.
    public var hasBatches: Bool { tally.hasBatches }
    /// Whether any line was paid out in another currency than charged.
    public var hasConvertedLines: Bool { tally.hasConverted }
    /// Key order, amount tolerances and fee expectations.
    public var rules = MatchRules()
    /// Every settlement line added, in order; a payment refers to its lines by index here.
    var lines = LineTable()
    var lineField: [KeyField] = []
    var unexpected: [Discrepancy] = []
    /// Lines matched by one of their alternate keys, with that key: findings name it.
    var matchedBy: [Int32: String] = [:]
    var settlementAdded = 0
    /// Settled money, unknown statuses and batches, from every line whatever it matched.
    var tally = LineTally()
    /// When set, an unsettled payment still inside the window is in transit, not missing.
    public var window: SettlementWindow?
    /// Pairs never to match (`pair(payment:line:)`): a match a person undid (`recon exceptions
    /// unmatch`). The payment and the line are then reported as if the key named nothing.
    public var forbidden: Set<Int64> = []

    /// The pair of payment `payment` and line `line` (by index) as `forbidden` holds it.
    public static func pair(payment: Int, line: Int) -> Int64 { Int64(payment) << 32 | Int64(line) }

    public init(payments: [Payment]) {
        self.init(payments: PaymentTable(payments))
    }

    public init(payments: PaymentTable) {
        var tally = PaymentTally()
        for p in payments.indices {
            tally.add(system: payments.system(p), status: payments.status(p), amount: payments.amount(p)) {
                payments[p].rawStatus
            }
        }
        self.init(payments: payments, index: KeyIndex(payments: payments), tally: tally)
    }

    /// Takes an index built while the payments were read (`KeyIndexBuilder`).
    public init(built: KeyIndexBuilder.Built) {
        self.init(payments: built.payments, index: built.index, tally: built.tally)
    }

    init(payments: PaymentTable, index: KeyIndex, tally: PaymentTally) {
        self.payments = payments
        self.index = index
        paymentTally = tally
        firstLine = [Int32](repeating: -1, count: payments.count)
        firstLineInfo = [UInt8](repeating: 0, count: payments.count)
    }

    /// Attaches one settlement line to the payment its key names, or records it as unexpected.
    ///
    /// Key order: the field that matches earliest in `KeyField` order wins (merchant keys before
    /// provider ids); among payments with that same key, the first one still free.
    public mutating func add(_ record: SettlementRecord) {
        lines.append(record)
        attach(lines.count - 1)
    }

    /// Adds many lines at once.
    public mutating func add(contentsOf records: [SettlementRecord]) {
        let first = lines.count
        for record in records { lines.append(record) }
        attach(from: first)
    }

    /// Adds a table of lines; takes it over without copying when nothing was added yet.
    public mutating func add(contentsOf table: LineTable) {
        let first = lines.count
        if lines.isEmpty { lines = table } else { for record in table { lines.append(record) } }
        attach(from: first)
    }

    /// Looks up and attaches the lines from `first` on.
    ///
    /// The lookups (hash probes and key compares, bound by cache misses) run on every core,
    /// since they only read the index; the attaching itself is a cheap sequential pass.
    private mutating func attach(from first: Int) {
        precondition(lines.count < Int(Self.hasExtraLines), "more settlement lines than the engine numbers")
        lineField.reserveCapacity(lines.count)
        // with fee rules every pair is judged in full (`judge`), not only the unclean ones
        let judgeFees = !rules.fees.isEmpty
        let order = rules.keyOrder
        let (found, tallies) = Parallel.map(count: lines.count - first) {
            [index, payments, lines, forbidden] range, write -> LineTally in
            var tally = LineTally()
            index.bestCandidates(range, lines: lines, first: first, in: payments, order: order) { i, candidate in
                var candidate = candidate
                defer {  // the slow path for an ambiguous key chooses the payment, and tallies
                    if !candidate.ambiguous { tally.add(lines, first + i, system: candidate.system) }
                }
                guard lines.kind(first + i).concernsPayment else {
                    candidate = KeyIndex.Candidate()  // fees, adjustments, payouts: no payment to find
                    write(i, candidate)
                    return
                }
                if candidate.payment < 0, let alternates = lines.alternateKeys(first + i) {
                    // a bank entry's further references, in their order, when its first names nothing
                    for (k, key) in alternates.enumerated() where candidate.payment < 0 {
                        candidate = index.bestCandidate(key, in: payments, order: order)
                        if candidate.payment >= 0 { candidate.alternate = Int16(k) }
                    }
                }
                if candidate.payment >= 0, !candidate.ambiguous, !forbidden.isEmpty,
                    forbidden.contains(Self.pair(payment: candidate.payment, line: first + i))
                {
                    candidate = KeyIndex.Candidate()  // a person undid this match: never made again
                }
                if candidate.payment >= 0 {  // the payment is in cache now: judge the pair here
                    let (p, line) = (candidate.payment, first + i)
                    candidate.system = payments.system(p)
                    candidate.clean =
                        !judgeFees && lines.kind(line) == .payment
                        && Classifier.isClean(
                            payments.amount(p), payments.status(p), lines.gross(line), lines.status(line))
                        && lines.netAddsUp(line)
                }
                write(i, candidate)
            }
            return tally
        }
        for part in tallies { tally.merge(part) }
        // `firstLine[payment]` is a cache miss per line in this sequential pass (74% of its
        // time): prefetch the entry a few lines ahead. A prefetch is only a hint, so the
        // addresses need not stay valid; they do, as nothing resizes these arrays here.
        let firstLineBase = Prefetch.base(of: firstLine)
        let infoBase = Prefetch.base(of: firstLineInfo)
        let ahead = 16
        for i in found.indices {
            if i + ahead < found.count, found[i + ahead].payment >= 0 {
                let p = found[i + ahead].payment
                Prefetch.element(p, of: Int32.self, base: firstLineBase)
                Prefetch.element(p, of: UInt8.self, base: infoBase)
            }
            let slot = first + i
            let candidate = found[i]
            if candidate.ambiguous {
                attach(slot)  // several payments share the key: prefer a free one, in order
            } else {
                if candidate.alternate >= 0 {
                    matchedBy[Int32(slot)] = lines.alternateKeys(slot)![Int(candidate.alternate)]
                }
                attach(slot, to: candidate.payment, field: candidate.field, clean: candidate.clean)
            }
        }
    }

    /// Binds a line to its payment (or to the unexpected or account lines); its money was
    /// tallied already.
    private mutating func attach(_ slot: Int, to payment: Int, field: KeyField, clean: Bool = false) {
        settlementAdded += 1
        let kind = lines.kind(slot)
        lineField.append(field)
        guard kind.concernsPayment else {
            accountLines.append(Int32(slot))
            return
        }
        guard payment >= 0 else {
            unexpected.append(kind == .payment ? Classifier.unexpected(lines[slot]) : Classifier.unlinked(lines[slot]))
            return
        }
        guard kind == .payment else {
            linked[Int32(payment), default: []].append(Int32(slot))
            firstLineInfo[payment] |= Self.hasLinked
            return
        }
        if firstLine[payment] < 0 {
            firstLine[payment] = Int32(slot)
            firstLineInfo[payment] |= field.rawValue | (clean ? Self.cleanMatch : 0)
        } else {
            extraLines[Int32(payment), default: []].append(Int32(slot))
            firstLine[payment] |= Self.hasExtraLines
        }
    }

    /// The slow path for a key several payments share: the earliest field, then a payment
    /// that has no line yet, then one of the line's currency and amount (for a capture) or
    /// currency (for a refund), then the closest amount; the rest by the payments' content
    /// (system, key, time), and only for payments alike in all of that, the lower number. So
    /// which payment a line goes to does not depend on the order of the created payments.
    private mutating func attach(_ slot: Int) {
        var best = -1
        var bestField = KeyField.id
        var bestFree = false
        let order = rules.keyOrder
        let line = lines[slot]
        func fit(_ p: Int) -> (Int, UInt64) {
            let amount = payments.amount(p)
            guard amount.currency == line.gross.currency else { return (2, .max) }
            let settled = line.kind == .payment ? line.gross.minorUnits : amount.minorUnits
            let distance = amount.minorUnits.subtractingReportingOverflow(settled)
            let gap = distance.overflow ? UInt64.max : distance.partialValue.magnitude
            return (gap == 0 ? 0 : 1, gap)
        }
        func content(_ p: Int) -> (String, String, Int64) {
            let payment = payments[p]
            return (payment.system.rawValue, payment.primaryKey.value, payment.createdAt?.millisecondsSince1970 ?? .min)
        }
        for (k, key) in ([line.key] + (line.alternateKeys ?? [])).enumerated() where best < 0 {
            if k > 0 { matchedBy[Int32(slot)] = key }
            index.candidates(key, in: payments) { payment, field in
                if !forbidden.isEmpty, forbidden.contains(Self.pair(payment: payment, line: slot)) { return }
                let free = self.firstLine[payment] < 0
                var better = best < 0 || order.before(field, bestField) || (field == bestField && free && !bestFree)
                if !better, field == bestField, free == bestFree {
                    let (a, b) = (fit(payment), fit(best))
                    if a != b {
                        better = a < b
                    } else {
                        let (x, y) = (content(payment), content(best))
                        better = x != y ? x < y : payment < best
                    }
                }
                if better {
                    best = payment
                    bestField = field
                    bestFree = free
                }
            }
        }
        if best < 0 { matchedBy[Int32(slot)] = nil }
        tally.add(lines, slot, system: best >= 0 ? payments.system(best) : nil)
        attach(slot, to: best, field: bestField)
    }

    /// The finding with the key that actually matched when it was one of the line's alternates.
    func naming(_ finding: Discrepancy?, slot: Int) -> Discrepancy? {
        guard var finding, let key = matchedBy[Int32(slot)] else { return finding }
        finding.matchKey = key
        return finding
    }

    /// Classifies every payment and attached line; the result is sorted and conserved.
    ///
    /// Payments are classified in chunks on all cores (each chunk only reads), then the
    /// chunks' findings and counts are merged in order.
    public func finish() -> ReconciliationResult {
        let parts = Parallel.chunkResults(count: payments.count) { [self] range in classify(range) }
        var findings = unexpected
        var paymentsSide = SideCounts()
        var settlementSide = SideCounts()
        var matchedCounts = [Int](repeating: 0, count: KeyField.allCases.count)
        var totals = tally.totals
        var inTransit: [InTransit] = []
        var byRule = [Int](repeating: 0, count: MatchRule.allCases.count)
        for part in parts {
            findings += part.findings
            inTransit += part.inTransit
            paymentsSide.inTransit += part.inTransit.count
            paymentsSide.matched += part.matched
            paymentsSide.discrepant += part.paymentsDiscrepant
            paymentsSide.notExpected += part.notExpected
            settlementSide.matched += part.linesMatched
            for (i, n) in part.byRule.enumerated() { byRule[i] += n }
            settlementSide.discrepant += part.linesDiscrepant
            for (i, n) in part.matchedCounts.enumerated() { matchedCounts[i] += n }
        }
        totals.merge(paymentTally.expected)
        paymentsSide.read = payments.count
        settlementSide.read = settlementAdded
        settlementSide.discrepant += unexpected.count
        settlementSide.accountItems = accountLines.count
        var result = ReconciliationResult(
            discrepancies: Classifier.sortedForReport(findings), payments: paymentsSide,
            settlement: settlementSide,
            matchedByField: Dictionary(
                uniqueKeysWithValues: KeyField.allCases.compactMap { field in
                    matchedCounts[Int(field.rawValue)] > 0 ? (field, matchedCounts[Int(field.rawValue)]) : nil
                }),
            totals: totals.sorted,
            unknownStatuses: Self.unknowns("payments", paymentTally.unknownStatuses)
                + Self.unknowns("settlement", tally.unknownStatuses))
        result.totalsByProvider = totals.byProvider
        result.matchedByRule = Dictionary(
            uniqueKeysWithValues: MatchRule.allCases.compactMap { rule in
                byRule[Int(rule.rawValue)] > 0 ? (rule.code, byRule[Int(rule.rawValue)]) : nil
            })
        result.inTransit = inTransit.sorted {
            ($0.dueBy.millisecondsSince1970, $0.matchKey) < ($1.dueBy.millisecondsSince1970, $1.matchKey)
        }
        precondition(
            result.checkConservation().isEmpty, "matching lost records: \(result.checkConservation())")
        return result
    }

    /// What settlement lines add up to, whatever they matched: settled money (under the
    /// matched payment's system, else the line's provider), unknown statuses, and whether any
    /// line belongs to a payout batch. Counted per chunk where the lines are looked up.
    struct LineTally: Sendable {
        var totals = TotalsTable()
        var unknownStatuses: [String: Int] = [:]
        var hasBatches = false
        var hasConverted = false

        /// Adds line `slot`, from its columns (the record is made only for an unknown status).
        mutating func add(_ lines: LineTable, _ slot: Int, system: PaymentSystem?) {
            let kind = lines.kind(slot)
            if kind == .payment {
                totals.add(
                    settled: lines.gross(slot), fee: lines.fee(slot), net: lines.net(slot),
                    status: lines.status(slot), provider: system?.rawValue ?? lines.provider(slot) ?? "")
            }
            if lines.status(slot) == .unknown {
                let line = lines[slot]
                unknownStatuses[(line.provider ?? "") + "\u{0}" + line.rawStatus, default: 0] += 1
            }
            if !hasBatches && (kind == .payout || lines.hasBatch(slot)) { hasBatches = true }
            if !hasConverted && lines.isConverted(slot) { hasConverted = true }
        }

        mutating func merge(_ other: LineTally) {
            totals.merge(other.totals)
            unknownStatuses.merge(other.unknownStatuses, uniquingKeysWith: +)
            hasBatches = hasBatches || other.hasBatches
            hasConverted = hasConverted || other.hasConverted
        }
    }

    /// What the payments add up to whatever matched them: the money expected to settle (per
    /// system and currency) and the raw statuses no table knew. Counted as payments are added.
    public struct PaymentTally: Sendable {
        /// Expected minor units per (system, currency), found by comparing two integers: this
        /// runs once per payment on the reading thread.
        private var sums: [(system: PaymentSystem, currency: Currency, minor: Int64)] = []
        var unknownStatuses: [String: Int] = [:]

        public init() {}

        /// Adds a payment from its parts (the raw status is read only when unknown).
        mutating func add(
            system: PaymentSystem, status: PaymentStatus, amount: Money, rawStatus: () -> String
        ) {
            if status == .unknown {
                unknownStatuses[system.rawValue + "\u{0}" + rawStatus(), default: 0] += 1
            }
            guard status.expectation == .expected else { return }
            for i in sums.indices where sums[i].currency == amount.currency && sums[i].system == system {
                sums[i].minor += amount.minorUnits
                return
            }
            sums.append((system, amount.currency, amount.minorUnits))
        }

        /// The expected money as totals rows.
        var expected: TotalsTable {
            var table = TotalsTable()
            for sum in sums {
                table.add(expected: Money(minorUnits: sum.minor, currency: sum.currency), provider: sum.system.rawValue)
            }
            return table
        }
    }

    /// What one chunk of payments came to.
    struct Partial: Sendable {
        var findings: [Discrepancy] = []
        /// Payments matched (each may have several lines).
        var matched = 0
        /// Settlement lines matched: a payment's captures, refunds and chargebacks.
        var linesMatched = 0
        /// Clean matches per `MatchRule` (by its raw value).
        var byRule = [Int](repeating: 0, count: MatchRule.allCases.count)
        var paymentsDiscrepant = 0
        var linesDiscrepant = 0
        var notExpected = 0
        var matchedCounts = [Int](repeating: 0, count: KeyField.allCases.count)
        var inTransit: [InTransit] = []

        /// A payment and its one line: both matched, or both in the finding.
        mutating func record(_ finding: Discrepancy?, field: KeyField, rule: MatchRule = .exact) {
            if let finding {
                findings.append(finding)
                paymentsDiscrepant += 1
                linesDiscrepant += 1
            } else {
                matched += 1
                linesMatched += 1
                matchedCounts[Int(field.rawValue)] += 1
                byRule[Int(rule.rawValue)] += 1
            }
        }
    }

    /// Classifies `range` of payments. A clean match is decided from the per-payment flags
    /// alone, without reading the payment (a million of them were most of this pass's memory
    /// traffic); other payments are read from their columns (`payments.amount(p)`), or made again for a finding.
    func classify(_ range: Range<Int>) -> Partial {
        var part = Partial()
        for p in range {
            let first = Int(firstLine[p] < 0 ? -1 : firstLine[p] & ~Self.hasExtraLines)
            // several lines (captures, refunds, duplicates): the grouped rules, rare and slower
            if firstLineInfo[p] & Self.hasLinked != 0 || (first >= 0 && firstLine[p] & Self.hasExtraLines != 0) {
                classifyGroup(p, first: first, into: &part)
                continue
            }
            guard first >= 0 else {
                unsettled(p, into: &part)
                continue
            }
            // the common case: one line, judged clean while it was looked up
            if firstLineInfo[p] & Self.cleanMatch != 0 {
                part.record(nil, field: KeyField(rawValue: firstLineInfo[p] & 0xF)!)
                continue
            }
            if payments.status(p) == .refunded || payments.status(p) == .disputeLost {
                classifyGroup(p, first: first, into: &part)  // what went back is checked there
                continue
            }
            let field = lineField[first]
            let (finding, rule) = judge(p, line: first, field: field)
            part.record(finding, field: field, rule: rule)
        }
        return part
    }

    /// A payment no line settled in this run: in transit inside its window, else missing when
    /// it was expected to settle, else not expected.
    func unsettled(_ p: Int, into part: inout Partial) {
        let status = payments.status(p)
        if status.expectation == .expected, let window, let created = payments.createdAt(p),
            window.isOpen(for: created)
        {
            let payment = payments[p]
            let key = payment.primaryKey
            part.inTransit.append(
                InTransit(
                    matchKey: key.value, keyField: key.field, provider: payment.system.rawValue,
                    expected: payment.amount, createdAt: created, dueBy: window.dueBy(created),
                    source: payment.provenance))
        } else if status.expectation == .expected {
            part.findings.append(Classifier.missing(payments[p]))
            part.paymentsDiscrepant += 1
        } else {
            part.notExpected += 1
        }
    }

    /// One payment and one of its lines under the rules: the pair's finding (currency, amount
    /// beyond tolerance, status, then fee), or nil and the rule that matched it.
    func judge(_ p: Int, line slot: Int, field: KeyField) -> (Discrepancy?, MatchRule) {
        let payment = payments[p]
        let line = lines[slot]
        let tolerance = rules.tolerance(
            provider: line.provider ?? payment.system.rawValue, system: payment.system.rawValue,
            amount: payment.amount)
        if let finding = Classifier.classify(payment, line, field: field, tolerance: tolerance) {
            return (naming(finding, slot: slot), .exact)
        }
        if let finding = Classifier.fxProblem(payment, line, field: field, rules: rules) {
            return (naming(finding, slot: slot), .exact)
        }
        let feeRule = rules.feeRule(
            provider: line.provider ?? payment.system.rawValue, currency: line.settlementCurrency)
        if let finding = Classifier.feeProblem(payment, line, field: field, rule: feeRule) {
            return (naming(finding, slot: slot), .exact)
        }
        return (nil, line.gross == payment.amount ? .exact : .withinTolerance)
    }

    /// Which payments have a settlement line attached (matched, or paired with a finding), and
    /// which lines are attached to a payment or are account items (the rest were not expected). A store closes the
    /// attached ones and carries the others forward to the next run.
    public func attachments() -> (payments: [Bool], lines: [Bool]) {
        var lineAttached = [Bool](repeating: false, count: lines.count)
        for p in firstLine.indices where firstLine[p] >= 0 {
            lineAttached[Int(firstLine[p] & ~Self.hasExtraLines)] = true
        }
        for slots in extraLines.values { for slot in slots { lineAttached[Int(slot)] = true } }
        for slots in linked.values { for slot in slots { lineAttached[Int(slot)] = true } }
        for slot in accountLines { lineAttached[Int(slot)] = true }  // accounted for: fees, payouts
        return (firstLine.map { $0 >= 0 }, lineAttached)
    }

    /// Findings in the order reports list them (after a caller changed some).
    public static func sortedForReport(_ findings: [Discrepancy]) -> [Discrepancy] {
        Classifier.sortedForReport(findings)
    }

    static func unknowns(_ side: String, _ counts: [String: Int]) -> [UnknownStatus] {
        counts.map { key, count in
            let parts = key.split(separator: "\u{0}", omittingEmptySubsequences: false)
            return UnknownStatus(side: side, system: String(parts[0]), raw: String(parts[1]), count: count)
        }.sorted { ($0.side, $0.system, $0.raw) < ($1.side, $1.system, $1.raw) }
    }
}
