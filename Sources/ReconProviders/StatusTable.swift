public import PaymentModels

/// A system's raw status values mapped onto the one lifecycle, case-insensitively.
///
/// Values not in the table map to `.unknown`: kept and reported, never guessed.
public struct StatusTable: Sendable {
    public let entries: [String: PaymentStatus]
    /// The same values as a list (each as given, lower- and upper-cased) scanned by length:
    /// for a few dozen short values that beats hashing every record's status.
    private let spellings: [(text: String, length: Int, status: PaymentStatus)]

    public init(_ entries: [String: PaymentStatus]) {
        var all: [String: PaymentStatus] = [:]
        for (raw, status) in entries {
            all[raw] = status
            all[raw.lowercased()] = status
            all[raw.uppercased()] = status
        }
        self.entries = all
        spellings = all.map { ($0.key, $0.key.utf8.count, $0.value) }.sorted { $0.text < $1.text }
    }

    public func status(for raw: String) -> PaymentStatus {
        let length = raw.utf8.count
        for i in spellings.indices where spellings[i].length == length && spellings[i].text == raw {
            return spellings[i].status  // by index: iterating copies would retain each string
        }
        return entries[raw.lowercased()] ?? .unknown
    }

    /// Stripe's PaymentIntent lifecycle, which WooshPay copies and Commerce Layer's
    /// `stripe_payments` follow.
    static let stripePaymentIntent: [String: PaymentStatus] = [
        "requires_payment_method": .pending, "requires_confirmation": .pending,
        "requires_action": .pending, "processing": .pending, "requires_capture": .pending,
        "succeeded": .succeeded, "canceled": .canceled,
    ]
}
