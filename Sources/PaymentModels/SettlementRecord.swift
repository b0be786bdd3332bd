/// One line of a provider's settlement export: the actual side of a reconciliation.
public struct SettlementRecord: Sendable {
    /// The identifier the line carries; it may be the merchant's key or the provider's id.
    public var key: String
    /// Further identifiers the line carries (a bank entry's end-to-end id, transaction id and
    /// remittance text), tried in order when `key` matches no payment; nil for most lines.
    public var alternateKeys: [String]?
    /// The provider's own id for this line (`settlement_id`).
    public var settlementId: String?
    /// The provider named on the line, if any.
    public var provider: String?
    public var gross: Money
    public var status: SettlementStatus
    public var rawStatus: String
    public var provenance: Provenance
    /// What the line is about: a payment's settlement (most lines), a refund, a fee, a payout, ...
    public var kind = SettlementKind.payment
    /// Set only when the provider paid out in another currency than the charge's (declared next
    /// to `kind`, it fills that field's padding).
    @usableFromInline var otherSettlementCurrency: Currency?
    /// The day the line's batch is paid out (days since 1970), Int32.min for none: a day is what
    /// the bank window counts in, and four bytes here fill padding where eight would not.
    @usableFromInline var payoutDay = Int32.min
    /// The payout or batch the line was paid out in (Stripe's `automatic_payout_id`, Adyen's
    /// batch number), when the export says.
    public var batchId: String?
    /// The rate the file states for converting the gross into the settlement currency; nil when
    /// it states none (`settledGross` then comes from net + fee).
    public var exchangeRate: ExchangeRate? {
        get { ExchangeRate(scaled: rateScaled) }
        set { rateScaled = newValue?.scaled ?? 0 }
    }
    /// The stated rate in 10^-10 units, 0 for none: a bare integer, like fee and net below.
    @usableFromInline var rateScaled: Int64 = 0
    // fee, net and time are stored as bare integers with a sentinel for "none" (see Packed):
    // 24 bytes less per line, which at a million lines is memory and page faults saved
    @usableFromInline var feeMinor = Packed.none
    @usableFromInline var netMinor = Packed.none
    @usableFromInline var settledMilliseconds = Packed.none

    /// The payout batch the line belongs to: its `batchId`, or for a payout line without one,
    /// the payout's own id (its key, else its settlement id: Stripe's payout row names the
    /// payout as its source).
    public var payoutBatch: String? {
        if let batchId { return batchId }
        guard kind == .payout else { return nil }
        let own = key.isEmpty ? settlementId : key
        return own?.isEmpty == false ? own : nil
    }

    /// The currency the line was paid out in, that of its fee and net: the gross's, unless the
    /// provider converted it (Adyen's net currency, with its `Exchange Rate`).
    public var settlementCurrency: Currency { otherSettlementCurrency ?? gross.currency }

    /// Whether the line was paid out in another currency than it was charged in.
    public var isConverted: Bool { otherSettlementCurrency != nil }

    /// The fee the provider took, in the settlement currency.
    public var fee: Money? {
        get { Packed.money(feeMinor, settlementCurrency) }
        set {
            precondition(newValue == nil || newValue!.currency == settlementCurrency, "fee in another currency")
            feeMinor = Packed.pack(newValue?.minorUnits)
        }
    }

    /// The amount paid out after the fee, in the settlement currency.
    public var net: Money? {
        get { Packed.money(netMinor, settlementCurrency) }
        set {
            precondition(newValue == nil || newValue!.currency == settlementCurrency, "net in another currency")
            netMinor = Packed.pack(newValue?.minorUnits)
        }
    }

    /// The gross in the settlement currency: the gross itself, or for a converted line its
    /// net plus its fee, else the gross at the stated rate; nil when neither is known.
    public var settledGross: Money? {
        guard let other = otherSettlementCurrency else { return gross }
        if let net { return Money(total: Total(net.minorUnits) + Total(fee?.minorUnits ?? 0), currency: other) }
        return exchangeRate?.convert(gross, to: other)
    }

    /// For a converted line, the gross at the stated rate less what was paid out and charged
    /// (net + fee), in the settlement currency: what the conversion did not account for. nil
    /// without a stated rate or a net.
    public var conversionDifference: Money? {
        guard let other = otherSettlementCurrency, let rate = exchangeRate, let net,
            let converted = rate.convert(gross, to: other)
        else { return nil }
        let paid = Total(net.minorUnits) + Total(fee?.minorUnits ?? 0)
        return Money(total: Total(converted.minorUnits) - paid, currency: other)
    }

    public var settledAt: Timestamp? {
        get { Packed.timestamp(settledMilliseconds) }
        set { settledMilliseconds = Packed.pack(newValue?.millisecondsSince1970) }
    }

    /// The day the line's batch is paid out, where the export says so on every line (Stripe's
    /// `automatic_payout_effective_at`), as midnight UTC: a batch without its payout line is
    /// dated by it.
    public var payoutAt: Timestamp? {
        get { payoutDay == Int32.min ? nil : Timestamp(millisecondsSince1970: Int64(payoutDay) * 86_400_000) }
        set { payoutDay = Self.day(newValue) }
    }

    @inlinable static func day(_ time: Timestamp?) -> Int32 {
        guard let day = time?.daysSince1970 else { return Int32.min }
        return Int32(exactly: day) ?? Int32.min
    }

    // inlinable: across modules the record was built aside and copied (perf annotate)
    @inlinable public init(
        key: String, alternateKeys: [String]? = nil, settlementId: String? = nil, provider: String? = nil,
        gross: Money,
        fee: Money? = nil, net: Money? = nil, status: SettlementStatus, rawStatus: String,
        settledAt: Timestamp? = nil, provenance: Provenance, kind: SettlementKind = .payment,
        batchId: String? = nil, settlementCurrency: Currency? = nil, exchangeRate: ExchangeRate? = nil,
        payoutAt: Timestamp? = nil
    ) {
        self.key = key
        self.alternateKeys = alternateKeys
        self.settlementId = settlementId
        self.provider = provider
        self.gross = gross
        let paidIn = settlementCurrency ?? gross.currency
        otherSettlementCurrency = paidIn == gross.currency ? nil : paidIn
        rateScaled = exchangeRate?.scaled ?? 0
        precondition(fee == nil || fee!.currency == paidIn, "fee in another currency")
        precondition(net == nil || net!.currency == paidIn, "net in another currency")
        self.status = status
        self.rawStatus = rawStatus
        self.provenance = provenance
        self.kind = kind
        self.batchId = batchId
        feeMinor = Packed.pack(fee?.minorUnits)
        netMinor = Packed.pack(net?.minorUnits)
        settledMilliseconds = Packed.pack(settledAt?.millisecondsSince1970)
        payoutDay = Self.day(payoutAt)
    }
}
