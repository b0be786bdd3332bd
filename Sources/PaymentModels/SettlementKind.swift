/// What a settlement line is about. A provider's export mixes the settlement of payments with
/// the money that flows back (refunds, chargebacks), the provider's own charges and the
/// payouts to the bank; each adapter maps its record types onto these.
public enum SettlementKind: UInt8, CaseIterable, Sendable {
    /// A payment or a capture of one (several partial captures may settle one payment).
    case payment
    /// Money returned to the customer for an earlier payment.
    case refund
    /// A dispute the customer won: the payment's money taken back.
    case chargeback
    /// A chargeback reversed in the merchant's favour: the money comes back.
    case chargebackReversal
    /// A charge of the provider's own, not tied to one payment (monthly fees, invoice deductions).
    case fee
    /// A correction or other movement of the account balance.
    case adjustment
    /// The provider paying the balance out to the merchant's bank.
    case payout

    /// The stable code used in reports and profiles.
    public var code: String {
        switch self {
        case .payment: "payment"
        case .refund: "refund"
        case .chargeback: "chargeback"
        case .chargebackReversal: "chargeback_reversal"
        case .fee: "fee"
        case .adjustment: "adjustment"
        case .payout: "payout"
        }
    }

    /// The kind a code or one of its common synonyms names (case-insensitive), as written in a
    /// generic export's `type` column or a mapping profile.
    public init?(code: some StringProtocol) {
        switch code.lowercased() {
        case "payment", "capture", "charge", "sale", "settled", "pay-in", "payin": self = .payment
        case "refund", "refunded": self = .refund
        case "chargeback", "dispute": self = .chargeback
        case "chargeback_reversal", "chargeback reversal", "dispute_reversal", "chargebackreversed":
            self = .chargebackReversal
        case "fee", "fees": self = .fee
        case "adjustment", "correction": self = .adjustment
        case "payout", "transfer_out", "withdrawal": self = .payout
        default: return nil
        }
    }

    /// Refunds, chargebacks and their reversals belong to one payment and are linked to it by
    /// key; payments too. Fees, adjustments and payouts belong to the account: they are items
    /// of a payout batch, not of a payment.
    public var concernsPayment: Bool {
        switch self {
        case .payment, .refund, .chargeback, .chargebackReversal: true
        case .fee, .adjustment, .payout: false
        }
    }

    /// How the line's money counts toward its payment's net position: +1 for money in
    /// (payments, chargeback reversals), -1 for money out (refunds, chargebacks). Exports
    /// disagree on the sign they write, so the magnitude is taken and this applied.
    public var direction: Int64 {
        switch self {
        case .payment, .chargebackReversal: 1
        case .refund, .chargeback: -1
        case .fee, .adjustment, .payout: 0
        }
    }
}
