/// A finding that is not a clean match, with everything a person needs to act on it.
public struct Discrepancy: Sendable {
    /// The kinds, declared in descending precedence: when a pair has several problems the
    /// report names the most important one. Codes are stable; reports and scripts rely on them.
    public enum Kind: String, CaseIterable, Comparable, Sendable {
        /// A second settlement line for a payment that already has one.
        case duplicateSettlement = "duplicate_settlement"
        /// Settled, never created.
        case unexpectedInSettlement = "unexpected_in_settlement"
        /// Created (and expected to settle), never settled.
        case missingInSettlement = "missing_in_settlement"
        case currencyMismatch = "currency_mismatch"
        case amountMismatch = "amount_mismatch"
        case statusMismatch = "status_mismatch"
        /// A refund (or chargeback) with no payment to return, or returning more than was captured.
        case refundUnmatched = "refund_unmatched"
        /// A payout batch whose lines don't add up to its payout, or a payout the bank didn't credit.
        case payoutMismatch = "payout_mismatch"
        /// A fee other than the configured one, or a line whose net is not gross - fee.
        case feeMismatch = "fee_mismatch"
        /// A line paid out in another currency whose net + fee is not its gross at the rate the
        /// file states (beyond the FX tolerance).
        case fxMismatch = "fx_mismatch"

        public var code: String { rawValue }

        /// Position in `allCases` (a switch: `allCases` makes an array at every call).
        public var precedence: Int {
            switch self {
            case .duplicateSettlement: 0
            case .unexpectedInSettlement: 1
            case .missingInSettlement: 2
            case .currencyMismatch: 3
            case .amountMismatch: 4
            case .statusMismatch: 5
            case .refundUnmatched: 6
            case .payoutMismatch: 7
            case .feeMismatch: 8
            case .fxMismatch: 9
            }
        }

        public static func < (lhs: Kind, rhs: Kind) -> Bool { lhs.precedence < rhs.precedence }
    }

    // The fields live in one shared, immutable box: a finding is copied several times on its
    // way to the reports (merged from the workers, sorted, handed to each writer), and copying
    // a box is one reference count where copying the fields was one per string and ~200 bytes
    // of fresh memory. Changing a field (rare) makes a new box.
    private var box: Box

    /// The fields as plain values, to build a box from.
    private struct Fields {
        var kind: Kind
        var matchKey: String
        var keyField: KeyField?
        var provider: String
        var paymentId: String?
        var expected: Money?
        var expectedStatus: String?
        var actual: Money?
        var actualStatus: String?
        var paymentSource: Provenance?
        var settlementSource: Provenance?
        var detail: String
    }

    private final class Box: Sendable {
        let kind: Kind
        let matchKey: String
        let keyField: KeyField?
        let provider: String
        let paymentId: String?
        let expected: Money?
        let expectedStatus: String?
        let actual: Money?
        let actualStatus: String?
        let paymentSource: Provenance?
        let settlementSource: Provenance?
        let detail: String

        init(_ f: Fields) {
            kind = f.kind
            matchKey = f.matchKey
            keyField = f.keyField
            provider = f.provider
            paymentId = f.paymentId
            expected = f.expected
            expectedStatus = f.expectedStatus
            actual = f.actual
            actualStatus = f.actualStatus
            paymentSource = f.paymentSource
            settlementSource = f.settlementSource
            detail = f.detail
        }

        var fields: Fields {
            Fields(
                kind: kind, matchKey: matchKey, keyField: keyField, provider: provider, paymentId: paymentId,
                expected: expected, expectedStatus: expectedStatus, actual: actual, actualStatus: actualStatus,
                paymentSource: paymentSource, settlementSource: settlementSource, detail: detail)
        }
    }

    private mutating func change(_ body: (inout Fields) -> Void) {
        var fields = box.fields
        body(&fields)
        box = Box(fields)
    }

    public var kind: Kind {
        get { box.kind }
        set { change { $0.kind = newValue } }
    }
    /// The key value the finding is about (for an unmatched payment, its merchant reference).
    public var matchKey: String {
        get { box.matchKey }
        set { change { $0.matchKey = newValue } }
    }
    /// Which key field matched (or, for an unmatched payment, which field `matchKey` is).
    public var keyField: KeyField? {
        get { box.keyField }
        set { change { $0.keyField = newValue } }
    }
    public var provider: String {
        get { box.provider }
        set { change { $0.provider = newValue } }
    }
    /// The payment's provider-side id, when there is a payment.
    public var paymentId: String? {
        get { box.paymentId }
        set { change { $0.paymentId = newValue } }
    }
    public var expected: Money? {
        get { box.expected }
        set { change { $0.expected = newValue } }
    }
    public var expectedStatus: String? {
        get { box.expectedStatus }
        set { change { $0.expectedStatus = newValue } }
    }
    public var actual: Money? {
        get { box.actual }
        set { change { $0.actual = newValue } }
    }
    public var actualStatus: String? {
        get { box.actualStatus }
        set { change { $0.actualStatus = newValue } }
    }
    public var paymentSource: Provenance? {
        get { box.paymentSource }
        set { change { $0.paymentSource = newValue } }
    }
    public var settlementSource: Provenance? {
        get { box.settlementSource }
        set { change { $0.settlementSource = newValue } }
    }
    /// One sentence for a person: what differs and by how much.
    public var detail: String {
        get { box.detail }
        set { change { $0.detail = newValue } }
    }

    public init(
        kind: Kind, matchKey: String, keyField: KeyField?, provider: String, paymentId: String?,
        expected: Money?, expectedStatus: String?, actual: Money?, actualStatus: String?,
        paymentSource: Provenance?, settlementSource: Provenance?, detail: String
    ) {
        box = Box(
            Fields(
                kind: kind, matchKey: matchKey, keyField: keyField, provider: provider, paymentId: paymentId,
                expected: expected, expectedStatus: expectedStatus, actual: actual, actualStatus: actualStatus,
                paymentSource: paymentSource, settlementSource: settlementSource, detail: detail))
    }

    /// actual − expected, when both exist in the same currency and the difference fits an
    /// amount (two amounts near the limits of opposite sign may not).
    public var difference: Money? {
        guard let expected, let actual, expected.currency == actual.currency else { return nil }
        return Money(total: Total(actual.minorUnits) - Total(expected.minorUnits), currency: actual.currency)
    }
}

/// A record that could not be read or normalized: where, which field, and why.
public struct Reject: Sendable, Error {
    public var source: Provenance
    public var field: String
    public var reason: String
    /// The raw bytes of the record, as text (possibly cut), so the row can be found and fixed.
    public var raw: String

    public init(source: Provenance, field: String, reason: String, raw: String) {
        self.source = source
        self.field = field
        self.reason = reason
        self.raw = raw
    }

    /// `recon: file:line: field: reason`, the shape every data error is printed in.
    public var message: String {
        let location =
            source.locator == .line
            ? "\(source.file):\(source.position.line)"
            : "\(source.file): record \(source.position.record) (line \(source.position.line))"
        return field.isEmpty ? "\(location): \(reason)" : "\(location): \(field): \(reason)"
    }
}
