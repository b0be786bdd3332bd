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

        public var code: String { rawValue }

        public var precedence: Int { Kind.allCases.firstIndex(of: self)! }

        public static func < (lhs: Kind, rhs: Kind) -> Bool { lhs.precedence < rhs.precedence }
    }

    // The fields live in one shared, immutable box: a finding is copied several times on its
    // way to the reports (merged from the workers, sorted, handed to each writer), and copying
    // a box is one reference count where copying the fields was one per string and ~200 bytes
    // of fresh memory. Changing a field (rare) makes a new box.
    private var box: Box

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

        init(
            kind: Kind, matchKey: String, keyField: KeyField?, provider: String, paymentId: String?,
            expected: Money?, expectedStatus: String?, actual: Money?, actualStatus: String?,
            paymentSource: Provenance?, settlementSource: Provenance?, detail: String
        ) {
            self.kind = kind
            self.matchKey = matchKey
            self.keyField = keyField
            self.provider = provider
            self.paymentId = paymentId
            self.expected = expected
            self.expectedStatus = expectedStatus
            self.actual = actual
            self.actualStatus = actualStatus
            self.paymentSource = paymentSource
            self.settlementSource = settlementSource
            self.detail = detail
        }
    }

    public var kind: Kind {
        get { box.kind }
        set {
            box = Box(
                kind: newValue, matchKey: box.matchKey, keyField: box.keyField, provider: box.provider, paymentId: box.paymentId, expected: box.expected, expectedStatus: box.expectedStatus, actual: box.actual, actualStatus: box.actualStatus, paymentSource: box.paymentSource, settlementSource: box.settlementSource, detail: box.detail)
        }
    }
    /// The key value the finding is about (for an unmatched payment, its merchant reference).
    public var matchKey: String {
        get { box.matchKey }
        set {
            box = Box(
                kind: box.kind, matchKey: newValue, keyField: box.keyField, provider: box.provider, paymentId: box.paymentId, expected: box.expected, expectedStatus: box.expectedStatus, actual: box.actual, actualStatus: box.actualStatus, paymentSource: box.paymentSource, settlementSource: box.settlementSource, detail: box.detail)
        }
    }
    /// Which key field matched (or, for an unmatched payment, which field `matchKey` is).
    public var keyField: KeyField? {
        get { box.keyField }
        set {
            box = Box(
                kind: box.kind, matchKey: box.matchKey, keyField: newValue, provider: box.provider, paymentId: box.paymentId, expected: box.expected, expectedStatus: box.expectedStatus, actual: box.actual, actualStatus: box.actualStatus, paymentSource: box.paymentSource, settlementSource: box.settlementSource, detail: box.detail)
        }
    }
    public var provider: String {
        get { box.provider }
        set {
            box = Box(
                kind: box.kind, matchKey: box.matchKey, keyField: box.keyField, provider: newValue, paymentId: box.paymentId, expected: box.expected, expectedStatus: box.expectedStatus, actual: box.actual, actualStatus: box.actualStatus, paymentSource: box.paymentSource, settlementSource: box.settlementSource, detail: box.detail)
        }
    }
    /// The payment's provider-side id, when there is a payment.
    public var paymentId: String? {
        get { box.paymentId }
        set {
            box = Box(
                kind: box.kind, matchKey: box.matchKey, keyField: box.keyField, provider: box.provider, paymentId: newValue, expected: box.expected, expectedStatus: box.expectedStatus, actual: box.actual, actualStatus: box.actualStatus, paymentSource: box.paymentSource, settlementSource: box.settlementSource, detail: box.detail)
        }
    }
    public var expected: Money? {
        get { box.expected }
        set {
            box = Box(
                kind: box.kind, matchKey: box.matchKey, keyField: box.keyField, provider: box.provider, paymentId: box.paymentId, expected: newValue, expectedStatus: box.expectedStatus, actual: box.actual, actualStatus: box.actualStatus, paymentSource: box.paymentSource, settlementSource: box.settlementSource, detail: box.detail)
        }
    }
    public var expectedStatus: String? {
        get { box.expectedStatus }
        set {
            box = Box(
                kind: box.kind, matchKey: box.matchKey, keyField: box.keyField, provider: box.provider, paymentId: box.paymentId, expected: box.expected, expectedStatus: newValue, actual: box.actual, actualStatus: box.actualStatus, paymentSource: box.paymentSource, settlementSource: box.settlementSource, detail: box.detail)
        }
    }
    public var actual: Money? {
        get { box.actual }
        set {
            box = Box(
                kind: box.kind, matchKey: box.matchKey, keyField: box.keyField, provider: box.provider, paymentId: box.paymentId, expected: box.expected, expectedStatus: box.expectedStatus, actual: newValue, actualStatus: box.actualStatus, paymentSource: box.paymentSource, settlementSource: box.settlementSource, detail: box.detail)
        }
    }
    public var actualStatus: String? {
        get { box.actualStatus }
        set {
            box = Box(
                kind: box.kind, matchKey: box.matchKey, keyField: box.keyField, provider: box.provider, paymentId: box.paymentId, expected: box.expected, expectedStatus: box.expectedStatus, actual: box.actual, actualStatus: newValue, paymentSource: box.paymentSource, settlementSource: box.settlementSource, detail: box.detail)
        }
    }
    public var paymentSource: Provenance? {
        get { box.paymentSource }
        set {
            box = Box(
                kind: box.kind, matchKey: box.matchKey, keyField: box.keyField, provider: box.provider, paymentId: box.paymentId, expected: box.expected, expectedStatus: box.expectedStatus, actual: box.actual, actualStatus: box.actualStatus, paymentSource: newValue, settlementSource: box.settlementSource, detail: box.detail)
        }
    }
    public var settlementSource: Provenance? {
        get { box.settlementSource }
        set {
            box = Box(
                kind: box.kind, matchKey: box.matchKey, keyField: box.keyField, provider: box.provider, paymentId: box.paymentId, expected: box.expected, expectedStatus: box.expectedStatus, actual: box.actual, actualStatus: box.actualStatus, paymentSource: box.paymentSource, settlementSource: newValue, detail: box.detail)
        }
    }
    /// One sentence for a person: what differs and by how much.
    public var detail: String {
        get { box.detail }
        set {
            box = Box(
                kind: box.kind, matchKey: box.matchKey, keyField: box.keyField, provider: box.provider, paymentId: box.paymentId, expected: box.expected, expectedStatus: box.expectedStatus, actual: box.actual, actualStatus: box.actualStatus, paymentSource: box.paymentSource, settlementSource: box.settlementSource, detail: newValue)
        }
    }

    public init(
        kind: Kind, matchKey: String, keyField: KeyField?, provider: String, paymentId: String?,
        expected: Money?, expectedStatus: String?, actual: Money?, actualStatus: String?,
        paymentSource: Provenance?, settlementSource: Provenance?, detail: String
    ) {
        box = Box(
            kind: kind, matchKey: matchKey, keyField: keyField, provider: provider, paymentId: paymentId,
            expected: expected, expectedStatus: expectedStatus, actual: actual, actualStatus: actualStatus,
            paymentSource: paymentSource, settlementSource: settlementSource, detail: detail)
    }

    /// actual − expected, when both exist in the same currency.
    public var difference: Money? {
        guard let expected, let actual, expected.currency == actual.currency else { return nil }
        return actual - expected
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
