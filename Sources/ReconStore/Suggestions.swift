public import PaymentModels

/// What a suggestion is searched among: the record behind an exception, and the open records
/// of the other side that could make it up (same currency, within days of it).
public struct SuggestionSearch: Sendable {
    /// An open record that could take part: how `recon exceptions match` names it, its amount
    /// and when it was created or settled (ms since 1970; nil when the file did not say).
    public struct Candidate: Sendable {
        public var name: String
        public var minor: Int64
        public var milliseconds: Int64?
    }

    /// What the exception's record is, and so what its candidates are.
    public enum Side: Sendable {
        /// A payment nobody settled: open settlement lines.
        case payment
        /// A line nobody created: open payments.
        case line
        /// A payout the bank did not credit: bank credits no payout took.
        case payout

        /// The `recon exceptions match` options naming the record and its candidates.
        public var flags: (target: String, candidate: String) {
            switch self {
            case .payment: ("--payment", "--settlement")
            case .line: ("--settlement", "--payment")
            case .payout: ("--payout", "--bank-credit")
            }
        }

        /// The candidates, for a person.
        public var candidates: String {
            switch self {
            case .payment: "open lines settled"
            case .line: "open payments created"
            case .payout: "bank credits no payout took, booked"
            }
        }
    }

    public var target: Money
    public var targetName: String
    public var side: Side
    public var milliseconds: Int64?
    public var candidates: [Candidate]
}

extension Store {
    /// The search for an exception of a payment not settled (`missing_in_settlement`: open lines
    /// settled from a day before it was created to `days` after), of a line nobody created
    /// (`unexpected_in_settlement`, `refund_unmatched`: open payments created from `days` before
    /// it settled to a day after), or of a payout the bank did not credit (`payout_mismatch`
    /// without a credit: bank credits no payout took, booked from a day before it was paid out
    /// to `days` after); nil for other kinds, or when its record is no longer open.
    public func suggestionSearch(for exception: ExceptionRow, days: Int64, limit: Int = 2_000) throws(StoreError)
        -> SuggestionSearch?
    {
        let f = exception.finding
        let day: Int64 = 86_400_000
        func number(_ text: String?) -> Int64? { text.flatMap { Int64($0) } }
        switch f.kind {
        case "missing_in_settlement":
            guard
                let payment = try query(
                    """
                    SELECT p.key, p.amount_minor, p.currency, p.created_ms FROM open_payments o
                    JOIN payments p ON p.id = o.id WHERE p.key = $1 OR p.provider_id = $2
                    """, [f.matchKey, f.paymentId ?? f.matchKey]
                ).first, let currency = payment[2].flatMap(Currency.init(code:)), let minor = number(payment[1])
            else { return nil }
            let at = number(payment[3])
            let lines = try query(
                """
                SELECT coalesce(s.settlement_id, s.key), s.gross_minor, s.settled_ms FROM open_settlement o
                JOIN settlement_records s ON s.id = o.id
                WHERE s.currency = $1 AND (CAST($2 AS BIGINT) IS NULL OR s.settled_ms IS NULL
                    OR s.settled_ms BETWEEN $3 AND $4)
                ORDER BY s.id LIMIT \(limit)
                """,
                [currency.code, at.map { "\($0)" }, at.map { "\($0 - day)" }, at.map { "\($0 + days * day)" }])
            return SuggestionSearch(
                target: Money(minorUnits: minor, currency: currency), targetName: payment[0] ?? f.matchKey,
                side: .payment, milliseconds: at,
                candidates: lines.compactMap { r in
                    number(r[1]).map {
                        SuggestionSearch.Candidate(name: r[0] ?? "", minor: $0, milliseconds: number(r[2]))
                    }
                })
        case "unexpected_in_settlement", "refund_unmatched":
            guard
                let line = try query(
                    """
                    SELECT coalesce(s.settlement_id, s.key), s.gross_minor, s.currency, s.settled_ms
                    FROM open_settlement o JOIN settlement_records s ON s.id = o.id WHERE s.key = $1 ORDER BY s.id
                    """, [f.matchKey]
                ).first, let currency = line[2].flatMap(Currency.init(code:)), let minor = number(line[1])
            else { return nil }
            let at = number(line[3])
            let payments = try query(
                """
                SELECT p.key, p.amount_minor, p.created_ms FROM open_payments o JOIN payments p ON p.id = o.id
                WHERE p.currency = $1 AND (CAST($2 AS BIGINT) IS NULL OR p.created_ms IS NULL
                    OR p.created_ms BETWEEN $3 AND $4)
                ORDER BY p.id LIMIT \(limit)
                """,
                [currency.code, at.map { "\($0)" }, at.map { "\($0 - days * day)" }, at.map { "\($0 + day)" }])
            return SuggestionSearch(
                target: Money(minorUnits: minor, currency: currency), targetName: line[0] ?? f.matchKey,
                side: .line, milliseconds: at,
                candidates: payments.compactMap { r in
                    number(r[1]).map {
                        SuggestionSearch.Candidate(name: r[0] ?? "", minor: $0, milliseconds: number(r[2]))
                    }
                })
        case "payout_mismatch":
            // a payout the bank did not credit: what it paid out, against the credits kept
            guard f.actualMinor == nil, let paid = f.expectedMinor,
                let currency = f.currency.flatMap(Currency.init(code:))
            else { return nil }
            // from the day the payout was paid out (its line), else the night it was last seen
            let payoutLine = try query(
                """
                SELECT settled_ms FROM settlement_records WHERE kind = 'payout' AND (key = $1 OR batch_id = $2)
                ORDER BY id DESC LIMIT 1
                """, [f.matchKey, f.matchKey]
            ).first?[0].flatMap { Int64($0) }
            let at = payoutLine ?? ExceptionRow.days(exception.lastSeen).map { $0 * day }
            let credits = try query(
                """
                SELECT reference, amount_minor, booked_ms FROM bank_credits
                WHERE matched IS NULL AND currency = $1 AND (CAST($2 AS BIGINT) IS NULL OR booked_ms IS NULL
                    OR booked_ms BETWEEN $3 AND $4)
                ORDER BY booked_ms, reference, identity LIMIT \(limit)
                """,
                [currency.code, at.map { "\($0)" }, at.map { "\($0 - day)" }, at.map { "\($0 + days * day)" }])
            return SuggestionSearch(
                target: Money(
                    minorUnits: paid.magnitude > Int64.max.magnitude ? 0 : Int64(paid.magnitude), currency: currency),
                targetName: f.matchKey, side: .payout, milliseconds: at,
                candidates: credits.compactMap { r in
                    number(r[1]).map {
                        SuggestionSearch.Candidate(name: r[0] ?? "", minor: $0, milliseconds: number(r[2]))
                    }
                })
        default:
            return nil
        }
    }
}
