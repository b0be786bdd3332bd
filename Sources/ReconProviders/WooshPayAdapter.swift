public import PaymentModels
public import ReconIngest

/// Seed 003, WooshPay PaymentIntents (Stripe-like).
///
/// `amount` is integer minor units, `currency` comes in either case, `created` is epoch
/// **milliseconds** (unlike Stripe's seconds). Keys: `merchant_order_id`, `id` (`pi_...`).
/// When `amount_received` is given it is what is expected to settle (a partial capture), and
/// `amount` is kept as the ordered amount for the reports.
public struct WooshPayAdapter: PaymentAdapter {
    public init() {}
    public var statuses: StatusTable { Self.table }
    public var system: PaymentSystem { .wooshpay }
    public var shapes: String {
        "PaymentIntent response {id: pi_..., merchant_order_id, amount, currency, created (ms)}"
    }

    public static let table = StatusTable(
        StatusTable.stripePaymentIntent.merging(["failed": .failed, "refunded": .refunded]) { a, _ in a })

    static let fields: JSONNames = [
        "currency", "amount", "merchant_order_id", "id", "status", "created", "amount_received",
    ]

    public func recognizes(_ record: JSONRecord) -> Bool {
        let v = record.value
        if v["merchant_order_id"] != nil { return true }
        if let object = v["object"]?.string, object == "payment_intent" { return true }
        return v["id"]?.string?.hasPrefix("pi_") == true && v["amount"] != nil
    }

    public func payment(from record: JSONRecord, provenance: Provenance) throws(RecordError) -> Payment {
        let f = try record.value.members(Self.fields).unique(Self.fields)
        let currency = try f[0].currency("currency")
        guard let minor = try f[1].minorAmount("amount") else {
            throw RecordError(field: "amount", "amount is missing")
        }
        let received = try f[6].minorAmount("amount_received")
        var keys = PaymentKeys()
        keys.add(.merchantOrderId, f[2].text)
        keys.add(.paymentIntentId, f[3].text)
        var payment = try makePayment(
            keys: keys, amount: Money(minorUnits: received ?? minor, currency: currency),
            rawStatus: f[4].text, createdAt: try f[5].epoch("created", milliseconds: true),
            provenance: provenance, keyFields: "merchant_order_id/id")
        if let received, received != minor { payment.orderedAmount = Money(minorUnits: minor, currency: currency) }
        return payment
    }
}
