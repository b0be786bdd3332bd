import PaymentModels
import ReconIngest

/// Stripe API objects as JSON, one or a list (`{"object":"list","data":[...]}`): balance
/// transactions, charges, payment intents, refunds, disputes and payouts. Amounts are integer
/// minor units and currencies lower case, as the API writes them; a decimal string amount
/// (`"10.00"`, as dj-stripe stores payouts) is read as major units.
///
/// Keys: the merchant's order id where the metadata carries one (`order_id`, `reference`,
/// `merchant_order_id`), then the payment intent, the charge and the object's own id.
struct StripeObject: JSONRecordFormat {
    static let name = "stripe-api"
    static let description =
        "Stripe API JSON (a list or one object): balance_transaction, charge, payment_intent, refund, "
        + "dispute, payout; minor units, lower-case currencies"

    static let objects: Set<String> = [
        "balance_transaction", "charge", "payment_intent", "refund", "dispute", "payout",
    ]

    static func recognizes(_ value: JSONValue) -> Bool {
        value.text("object").map(objects.contains) ?? false
    }

    /// The members read; one named twice is a reject.
    static let read: JSONNames = [
        "object", "id", "amount", "currency", "status", "created", "fee", "net", "metadata", "payment_intent",
        "charge", "source", "reporting_category", "type", "payout", "available_on",
    ]

    static func record(_ value: JSONValue, provenance: Provenance) throws(RecordError) -> SettlementRecord {
        _ = try value.members(Self.read).unique(Self.read)
        let object = value.text("object") ?? ""
        let currency = try value.currency("currency")
        guard var amount = try amount(value["amount"], currency: currency) else {
            throw RecordError(field: "amount", "the \(object) has no amount")
        }
        let raw = value.text("status") ?? ""
        var status: SettlementStatus
        switch (object, raw) {
        case (_, "succeeded"), (_, "available"), (_, "paid"): status = .settled
        // a lost dispute is a chargeback that took the money; a won one gave it back
        case ("dispute", "lost"): status = .settled
        case ("dispute", "won"): status = .failed
        case (_, "pending"), (_, "processing"), (_, "in_transit"), (_, "under_review"), (_, "needs_response"),
            (_, "warning_needs_response"), (_, "warning_under_review"), (_, "requires_capture"),
            (_, "requires_action"), (_, "requires_confirmation"), (_, "requires_payment_method"):
            status = .pending
        case (_, "failed"), (_, "canceled"), (_, "warning_closed"): status = .failed
        default: status = .unknown
        }
        let kind = kind(of: value, object: object)
        if kind.direction < 0, amount.minorUnits > 0 { amount = -amount }
        var keys = KeyList()
        func add(_ key: String?) { keys.add(key) }
        if let metadata = value["metadata"], metadata.kind == .object {
            add(metadata.text("order_id"))
            add(metadata.text("reference"))
            add(metadata.text("merchant_order_id"))
        }
        add(value.text("payment_intent"))
        add(value.text("charge"))
        add(value.text("source"))
        add(value.text("latest_charge"))
        add(value.text("id"))
        let fee = try value.minorAmount("fee").map { Money(minorUnits: $0, currency: currency) }
        let net = try value.minorAmount("net").map { Money(minorUnits: $0, currency: currency) }
        let time = try value.epoch(object == "payout" ? "arrival_date" : "created", milliseconds: false)
        var record = SettlementRecord(
            key: keys.key, settlementId: value.text("id"), provider: "stripe", gross: amount, fee: fee,
            net: net, status: status, rawStatus: raw.isEmpty ? object : "\(object) \(raw)", settledAt: time,
            provenance: provenance)
        record.alternateKeys = keys.alternates
        record.kind = kind
        if object == "payout" { record.batchId = value.text("id") }
        return record
    }

    /// A balance transaction says what it is in `reporting_category` (or `type`); the other
    /// objects are what they are.
    static func kind(of value: JSONValue, object: String) -> SettlementKind {
        switch object {
        case "refund": return .refund
        case "dispute": return .chargeback
        case "payout": return .payout
        case "balance_transaction":
            if let category = value.text("reporting_category") {
                return StripeReportCSV.kinds[category] ?? .adjustment
            }
            switch value.text("type") ?? "" {
            case "charge", "payment": return .payment
            case "refund", "payment_refund": return .refund
            case "payout", "payout_cancel", "payout_failure": return .payout
            case "stripe_fee", "application_fee", "stripe_fx_fee", "tax_fee": return .fee
            default: return .adjustment
            }
        default: return .payment
        }
    }

    /// Integer minor units, or a decimal string in major units.
    static func amount(_ value: JSONValue?, currency: Currency) throws(RecordError) -> Money? {
        guard let value, !value.isNull else { return nil }
        if value.kind == .string, value.scalarText?.contains(".") == true {
            return try Optional(value).majorAmount("amount", currency: currency)
        }
        return try Optional(value).minorAmount("amount").map { Money(minorUnits: $0, currency: currency) }
    }
}

/// Settlement records as plain JSON objects with the generic CSV's field names (`reference`,
/// `amount` or `gross` in major units, `currency`, optional `id`/`settlement_id`, `fee`,
/// `net`, `status`, `settled_at`/`date`): Blnk's reconciliation export, or any tool's.
struct GenericSettlementJSON: JSONRecordFormat {
    static let name = "generic-json"
    static let description =
        "settlement JSON objects with reference, amount|gross (major units), currency, and optional "
        + "id, fee, net, status, settled_at|date"

    static func recognizes(_ value: JSONValue) -> Bool {
        value["reference"] != nil && (value["amount"] != nil || value["gross"] != nil) && value["currency"] != nil
    }

    static let read: JSONNames = [
        "reference", "amount", "gross", "currency", "id", "settlement_id", "fee", "net", "status", "settled_at", "date",
        "provider",
    ]

    static func record(_ value: JSONValue, provenance: Provenance) throws(RecordError) -> SettlementRecord {
        _ = try value.members(Self.read).unique(Self.read)
        let currency = try value.currency("currency")
        var gross = try value.majorAmount("gross", currency: currency)
        if gross == nil { gross = try value.majorAmount("amount", currency: currency) }
        guard let gross else { throw RecordError(field: "amount", "the amount is missing") }
        guard let key = value.text("reference") else {
            throw RecordError(field: "reference", "the reference is empty")
        }
        let raw = value.text("status") ?? ""
        let status = raw.isEmpty ? .settled : GenericSettlementCSV.statuses[raw.lowercased()] ?? .unknown
        return SettlementRecord(
            key: key, settlementId: value.text("settlement_id") ?? value.text("id"), provider: value.text("provider"),
            gross: gross, fee: try value.majorAmount("fee", currency: currency),
            net: try value.majorAmount("net", currency: currency), status: status, rawStatus: raw,
            settledAt: try settledAt(value), provenance: provenance)
    }

    static func settledAt(_ value: JSONValue) throws(RecordError) -> Timestamp? {
        if let stamp = try value.timestamp("settled_at") { return stamp }
        return try value.timestamp("date")
    }
}
