import PaymentModels
import ReconIngest

/// The seed systems' own lists read as the settlement side: a Yedpay transactions export, a
/// Formance payments list (`cursor.data`), a WooshPay payment-intent list, a Commerce Layer
/// `stripe_payments` list. Each record is read by the system's payment adapter and stated as
/// what the provider reports: its keys, amount, fee and net, and its status as money moved.
struct SeedSystemSettlement: SettlementFormat {
    var name: String { Self.name }
    var description: String { Self.description }
    var content: ContentFormat { .json }
    func recognizes(json record: JSONRecord) -> Bool { PaymentAdapters.detect(record) != nil }
    func readerName(json record: JSONRecord) -> String { PaymentAdapters.detect(record)?.system.rawValue ?? name }
    func record(json record: JSONRecord, provenance: Provenance) throws(RecordError) -> SettlementRecord {
        guard let adapter = PaymentAdapters.detect(record) else { throw RecordError(field: "", "not a seed record") }
        return Self.record(try adapter.payment(from: record, provenance: provenance))
    }

    static let name = "seed-systems"
    static let description =
        "the seed systems' lists as settlement: Yedpay transactions (JSON; CSV as yedpay-csv), Formance "
        + "payments (cursor.data), WooshPay payment intents, Commerce Layer stripe_payments"

    static func record(_ payment: Payment) -> SettlementRecord {
        let status: SettlementStatus =
            switch payment.status {
            case .succeeded: .settled
            case .pending: .pending
            case .failed, .canceled, .expired: .failed
            case .refunded: .refunded
            case .disputed, .disputeLost: .reversed
            case .unknown: .unknown
            }
        var record = SettlementRecord(
            key: payment.keys.first?.value ?? "", settlementId: payment.providerId,
            provider: payment.system.rawValue, gross: payment.amount, fee: payment.fee, net: payment.net,
            status: status, rawStatus: payment.rawStatus, settledAt: payment.createdAt, provenance: payment.provenance)
        let others = payment.keys.dropFirst().map(\.value)
        if !others.isEmpty { record.alternateKeys = others }
        return record
    }

    /// Yedpay's transactions export as CSV (the seed's transaction fields as columns).
    static var yedpayCSV: TableProfile {
        var p = TableProfile(
            name: "yedpay-csv",
            description: "Yedpay transactions export CSV (seed 001 fields): custom_id, transaction_id, "
                + "reference_id, id; amount, charge, net; status; Hong Kong time",
            signature: ["transaction_id", "custom_id", "amount", "currency", "status"],
            keyColumns: ["custom_id", "transaction_id", "reference_id", "id"], amount: .signed("amount"),
            currency: .column("currency", fallback: "HKD"))
        p.settlementIdColumns = ["transaction_id", "id"]
        p.feeColumns = ["charge"]
        p.netColumn = "net"
        p.status = .init(
            column: "status",
            values: [
                "paid": .settled, "settled": .settled, "success": .settled, "succeeded": .settled,
                "refunded": .refunded, "partial_refunded": .refunded, "precreated": .pending, "pending": .pending,
                "cancelled": .failed, "canceled": .failed, "voided": .failed, "failed": .failed, "expired": .failed,
            ])
        p.timeColumn = "settled_at"
        p.timeZoneOffsetSeconds = 8 * 3600
        return p
    }
}
