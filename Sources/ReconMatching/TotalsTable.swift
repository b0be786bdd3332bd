import PaymentModels

/// Money per provider and currency while matching: a short array searched linearly, because a
/// run has a handful of providers and currencies and hashing one per record costs more than
/// scanning five. A matched line counts under its payment's system (so expected and settled
/// money of one system sit in one row); an unmatched line under the provider it names.
struct TotalsTable: Sendable {
    private var entries: [(provider: String, totals: CurrencyTotals)] = []

    private mutating func index(of currency: Currency, provider: String) -> Int {
        for i in entries.indices where entries[i].totals.currency == currency && entries[i].provider == provider {
            return i
        }
        entries.append((provider, CurrencyTotals(currency: currency)))
        return entries.count - 1
    }

    mutating func add(expected amount: Money, provider: String) {
        entries[index(of: amount.currency, provider: provider)].totals.expected += Total(amount.minorUnits)
    }

    /// Lines whose money moved count as settled, with their fee and net (gross - fee when the
    /// line states no net). A converted line's gross counts in its charge currency, its fee and
    /// net in the currency it was paid out in.
    mutating func add(settled gross: Money, fee: Money?, net: Money?, status: SettlementStatus, provider: String) {
        guard status.moneyMoved == true else { return }
        let i = index(of: gross.currency, provider: provider)
        let feeMinor = Total(fee?.minorUnits ?? 0)
        entries[i].totals.settled += Total(gross.minorUnits)
        // a converted line's fee and net are in the currency it was paid out in
        let paidIn = fee?.currency ?? net?.currency ?? gross.currency
        let j = paidIn == gross.currency ? i : index(of: paidIn, provider: provider)
        entries[j].totals.fees += feeMinor
        let lessFee = paidIn == gross.currency ? Total(gross.minorUnits) - feeMinor : 0
        entries[j].totals.net += net.map { Total($0.minorUnits) } ?? lessFee
    }

    mutating func merge(_ other: TotalsTable) {
        for entry in other.entries { add(entry.totals, provider: entry.provider) }
    }

    private mutating func add(_ totals: CurrencyTotals, provider: String) {
        let i = index(of: totals.currency, provider: provider)
        entries[i].totals.expected += totals.expected
        entries[i].totals.settled += totals.settled
        entries[i].totals.fees += totals.fees
        entries[i].totals.net += totals.net
    }

    /// Per currency, all providers together, by currency code.
    var sorted: [CurrencyTotals] {
        var byCurrency = TotalsTable()
        for entry in entries { byCurrency.add(entry.totals, provider: "") }
        return byCurrency.entries.map(\.totals).sorted { $0.currency < $1.currency }
    }

    /// Per provider and currency, by provider then currency code.
    var byProvider: [ProviderTotals] {
        entries.map { ProviderTotals(provider: $0.provider, totals: $0.totals) }
            .sorted { ($0.provider, $0.totals.currency.code) < ($1.provider, $1.totals.currency.code) }
    }
}
