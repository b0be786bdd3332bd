/// How one side's records ended up. `read` counts every record the readers saw, rejected ones
/// included, so `read == matched + discrepant + notExpected + rejected` must hold.
public struct SideCounts: Sendable, Equatable {
    public var read = 0
    public var matched = 0
    public var discrepant = 0
    public var notExpected = 0
    /// Payments not settled yet but still inside their settlement window (not a discrepancy).
    public var inTransit = 0
    public var rejected = 0
    /// Settlement lines about the account, not one payment (fees, adjustments, payouts): they
    /// are tied out with their payout batch.
    public var accountItems = 0

    public init() {}

    public var accountedFor: Int { matched + discrepant + notExpected + inTransit + rejected + accountItems }
    public var balances: Bool { read == accountedFor }
}

/// Money per currency: what was expected, what settled, its fees and net.
public struct CurrencyTotals: Sendable, Equatable {
    public var currency: Currency
    /// Payments expected to settle.
    public var expected: Total = 0
    /// Gross of settlement lines whose money moved.
    public var settled: Total = 0
    public var fees: Total = 0
    public var net: Total = 0

    public init(currency: Currency) { self.currency = currency }

    public var difference: Total { settled - expected }
}

/// Money of one provider in one currency: expected by a payment system, settled against it.
public struct ProviderTotals: Sendable, Equatable {
    public var provider: String
    public var totals: CurrencyTotals

    public init(provider: String, totals: CurrencyTotals) {
        self.provider = provider
        self.totals = totals
    }
}

/// A raw status value no table knows, and how often it occurred.
public struct UnknownStatus: Sendable, Equatable {
    public var side: String
    public var system: String
    public var raw: String
    public var count: Int

    public init(side: String, system: String, raw: String, count: Int) {
        self.side = side
        self.system = system
        self.raw = raw
        self.count = count
    }
}

/// Everything a reconciliation found; the input of every report writer.
public struct ReconciliationResult: Sendable {
    /// Sorted by kind precedence, then match key, then source.
    public var discrepancies: [Discrepancy]
    public var payments: SideCounts
    public var settlement: SideCounts
    /// Clean matches by the key field that made them.
    public var matchedByField: [KeyField: Int]
    /// Clean matches by the rule that made them (`exact`, `within_tolerance`,
    /// `partial_captures`).
    public var matchedByRule: [String: Int] = [:]
    /// Sorted by currency code.
    public var totals: [CurrencyTotals]
    /// The same per provider: a payment system's expected money and the lines settled against
    /// its payments; lines matching no payment under the provider they name.
    public var totalsByProvider: [ProviderTotals] = []
    public var unknownStatuses: [UnknownStatus]
    /// Payments not settled yet whose settlement window is still open, oldest first: listed,
    /// but not discrepancies (they leave the exit code alone).
    public var inTransit: [InTransit] = []
    /// Payout batches tied out (sorted by provider, batch id and currency), when the
    /// settlement lines name their batches.
    public var payouts: [PayoutBatch] = []
    /// Lines paid out in another currency than charged, per provider and currency pair.
    public var conversions: [ConversionTotal] = []
    /// Bank statement entries, when given: matched are credits that received a payout,
    /// not expected the account's other entries.
    public var bank: SideCounts?

    public init(
        discrepancies: [Discrepancy], payments: SideCounts, settlement: SideCounts,
        matchedByField: [KeyField: Int], totals: [CurrencyTotals], unknownStatuses: [UnknownStatus]
    ) {
        self.discrepancies = discrepancies
        self.payments = payments
        self.settlement = settlement
        self.matchedByField = matchedByField
        self.totals = totals
        self.unknownStatuses = unknownStatuses
    }

    public func count(of kind: Discrepancy.Kind) -> Int {
        discrepancies.reduce(0) { $0 + ($1.kind == kind ? 1 : 0) }
    }

    /// Clean one-to-one matches (each is one payment and one settlement line).
    public var matched: Int { payments.matched }

    /// Checks conservation on both sides; a failure is a bug in recon, never bad input.
    public func checkConservation() -> [String] {
        var problems: [String] = []
        let sides = [("payments", payments), ("settlement", settlement)] + (bank.map { [("bank", $0)] } ?? [])
        for (name, side) in sides where !side.balances {
            problems.append(
                "\(name): \(side.read) read but \(side.accountedFor) accounted for (matched "
                    + "\(side.matched), discrepant \(side.discrepant), not expected "
                    + "\(side.notExpected), in transit \(side.inTransit), rejected \(side.rejected), "
                    + "account items \(side.accountItems))")
        }
        return problems
    }
}

/// A created payment not settled yet, inside its settlement window: `in_transit` until the
/// window passes, then `missing_in_settlement`.
public struct InTransit: Sendable {
    public var matchKey: String
    public var keyField: KeyField
    public var provider: String
    public var expected: Money
    public var createdAt: Timestamp
    /// When the window closes: after this, the payment is missing.
    public var dueBy: Timestamp
    public var source: Provenance

    public init(
        matchKey: String, keyField: KeyField, provider: String, expected: Money, createdAt: Timestamp,
        dueBy: Timestamp, source: Provenance
    ) {
        self.matchKey = matchKey
        self.keyField = keyField
        self.provider = provider
        self.expected = expected
        self.createdAt = createdAt
        self.dueBy = dueBy
        self.source = source
    }
}

/// The settlement window: a payment created less than `days` before `asOf` and not settled
/// yet is in transit, not missing.
public struct SettlementWindow: Sendable {
    public var asOf: Timestamp
    public var days: Int

    public init(asOf: Timestamp, days: Int) {
        self.asOf = asOf
        self.days = days
    }

    /// When a payment created at `created` is due to have settled.
    public func dueBy(_ created: Timestamp) -> Timestamp {
        Timestamp(millisecondsSince1970: created.millisecondsSince1970 + Int64(days) * 86_400_000)
    }

    public func isOpen(for created: Timestamp) -> Bool {
        dueBy(created).millisecondsSince1970 > asOf.millisecondsSince1970
    }
}

/// The lines of one provider converted from one currency into another: their gross at the rates
/// the file states against what was paid out and charged for them (net + fee), in the settlement
/// currency. A difference is what the provider's conversion did not account for.
public struct ConversionTotal: Sendable, Equatable {
    public var provider: String
    public var from: Currency
    public var to: Currency
    public var lines = 0
    /// Lines with a stated rate and a net, the ones summed below.
    public var withRate = 0
    public var grossAtRate: Total = 0
    public var netAndFees: Total = 0
    public var difference: Total { grossAtRate - netAndFees }

    public init(provider: String, from: Currency, to: Currency) {
        self.provider = provider
        self.from = from
        self.to = to
    }

    /// The totals of the converted lines among `lines`, by provider, then currencies.
    public static func of(_ lines: some Sequence<SettlementRecord>) -> [ConversionTotal] {
        var totals: [ConversionTotal] = []
        for line in lines where line.isConverted {
            let provider = line.provider ?? ""
            var k = totals.firstIndex {
                $0.provider == provider && $0.from == line.gross.currency && $0.to == line.settlementCurrency
            } ?? -1
            if k < 0 {
                totals.append(
                    ConversionTotal(provider: provider, from: line.gross.currency, to: line.settlementCurrency))
                k = totals.count - 1
            }
            totals[k].lines += 1
            guard let rate = line.exchangeRate, let converted = rate.convert(line.gross, to: line.settlementCurrency),
                let paid = line.settledGross
            else { continue }
            totals[k].withRate += 1
            totals[k].grossAtRate += Total(converted.minorUnits)
            totals[k].netAndFees += Total(paid.minorUnits)
        }
        return totals.sorted { ($0.provider, $0.from.code, $0.to.code) < ($1.provider, $1.from.code, $1.to.code) }
    }
}
