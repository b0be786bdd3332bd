import PaymentModels

/// Stripe's itemized reports as CSV (`balance_change_from_activity.itemized.3`,
/// `payouts.itemized.3`, `payout_reconciliation.itemized.5`; FORMATS.md): amounts in major
/// units, signed gross/fee/net, lower-case currencies, `*_utc` times. The merchant's order id
/// is looked for in the usual `payment_metadata[...]` columns before Stripe's own ids.
enum StripeReportCSV {
    static var profile: TableProfile {
        var p = TableProfile(
            name: "stripe-report",
            description: "Stripe itemized balance / payout reconciliation report CSV: gross, fee, net in major "
                + "units; keys payment_metadata[order_id|reference|merchant_order_id], payment_intent_id, "
                + "charge_id, source_id",
            signature: ["balance_transaction_id", "currency", "gross", "fee", "net", "reporting_category"],
            keyColumns: [
                "payment_metadata[order_id]", "payment_metadata[reference]", "payment_metadata[merchant_order_id]",
                "payment_intent_id", "charge_id", "source_id", "balance_transaction_id",
            ],
            amount: .signed("gross"), currency: .column("currency", fallback: nil))
        p.settlementIdColumns = ["balance_transaction_id"]
        p.feeColumns = ["fee"]
        p.netColumn = "net"
        p.timeColumn = "created_utc"
        p.alternateTimeColumns = ["created"]
        p.feeSign = .signed
        p.kind = .init(column: "reporting_category", values: kinds, otherwise: .adjustment)
        p.batchColumns = ["automatic_payout_id"]
        p.payoutTimeColumns = ["automatic_payout_effective_at_utc", "automatic_payout_effective_at"]
        return p
    }

    /// `reporting_category` values (Stripe's reporting categories) as kinds; the many
    /// categories of balance movements not listed (transfers, top-ups, tax, ...) are adjustments.
    static let kinds: [String: SettlementKind] = [
        "charge": .payment, "payment": .payment, "refund": .refund, "partial_capture_reversal": .refund,
        "dispute": .chargeback, "dispute_reversal": .chargebackReversal, "fee": .fee, "network_cost": .fee,
        "payout": .payout, "payout_reversal": .payout,
    ]
}
