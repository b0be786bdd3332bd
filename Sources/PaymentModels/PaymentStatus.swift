/// The one lifecycle every system's payment status is mapped onto.
///
/// Each provider adapter holds a table from its raw values to these. A raw value that is not in
/// the table becomes `.unknown`: kept, expected to settle, never a status mismatch, and named
/// with its count in the summary, because guessing a status hides a real problem.
public enum PaymentStatus: String, CaseIterable, Sendable {
    case pending
    case succeeded
    case failed
    case canceled
    case expired
    case refunded
    /// A dispute is open (the money may be held or taken back).
    case disputed
    /// The dispute was lost: the money was taken back, so a chargeback line is expected.
    case disputeLost = "dispute_lost"
    case unknown

    /// Whether the money is expected to show up in a settlement file.
    public var expectation: SettlementExpectation {
        switch self {
        case .pending, .succeeded, .unknown: .expected
        case .failed, .canceled, .expired: .notExpected
        // captured first, then (partly) returned: a settlement line is normal, whatever it says
        case .refunded, .disputed, .disputeLost: .eitherWay
        }
    }
}

/// What the created side says about settlement.
public enum SettlementExpectation: Sendable {
    case expected, notExpected, eitherWay
}

/// The status of a settlement line: did the money move?
public enum SettlementStatus: String, CaseIterable, Sendable {
    /// Settled, succeeded, paid: the money moved.
    case settled
    case pending
    case failed
    case reversed
    case refunded
    case unknown

    /// Whether this line says the money moved (nil when the status is unknown).
    public var moneyMoved: Bool? {
        switch self {
        case .settled: true
        case .failed, .reversed, .refunded, .pending: false
        case .unknown: nil
        }
    }
}

/// The created-payment systems recon reads (the five seed APIs).
public enum PaymentSystem: String, CaseIterable, Sendable {
    /// 000: the payment gateway aggregator (`POST /api/transactions`).
    case aggregator
    /// 001: Yedpay (Initialize Transaction).
    case yedpay
    /// 002: Formance Payments (connector payments).
    case formance
    /// 003: WooshPay PaymentIntents.
    case wooshpay
    /// 004: Commerce Layer `stripe_payments`.
    case commercelayer

    /// Position in `allCases`, for per-system counters kept in arrays.
    public var index: Int {
        switch self {
        case .aggregator: 0
        case .yedpay: 1
        case .formance: 2
        case .wooshpay: 3
        case .commercelayer: 4
        }
    }
}
