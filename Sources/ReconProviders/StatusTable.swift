public import PaymentModels

/// A system's raw status values mapped onto the one lifecycle, case-insensitively.
///
/// Values not in the table map to `.unknown`: kept and reported, never guessed.
public struct StatusTable: Sendable {
    public let entries: [String: PaymentStatus]

    public init(_ entries: [String: PaymentStatus]) {
        self.entries = entries
    }

    public func status(for raw: String) -> PaymentStatus {
        entries[raw] ?? entries[raw.lowercased()] ?? .unknown
    }

    /// Stripe's PaymentIntent lifecycle, which WooshPay copies and Commerce Layer's
    /// `stripe_payments` follow.
    static let stripePaymentIntent: [String: PaymentStatus] = [
        "requires_payment_method": .pending, "requires_confirmation": .pending,
        "requires_action": .pending, "processing": .pending, "requires_capture": .pending,
        "succeeded": .succeeded, "canceled": .canceled,
    ]
}
