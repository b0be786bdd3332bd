public import PaymentModels
public import ReconIngest

/// Turns one system's created-payment JSON into `Payment`s.
///
/// One conforming type per seed API, each in its own file. `recognizes` looks at a record's
/// shape so a file mixing systems is read record by record; `payment` normalizes or throws a
/// `RecordError` naming the field.
public protocol PaymentAdapter: Sendable {
    var system: PaymentSystem { get }
    /// The shapes this adapter reads, for `recon providers`.
    var shapes: String { get }
    var statuses: StatusTable { get }
    /// The same table, static, so the per-record lookup copies nothing.
    static var table: StatusTable { get }
    /// True when the record has this system's shape.
    func recognizes(_ record: JSONRecord) -> Bool
    func payment(from record: JSONRecord, provenance: Provenance) throws(RecordError) -> Payment
}

/// The five seed systems, in detection order (most specific shapes first).
public enum PaymentAdapters {
    public static let all: [any PaymentAdapter] = [
        YedpayAdapter(), CommerceLayerAdapter(), FormanceAdapter(), AggregatorAdapter(),
        WooshPayAdapter(),
    ]

    public static func adapter(for system: PaymentSystem) -> any PaymentAdapter {
        all.first { $0.system == system }!
    }

    /// The adapter whose shape the record has, if any.
    ///
    /// One pass over the record's member names decides the common shapes; anything else
    /// (envelopes, unusual records) falls back to asking each adapter.
    public static func detect(_ record: JSONRecord) -> (any PaymentAdapter)? {
        let mask = record.value.memberMask(Marker.names)
        func has(_ marker: Marker) -> Bool { mask & (1 << UInt64(marker.rawValue)) != 0 }
        if has(.type), record.value["type"]?.string == "stripe_payments" { return commerceLayer }
        if has(.data), record.value.path("data", "type")?.string == "stripe_payments" { return commerceLayer }
        if has(.success) || has(.data) || has(.cursor) {
            return all.first { $0.recognizes(record) }
        }
        if has(.customId) || has(.gatewayCode) { return yedpay }
        if has(.asset) || has(.connectorID) { return formance }
        if has(.transactionId) || has(.paymentGatewayType) || has(.paymentUrl) { return aggregator }
        if has(.merchantOrderId) { return wooshpay }
        return all.first { $0.recognizes(record) }
    }

    static let yedpay: any PaymentAdapter = YedpayAdapter()
    static let commerceLayer: any PaymentAdapter = CommerceLayerAdapter()
    static let formance: any PaymentAdapter = FormanceAdapter()
    static let aggregator: any PaymentAdapter = AggregatorAdapter()
    static let wooshpay: any PaymentAdapter = WooshPayAdapter()

    /// Member names that tell the systems apart.
    enum Marker: Int, CaseIterable {
        case success, data, type, cursor, customId, gatewayCode, asset, connectorID, transactionId
        case paymentGatewayType, paymentUrl, merchantOrderId

        static let names: JSONNames = [
            "success", "data", "type", "cursor", "custom_id", "gateway_code", "asset", "connectorID",
            "transactionId", "paymentGatewayType", "paymentUrl", "merchant_order_id",
        ]
    }
}

extension PaymentAdapter {
    /// Builds the payment once the system-specific fields are read; checks the invariants
    /// every system shares (at least one key, a status).
    func makePayment(
        keys: PaymentKeys, amount: Money, fee: Money? = nil, net: Money? = nil,
        rawStatus: String?, createdAt: Timestamp?, provenance: Provenance,
        keyFields: String
    ) throws(RecordError) -> Payment {
        guard !keys.isEmpty else {
            throw RecordError(field: keyFields, "the record has no key to match on")
        }
        let raw = rawStatus ?? ""
        return Payment(
            system: system, keys: keys, amount: amount, fee: fee, net: net,
            status: raw.isEmpty ? .unknown : Self.table.status(for: raw), rawStatus: raw,
            createdAt: createdAt, provenance: provenance)
    }
}

