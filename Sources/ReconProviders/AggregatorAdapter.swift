public import PaymentModels
public import ReconIngest

/// Seed 000, the payment gateway aggregator (`POST /api/transactions`).
///
/// Reads the request body (`transactionId`, `amount` as a major-unit string, `currency`,
/// `date`, `paymentGatewayType`), alone or merged with the response (`paymentId`, `status`,
/// `paymentUrl`, `expireTime`). A request alone has no status: it is `unknown` until the
/// response says otherwise.
public struct AggregatorAdapter: PaymentAdapter {
    public init() {}
    public var statuses: StatusTable { Self.table }
    public var system: PaymentSystem { .aggregator }
    public var shapes: String {
        "request body {transactionId, amount, currency, ...}, alone or merged with the response {paymentId, status}"
    }

    public static let table = StatusTable([
        "waiting": .pending, "processing": .pending, "succeeded": .succeeded, "failed": .failed,
        "closed": .canceled,
        // not in the seed's enum, but common in gateway exports
        "pending": .pending, "success": .succeeded, "paid": .succeeded, "canceled": .canceled,
        "cancelled": .canceled, "expired": .expired, "refunded": .refunded,
    ])

    public func recognizes(_ record: JSONRecord) -> Bool {
        let v = record.value
        return v["transactionId"] != nil || v["paymentGatewayType"] != nil || v["paymentUrl"] != nil
    }

    static let fields: JSONNames = ["transactionId", "paymentId", "amount", "currency", "status"]

    public func payment(from record: JSONRecord, provenance: Provenance) throws(RecordError) -> Payment {
        let v = record.value
        let f = try v.members(Self.fields).unique(Self.fields)
        let currency = try f[3].currency("currency")
        guard let amount = try f[2].majorAmount("amount", currency: currency) else {
            throw RecordError(field: "amount", "amount is missing")
        }
        var keys = PaymentKeys()
        keys.add(.transactionId, f[0].text)
        keys.add(.paymentId, f[1].text)
        return try makePayment(
            keys: keys, amount: amount, rawStatus: f[4].text,
            createdAt: try Self.date(v), provenance: provenance,
            keyFields: "transactionId")
    }

    /// `date` is a free string in the seed: ISO forms, or epoch seconds/milliseconds.
    static func date(_ v: JSONValue) throws(RecordError) -> Timestamp? {
        guard let value = v["date"], !value.isNull else { return nil }
        if value.kind == .number { return try v.epoch("date", milliseconds: false) }
        if let text = value.string, !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            let number = Int64(text) ?? 0
            let (ms, overflow) = text.count >= 13 ? (number, false) : number.multipliedReportingOverflow(by: 1000)
            guard !overflow, Timestamp.range.contains(ms) else {
                throw RecordError(field: "date", "'\(text)' is not a time recon can hold (years 0 to 9999)")
            }
            return Timestamp(millisecondsSince1970: ms)
        }
        return try v.timestamp("date")
    }
}
