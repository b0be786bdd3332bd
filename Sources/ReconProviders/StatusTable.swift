public import PaymentModels

/// A system's raw status values mapped onto the one lifecycle, case-insensitively.
///
/// Values not in the table map to `.unknown`: kept and reported, never guessed.
public struct StatusTable: Sendable {
    public let entries: [String: PaymentStatus]

    public init(_ entries: [String: PaymentStatus]) {
        // each value as given, lower- and upper-cased, so the usual spellings hit at once
        var all: [String: PaymentStatus] = [:]
        for (raw, status) in entries {
            all[raw] = status
            all[raw.lowercased()] = status
            all[raw.uppercased()] = status
        }
        self.entries = all
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
