import PaymentModels

/// Money per currency while matching: a short array searched linearly, because a run has a
/// handful of currencies and hashing one per record costs more than scanning five.
struct TotalsTable: Sendable {
    private var entries: [CurrencyTotals] = []

    private mutating func index(of currency: Currency) -> Int {
        for i in entries.indices where entries[i].currency == currency { return i }
        entries.append(CurrencyTotals(currency: currency))
        return entries.count - 1
    }

    mutating func add(expected amount: Money) {
        entries[index(of: amount.currency)].expected += amount.minorUnits
    }

    /// Lines whose money moved count as settled, with their fee and net (gross - fee when the
    /// line states no net).
    mutating func add(settled gross: Money, fee: Money?, net: Money?, status: SettlementStatus) {
        guard status.moneyMoved == true else { return }
        let i = index(of: gross.currency)
        let feeMinor = fee?.minorUnits ?? 0
        entries[i].settled += gross.minorUnits
        entries[i].fees += feeMinor
        entries[i].net += net?.minorUnits ?? (gross.minorUnits - feeMinor)
    }

    var sorted: [CurrencyTotals] { entries.sorted { $0.currency < $1.currency } }
}
