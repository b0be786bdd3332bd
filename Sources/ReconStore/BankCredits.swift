public import PaymentModels

/// A bank credit no payout took on its night, kept so that a payout the bank did not credit can
/// later be matched to the credits that pay it (`recon exceptions suggest`, `match --payout`).
public struct BankCreditToKeep: Sendable {
    public var identity: String
    public var reference: String
    public var amount: Money
    public var bookedMs: Int64?

    public init(identity: String, reference: String, amount: Money, bookedMs: Int64?) {
        (self.identity, self.reference, self.amount, self.bookedMs) = (identity, reference, amount, bookedMs)
    }
}

extension Store {
    /// Keeps the night's unused credits (once each: a statement given again adds nothing).
    public func keepBankCredits(_ credits: [BankCreditToKeep], run: Int64) throws(StoreError) {
        for credit in credits {
            _ = try query(
                """
                INSERT INTO bank_credits (identity, reference, amount_minor, currency, booked_ms, first_run)
                VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (identity) DO NOTHING
                """,
                [
                    credit.identity, credit.reference, "\(credit.amount.minorUnits)", credit.amount.currency.code,
                    credit.bookedMs.map { "\($0)" }, "\(run)",
                ])
        }
    }

    /// Matches a payout the bank did not credit (its open `payout_mismatch` exception, by the
    /// payout's id) with kept credits that sum to what it paid out, by hand: the credits are
    /// taken, the exception resolved as matched. Refused like `matchByHand`.
    public func matchPayoutByHand(
        payout: String, credits references: [String], reason: String, by person: String, at: String
    ) throws -> ManualMatch {
        guard !references.isEmpty, Set(references).count == references.count else {
            throw ExceptionRefusal("name each bank credit once")
        }
        let exceptions = try query(
            """
            SELECT id, currency, expected_minor FROM exceptions WHERE kind = 'payout_mismatch' AND match_key = $1
            AND state <> 'resolved' AND actual_minor IS NULL AND expected_minor IS NOT NULL
            """, [payout])
        guard let exception = exceptions.first, let currency = exception[1].flatMap(Currency.init(code:)),
            let paidOut = exception[2].flatMap({ Int64($0) })
        else {
            throw ExceptionRefusal("no open exception says the bank did not credit the payout \(payout)")
        }
        var total: Int64 = 0
        for reference in references {
            let found = try query(
                "SELECT amount_minor, currency FROM bank_credits WHERE reference = $1 AND matched IS NULL", [reference])
            guard found.count == 1 else {
                throw ExceptionRefusal(
                    found.isEmpty
                        ? "no bank credit kept and not yet matched has the reference \(reference)"
                        : "\(found.count) bank credits have the reference \(reference)")
            }
            guard found[0][1] == currency.code else {
                throw ExceptionRefusal(
                    "the payout is in \(currency.code) and the credit \(reference) in \(found[0][1] ?? "?"): a match "
                        + "across currencies needs a stated rate, which recon does not take yet")
            }
            let (next, overflow) = total.addingReportingOverflow(Int64(found[0][0] ?? "") ?? 0)
            guard !overflow else { throw ExceptionRefusal("the amounts overflow") }
            total = next
        }
        let (paid, credited) = (
            Money(minorUnits: paidOut, currency: currency), Money(minorUnits: total, currency: currency)
        )
        guard paid.minorUnits.magnitude == credited.minorUnits.magnitude else {
            throw ExceptionRefusal(
                "the credits sum to \(credited), the payout \(payout) paid out \(paid): match the credits that "
                    + "make it up"
            )
        }
        let number = (try query("SELECT max(id) FROM manual_matches", []).first?[0].flatMap { Int64($0) } ?? 0) + 1
        let match = ManualMatch(
            id: number, paymentKeys: ["payout " + payout], settlementIds: references, payment: paid, settled: credited)
        _ = try query(
            """
            INSERT INTO manual_matches (id, payment_rows, payment_keys, settlement_rows, settlement_ids, currency,
                payment_minor, settlement_minor, reason, decided_by, at)
            VALUES ($1, '', $2, '', $3, $4, $5, $6, $7, $8, $9)
            """,
            [
                "\(number)", "payout " + payout, references.joined(separator: ","), currency.code, "\(paidOut)",
                "\(total)", reason, person, at,
            ])
        for reference in references {
            _ = try query(
                "UPDATE bank_credits SET matched = $1 WHERE reference = $2 AND matched IS NULL",
                [match.name, reference])
        }
        try appendAudit(
            at: at, actor: person, action: "match", subject: match.name, run: try lastRun(),
            reason: "payout \(payout) \(paid) = bank credits \(references.joined(separator: " + ")): \(reason)",
            command: ["match", "--payout", payout] + references.flatMap { ["--bank-credit", $0] }
                + ["--reason", reason, "--by", person])
        if let id = exception[0] { try resolve(id, by: match, reason: reason, person: person, at: at) }
        return match
    }
}
