/// A payment the business created: the expected side of a reconciliation.
public struct Payment: Sendable {
    /// The API it was created through.
    public var system: PaymentSystem
    /// Every identifier it carries, merchant keys and provider ids, in `KeyField` order.
    public var keys: PaymentKeys
    public var amount: Money
    public var status: PaymentStatus
    /// The status exactly as the system wrote it.
    public var rawStatus: String
    public var provenance: Provenance
    private var feeMinor = Packed.none
    private var netMinor = Packed.none
    private var createdMilliseconds = Packed.none
    private var orderedMinor = Packed.none

    /// The amount the payment was created for, when that is not what is expected to settle
    /// (a WooshPay PaymentIntent's `amount` where `amount_received` says less was captured);
    /// nil otherwise. Kept for the reports; matching uses `amount`.
    public var orderedAmount: Money? {
        get { Packed.money(orderedMinor, amount.currency) }
        set { orderedMinor = Packed.pack(newValue?.minorUnits) }
    }

    /// A fee the system already reports (Yedpay's `charge`), in the payment's currency.
    public var fee: Money? {
        get { Packed.money(feeMinor, amount.currency) }
        set { feeMinor = Packed.pack(newValue?.minorUnits) }
    }

    /// A net amount the system already reports (Yedpay's `net`).
    public var net: Money? {
        get { Packed.money(netMinor, amount.currency) }
        set { netMinor = Packed.pack(newValue?.minorUnits) }
    }

    public var createdAt: Timestamp? {
        get { Packed.timestamp(createdMilliseconds) }
        set { createdMilliseconds = Packed.pack(newValue?.millisecondsSince1970) }
    }

    /// Convenience for tests and small inputs: keys in any order.
    public init(
        system: PaymentSystem, keys: [PaymentKey], amount: Money, fee: Money? = nil,
        net: Money? = nil, status: PaymentStatus, rawStatus: String, createdAt: Timestamp?,
        provenance: Provenance
    ) {
        self.init(
            system: system, keys: PaymentKeys(keys), amount: amount, fee: fee, net: net, status: status,
            rawStatus: rawStatus, createdAt: createdAt, provenance: provenance)
    }

    public init(
        system: PaymentSystem, keys: PaymentKeys, amount: Money, fee: Money? = nil,
        net: Money? = nil, status: PaymentStatus, rawStatus: String, createdAt: Timestamp?,
        provenance: Provenance
    ) {
        self.system = system
        self.keys = keys
        self.amount = amount
        self.status = status
        self.rawStatus = rawStatus
        self.provenance = provenance
        precondition(fee == nil || fee!.currency == amount.currency, "fee in another currency")
        precondition(net == nil || net!.currency == amount.currency, "net in another currency")
        feeMinor = Packed.pack(fee?.minorUnits)
        netMinor = Packed.pack(net?.minorUnits)
        createdMilliseconds = Packed.pack(createdAt?.millisecondsSince1970)
    }

    /// The key a person searches for: the merchant's own reference where there is one.
    public var primaryKey: PaymentKey {
        precondition(!keys.isEmpty, "a payment without keys is rejected by its adapter")
        return keys[0]
    }

    /// The provider's id for the payment (the first provider-side key), for the `payment_id`
    /// column.
    public var providerId: String? {
        keys.first { !$0.field.isMerchantKey }?.value
    }
}
