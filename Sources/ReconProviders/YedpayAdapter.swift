public import PaymentModels
public import ReconIngest

/// Seed 001, Yedpay (Initialize Transaction).
///
/// Reads the `{"success":true,"data":{...}}` response or the bare `data` object. Amounts are
/// major-unit strings (at most 2 decimals); `charge` is the fee and `net` the amount after it.
/// Empty strings mean "none". Times are `YYYY-mm-dd h:i:s` in Hong Kong time (UTC+8), where
/// Yedpay runs. An error envelope (`success:false`) is a rejected record with its message.
public struct YedpayAdapter: PaymentAdapter {
    public init() {}
    public var statuses: StatusTable { Self.table }
    public var system: PaymentSystem { .yedpay }
    public var shapes: String { "{success, data:{...}} response or the bare data object" }
    static let hongKongOffsetSeconds: Int64 = 8 * 3600
    static let fields: JSONNames = [
        "currency", "amount", "custom_id", "transaction_id", "reference_id", "id", "charge", "net", "status",
        "created_at",
    ]

    public static let table = StatusTable([
        "precreated": .pending, "pending": .pending, "authorized": .pending, "paid": .succeeded,
        "settled": .succeeded, "success": .succeeded, "succeeded": .succeeded,
        "refunded": .refunded, "partial_refunded": .refunded, "cancelled": .canceled,
        "canceled": .canceled, "voided": .canceled, "closed": .canceled, "failed": .failed,
        "expired": .expired,
    ])

    public func recognizes(_ record: JSONRecord) -> Bool {
        let v = record.value
        if let success = v["success"], success.kind == .bool { return true }
        return v["custom_id"] != nil || v["gateway_code"] != nil
            || (v["transaction_id"] != nil && (v["charge"] != nil || v["store_id"] != nil))
    }

    public func payment(from record: JSONRecord, provenance: Provenance) throws(RecordError) -> Payment {
        var v = record.value
        if let success = v["success"]?.bool {
            guard success else {
                let message = v.text("message") ?? "no message"
                let status = v.text("status").map { " (status \($0))" } ?? ""
                throw RecordError(field: "success", "Yedpay returned an error: \(message)\(status)")
            }
            guard let data = v["data"], data.kind == .object else {
                throw RecordError(field: "data", "a success response without a data object")
            }
            v = data
        }
        let f = try v.members(Self.fields).unique(Self.fields)
        let currency = try f[0].currency("currency")
        guard let amount = try f[1].majorAmount("amount", currency: currency) else {
            throw RecordError(field: "amount", "amount is missing")
        }
        var keys = PaymentKeys()
        keys.add(.customId, f[2].text)
        keys.add(.providerTransactionId, f[3].text)
        keys.add(.walletReferenceId, f[4].text)
        keys.add(.id, f[5].text)
        return try makePayment(
            keys: keys, amount: amount, fee: try f[6].majorAmount("charge", currency: currency),
            net: try f[7].majorAmount("net", currency: currency), rawStatus: f[8].text,
            createdAt: try f[9].timestamp("created_at", zoneOffsetSeconds: Self.hongKongOffsetSeconds),
            provenance: provenance, keyFields: "custom_id/transaction_id/id")
    }
}
