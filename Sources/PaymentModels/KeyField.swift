/// A named identifier a payment carries, in matching order.
///
/// Declaration order is the matching order: merchant keys first (the business's own order
/// numbers, what a settlement line most often repeats), then the providers' ids. When one value
/// could be several keys of different payments, the earlier field wins.
public enum KeyField: UInt8, CaseIterable, Comparable, Sendable, CustomStringConvertible {
    // merchant keys
    case reference
    case transactionId
    case merchantOrderId
    case customId
    // provider ids
    case paymentId
    case providerTransactionId
    case paymentIntentId
    case chargeId
    case walletReferenceId
    case id

    /// The field's name as the systems write it, used in reports (`key_field`).
    public var code: String {
        switch self {
        case .reference: "reference"
        case .transactionId: "transactionId"
        case .merchantOrderId: "merchant_order_id"
        case .customId: "custom_id"
        case .paymentId: "paymentId"
        case .providerTransactionId: "transaction_id"
        case .paymentIntentId: "payment_intent_id"
        case .chargeId: "charge_id"
        case .walletReferenceId: "reference_id"
        case .id: "id"
        }
    }

    /// True for the business's own identifiers.
    public var isMerchantKey: Bool { self <= .customId }

    public var description: String { code }

    public static func < (lhs: KeyField, rhs: KeyField) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// One identifier of a payment: which field, and its value.
public struct PaymentKey: Hashable, Sendable {
    public var field: KeyField
    public var value: String

    public init(_ field: KeyField, _ value: String) {
        self.field = field
        self.value = value
    }
}

extension PaymentKey {
    /// A key as both sides compare it: without leading and trailing spaces, tabs, CRs and LFs,
    /// so a padded key in one file matches its unpadded twin in the other. A key with nothing to
    /// trim is returned as it is (the common case costs two byte reads, no copy).
    @inlinable
    public static func trimmed(_ value: String) -> String {
        @inline(__always) func isPadding(_ b: UInt8?) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A }
        guard isPadding(value.utf8.first) || isPadding(value.utf8.last) else { return value }
        var utf8 = Substring(value).utf8
        while isPadding(utf8.first) { utf8 = utf8.dropFirst() }
        while isPadding(utf8.last) { utf8 = utf8.dropLast() }
        return String(Substring(utf8))
    }
}
