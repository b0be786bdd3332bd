public import PaymentModels
public import ReconIngest

/// Seed 004, Commerce Layer `stripe_payments` (JSON:API).
///
/// Reads a single-resource document (`{"data":{...},"included":[...]}`) or the elements of a
/// list document. The resource carries no amount: it comes from the related order in the
/// document's `included` array (`total_amount_cents` + `currency_code`), or from amount fields
/// an export adds to the resource (`amount_cents` + `currency_code`). No amount anywhere is a
/// rejected record. The status is the order's `payment_status` (or one an export adds), else
/// the Stripe PaymentIntent `status`.
public struct CommerceLayerAdapter: PaymentAdapter {
    public init() {}
    public var statuses: StatusTable { Self.table }
    public var system: PaymentSystem { .commercelayer }
    public var shapes: String {
        "JSON:API stripe_payments resource, single or list; amount from the included order or amount_cents"
    }

    public static let table = StatusTable(
        StatusTable.stripePaymentIntent.merging([
            // order payment_status values
            "unpaid": .pending, "authorized": .pending, "partially_authorized": .pending,
            "paid": .succeeded, "partially_paid": .succeeded, "voided": .canceled,
            "partially_voided": .canceled, "refunded": .refunded, "partially_refunded": .refunded,
        ]) { a, _ in a })

    static let fields: JSONNames = [
        "payment_status", "amount_cents", "currency_code", "status", "reference", "stripe_id", "charge_id",
        "created_at",
    ]

    func resource(_ record: JSONRecord) -> JSONValue? {
        let v = record.value
        if let type = v["type"]?.string, type == "stripe_payments" { return v }
        if let data = v["data"], data.kind == .object, data["type"]?.string == "stripe_payments" {
            return data
        }
        return nil
    }

    public func recognizes(_ record: JSONRecord) -> Bool { resource(record) != nil }

    public func payment(from record: JSONRecord, provenance: Provenance) throws(RecordError) -> Payment {
        guard let resource = resource(record) else {
            throw RecordError(field: "data.type", "not a stripe_payments resource")
        }
        guard let attributes = resource["attributes"], attributes.kind == .object else {
            throw RecordError(field: "attributes", "the resource has no attributes")
        }
        let order = Self.includedOrder(of: resource, in: record.document ?? record.value)
        let f = try attributes.members(Self.fields).unique(Self.fields)
        let amount: Money
        var rawStatus = f[0].text ?? order?.text("payment_status")
        if f[1] != nil {
            let currency = try f[2].currency("currency_code")
            amount = Money(minorUnits: try f[1].minorAmount("amount_cents") ?? 0, currency: currency)
        } else if let order, order["total_amount_cents"] != nil {
            let currency = try order.currency("currency_code")
            amount = Money(minorUnits: try order.minorAmount("total_amount_cents") ?? 0, currency: currency)
        } else {
            throw RecordError(
                field: "amount_cents",
                "no amount: the stripe_payments resource has none and no related order with "
                    + "total_amount_cents is included")
        }
        if rawStatus == nil { rawStatus = f[3].text }
        var keys = PaymentKeys()
        keys.add(.reference, f[4].text)
        keys.add(.paymentIntentId, f[5].text)
        keys.add(.chargeId, f[6].text)
        keys.add(.id, resource.text("id"))
        return try makePayment(
            keys: keys, amount: amount, rawStatus: rawStatus,
            createdAt: try f[7].timestamp("created_at"), provenance: provenance,
            keyFields: "reference/stripe_id/id")
    }

    /// The `orders` resource named by `relationships.order.data` in `included`, as attributes.
    static func includedOrder(of resource: JSONValue, in document: JSONValue) -> JSONValue? {
        guard let link = resource.path("relationships", "order", "data"),
            let orderId = link.text("id"), let included = document["included"]
        else { return nil }
        for item in included.elements where item.text("type") == "orders" && item.text("id") == orderId {
            return item["attributes"]
        }
        return nil
    }
}
