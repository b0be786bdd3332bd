public import PaymentModels
public import ReconIngest

/// Seed 003, WooshPay PaymentIntents (Stripe-like).
///
/// `amount` is integer minor units, `currency` comes in either case, `created` is epoch
/// **milliseconds** (unlike Stripe's seconds). Keys: `merchant_order_id`, `id` (`pi_...`).
public struct WooshPayAdapter: PaymentAdapter {
    public init() {}
    public var system: PaymentSystem { .wooshpay }
    public var shapes: String {
        "PaymentIntent response {id: pi_..., merchant_order_id, amount, currency, created (ms)}"
    }

    public let statuses = StatusTable(
        StatusTable.stripePaymentIntent.merging(["failed": .failed, "refunded": .refunded]) { a, _ in a })

    public func recognizes(_ record: JSONRecord) -> Bool {
        let v = record.value
        if v["merchant_order_id"] != nil { return true }
        if let object = v["object"]?.string, object == "payment_intent" { return true }
        return v["id"]?.string?.hasPrefix("pi_") == true && v["amount"] != nil
    }

    public func payment(from record: JSONRecord, provenance: Provenance) throws(RecordError) -> Payment {
        let v = record.value
        let currency = try v.currency("currency")
        guard let minor = try v.minorAmount("amount") else {
            throw RecordError(field: "amount", "amount is missing")
        }
        var keys = PaymentKeys()
        keys.add(.merchantOrderId, v.text("merchant_order_id"))
        keys.add(.paymentIntentId, v.text("id"))
        return try makePayment(
            keys: keys, amount: Money(minorUnits: minor, currency: currency),
            rawStatus: v.text("status"), createdAt: try v.epoch("created", milliseconds: true),
            provenance: provenance, keyFields: "merchant_order_id/id")
    }
}
