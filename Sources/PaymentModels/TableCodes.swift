/// The small numbers the record tables store for enums without an integer raw value. Switches,
/// not `allCases` lookups: `allCases` makes a new array at every call (a malloc per row read).
extension PaymentStatus {
    var tableCode: UInt64 {
        switch self {
        case .pending: 0
        case .succeeded: 1
        case .failed: 2
        case .canceled: 3
        case .expired: 4
        case .refunded: 5
        case .disputed: 6
        case .disputeLost: 7
        case .unknown: 8
        }
    }

    init(tableCode: UInt64) {
        switch tableCode {
        case 0: self = .pending
        case 1: self = .succeeded
        case 2: self = .failed
        case 3: self = .canceled
        case 4: self = .expired
        case 5: self = .refunded
        case 6: self = .disputed
        case 7: self = .disputeLost
        default: self = .unknown
        }
    }
}

extension SettlementStatus {
    var tableCode: UInt64 {
        switch self {
        case .settled: 0
        case .pending: 1
        case .failed: 2
        case .reversed: 3
        case .refunded: 4
        case .unknown: 5
        }
    }

    init(tableCode: UInt64) {
        switch tableCode {
        case 0: self = .settled
        case 1: self = .pending
        case 2: self = .failed
        case 3: self = .reversed
        case 4: self = .refunded
        default: self = .unknown
        }
    }
}

extension PaymentSystem {
    init(tableCode: UInt64) {
        switch tableCode {
        case 0: self = .aggregator
        case 1: self = .yedpay
        case 2: self = .formance
        case 3: self = .wooshpay
        default: self = .commercelayer
        }
    }
}
