public import PaymentModels
public import ReconIngest

/// Seed 002, Formance Payments (connector payments).
///
/// Reads the payment object alone or wrapped in `{"data":...}`, and list elements of
/// `{"cursor":{"data":[...]}}`. `amount` is integer minor units at the asset's precision
/// (`USD/2`; a plain `USD` means the currency's own exponent), rescaled exactly.
public struct FormanceAdapter: PaymentAdapter {
    public init() {}
    public var statuses: StatusTable { Self.table }
    public var system: PaymentSystem { .formance }
    public var shapes: String { "payment object, {data: payment}, or cursor.data list elements" }

    public static let table = StatusTable([
        "PENDING": .pending, "SUCCEEDED": .succeeded, "CANCELLED": .canceled, "FAILED": .failed,
        "EXPIRED": .expired, "REFUNDED": .refunded, "REFUNDED_FAILURE": .succeeded,
        "DISPUTE": .disputed, "DISPUTE_WON": .succeeded, "DISPUTE_LOST": .disputeLost,
        "AUTHORISATION": .pending, "CAPTURE": .succeeded, "CAPTURE_FAILED": .failed,
        // "OTHER" is deliberately absent: it says nothing, so it is reported as unknown
    ].reduce(into: [:]) { $0[$1.key.lowercased()] = $1.value })

    static let fields: JSONNames = ["asset", "amount", "reference", "id", "status", "createdAt"]

    func body(_ record: JSONRecord) -> JSONValue {
        if let data = record.value["data"], data.kind == .object { return data }
        return record.value
    }

    public func recognizes(_ record: JSONRecord) -> Bool {
        let v = body(record)
        return v["asset"] != nil || v["connectorID"] != nil
    }

    public func payment(from record: JSONRecord, provenance: Provenance) throws(RecordError) -> Payment {
        let v = body(record)
        let f = try v.members(Self.fields).unique(Self.fields)
        guard let assetValue = f[0], assetValue.kind == .string else {
            throw RecordError(field: "asset", "asset is missing")
        }
        let parsedAsset = assetValue.withStringBytes { bytes -> Result<Asset, AmountError> in
            do throws(AmountError) { return .success(try Asset(parsing: bytes)) } catch { return .failure(error) }
        }!
        let asset: Asset
        do { asset = try parsedAsset.get() } catch { throw RecordError(field: "asset", error) }
        guard let minor = try f[1].minorAmount("amount") else {
            throw RecordError(field: "amount", "amount is missing")
        }
        let amount: Money
        do { amount = try asset.money(minorUnits: minor) } catch { throw RecordError(field: "amount", error) }
        var keys = PaymentKeys()
        keys.add(.reference, f[2].text)
        keys.add(.id, f[3].text)
        return try makePayment(
            keys: keys, amount: amount, rawStatus: f[4].text,
            createdAt: try f[5].timestamp("createdAt"), provenance: provenance,
            keyFields: "reference/id")
    }
}
