/// One payout batch tied out: the provider's lines paid out together (Stripe's
/// `automatic_payout_id`, Adyen's batch number), what they add up to, the payout line itself,
/// and the bank credit that received it. All amounts are minor units of `currency`.
public struct PayoutBatch: Sendable {
    public var provider: String
    public var batchId: String
    public var currency: Currency
    /// Lines in the batch, the payout line included.
    public var lines = 0
    /// Gross of the payments settled (money in).
    public var payments: Total = 0
    /// Refunds, negative.
    public var refunds: Total = 0
    /// Chargebacks (negative) and their reversals (positive).
    public var chargebacks: Total = 0
    /// Fees the provider kept: the lines' fees and its fee lines, positive.
    public var fees: Total = 0
    /// Corrections and other balance movements, signed.
    public var adjustments: Total = 0
    /// What the payout line says was paid to the bank (positive), if the batch has one.
    public var payout: Total?
    public var payoutSource: Provenance?
    /// When the money left the provider: the payout line's time, else the batch's last line.
    public var paidAt: Timestamp?
    /// Whether `paidAt` is a payout date the lines state, not the latest line's time.
    public var datedByPayout = false
    /// The bank statement entry that received the payout, when bank statements were given.
    public var bankCredit: BankCredit?

    public init(provider: String, batchId: String, currency: Currency) {
        self.provider = provider
        self.batchId = batchId
        self.currency = currency
    }

    /// gross - fees - refunds - chargebacks ± adjustments: what the payout should be.
    public var expectedPayout: Total { payments + refunds + chargebacks + adjustments - fees }

    /// The amount the bank should have received: the payout line's, else the batch's sum.
    public var paidOut: Total { payout ?? expectedPayout }

    /// The tie-out in words for the report: `tied`, `payout differs`, `bank differs`,
    /// `no bank credit`, `no payout line`.
    public func state(bankGiven: Bool) -> String {
        if let payout, payout != expectedPayout { return "payout differs" }
        if bankGiven {
            guard let bankCredit else { return "no bank credit" }
            if Total(bankCredit.amount.minorUnits) != paidOut { return "bank differs" }
        }
        return payout == nil ? "no payout line" : "tied"
    }
}

/// A bank statement credit matched to a payout, and how it was found.
public struct BankCredit: Sendable {
    public var reference: String
    public var amount: Money
    public var bookedAt: Timestamp?
    public var source: Provenance
    /// `reference` (the payout id is in the entry's references) or `amount_and_date`.
    public var matchedBy: String

    public init(reference: String, amount: Money, bookedAt: Timestamp?, source: Provenance, matchedBy: String) {
        self.reference = reference
        self.amount = amount
        self.bookedAt = bookedAt
        self.source = source
        self.matchedBy = matchedBy
    }
}
