public import PaymentModels

/// A match made by hand: one open payment and the open settlement lines that settle it (1:1 or
/// 1:N), closed at once ("run 0": no run closed them), their findings resolved as matched; undone
/// by `unmatch`, which opens them again.
public struct ManualMatch: Sendable {
    public var id: Int64
    public var paymentKey: String
    public var settlementIds: [String]
    public var payment: Money
    public var settled: Money
    /// `M-` and the number.
    public var name: String { "M-\(id)" }
}

extension Store {
    /// Matches the open payment whose key (or provider id) is `paymentKey` with the open lines
    /// whose settlement ids (or keys) are `settlementIds`, inside the caller's write transaction.
    /// Refused (`ExceptionRefusal`, nothing changed) when one of them is not open or not one
    /// row, when their currencies differ (no rate is stated), or when the lines do not sum to
    /// the payment (the amounts said).
    public func matchByHand(
        paymentKey: String, settlementIds: [String], reason: String, by person: String, at: String
    ) throws -> ManualMatch {
        let payments = try query(
            """
            SELECT p.id, p.amount_minor, p.currency, p.key FROM open_payments o JOIN payments p ON p.id = o.id
            WHERE p.key = $1 OR p.provider_id = $2
            """, [paymentKey, paymentKey])
        guard payments.count == 1, let payment = payments.first else {
            throw ExceptionRefusal(
                payments.isEmpty
                    ? "no open payment has the key \(paymentKey) (a payment a run settled is not open)"
                    : "\(payments.count) open payments have the key \(paymentKey): name one by its provider id")
        }
        guard Set(settlementIds).count == settlementIds.count, !settlementIds.isEmpty else {
            throw ExceptionRefusal("name each settlement line once")
        }
        var lines: [[String?]] = []
        for id in settlementIds {
            let found = try query(
                """
                SELECT s.id, s.gross_minor, s.currency FROM open_settlement o JOIN settlement_records s ON s.id = o.id
                WHERE s.settlement_id = $1 OR s.key = $2
                """, [id, id])
            guard found.count == 1 else {
                throw ExceptionRefusal(
                    found.isEmpty
                        ? "no open settlement line has the id \(id) (a line a run settled is not open)"
                        : "\(found.count) open settlement lines have the id or key \(id)")
            }
            lines.append(found[0])
        }
        guard let currency = payment[2].flatMap(Currency.init(code:)),
            let paymentMinor = payment[1].flatMap({ Int64($0) })
        else { throw ExceptionRefusal("the payment \(paymentKey) has no amount this recon can read") }
        if let other = lines.first(where: { $0[2] != payment[2] }) {
            throw ExceptionRefusal(
                "the payment is in \(currency.code) and a line in \(other[2] ?? "?"): a match across currencies "
                    + "needs a stated rate, which recon does not take yet")
        }
        var sum: Int64 = 0
        for line in lines {
            let (next, overflow) = sum.addingReportingOverflow(Int64(line[1] ?? "") ?? 0)
            guard !overflow else { throw ExceptionRefusal("the lines' amounts overflow") }
            sum = next
        }
        let (paid, settled) = (
            Money(minorUnits: paymentMinor, currency: currency), Money(minorUnits: sum, currency: currency)
        )
        guard sum == paymentMinor else {
            throw ExceptionRefusal(
                "the lines sum to \(settled), the payment \(paymentKey) is \(paid): match the lines that make it up, "
                    + "or resolve its exception as accepted-difference")
        }
        let rows = lines.map { $0[0] ?? "" }
        let number = (try query("SELECT max(id) FROM manual_matches", []).first?[0].flatMap { Int64($0) } ?? 0) + 1
        let match = ManualMatch(
            id: number, paymentKey: paymentKey, settlementIds: settlementIds, payment: paid, settled: settled)
        _ = try query("DELETE FROM open_payments WHERE id = $1", [payment[0]])
        _ = try query("INSERT INTO payment_closures (id, run) VALUES ($1, 0)", [payment[0]])
        for row in rows {
            _ = try query("DELETE FROM open_settlement WHERE id = $1", [row])
            _ = try query("INSERT INTO settlement_closures (id, run) VALUES ($1, 0)", [row])
        }
        _ = try query(
            """
            INSERT INTO manual_matches (id, payment_row, payment_key, settlement_rows, settlement_ids, currency,
                payment_minor, settlement_minor, reason, decided_by, at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
            """,
            [
                "\(number)", payment[0], paymentKey, rows.joined(separator: ","), settlementIds.joined(separator: ","),
                currency.code, "\(paymentMinor)", "\(sum)", reason, person, at,
            ])
        try appendAudit(
            at: at, actor: person, action: "match", subject: match.name,
            run: nil, reason: "payment \(paymentKey) \(paid) = \(settlementIds.joined(separator: " + ")): \(reason)")
        // the findings these records made are settled by the match
        let keys =
            [paymentKey] + settlementIds
            + (try lines.flatMap { line in
                try query("SELECT key FROM settlement_records WHERE id = $1", [line[0]]).compactMap { $0[0] }
            })
        for key in Set(keys).sorted() {
            for row in try query("SELECT id FROM exceptions WHERE match_key = $1 AND state <> 'resolved'", [key]) {
                guard let id = row[0] else { continue }
                _ = try query(
                    """
                    UPDATE exceptions SET state = 'resolved', resolution = 'matched', reason = $1, decided_by = $2
                    WHERE id = $3
                    """, ["matched by hand (\(match.name)): \(reason)", person, id])
                try appendAudit(
                    at: at, actor: person, action: "resolve matched", subject: id, run: nil,
                    reason: "by the match \(match.name)")
            }
        }
        return match
    }

    /// Undoes a match made by hand: its payment and lines are open again for the next night, and
    /// the exceptions it resolved open again. Refused for an unknown or already undone match.
    public func unmatchByHand(_ name: String, reason: String, by person: String, at: String) throws -> ManualMatch {
        let number = Int64(name.hasPrefix("M-") ? String(name.dropFirst(2)) : name)
        let found = try number.map {
            try query(
                """
                SELECT payment_row, settlement_rows, payment_key, settlement_ids, currency, payment_minor,
                    settlement_minor, undone_at, undone_by FROM manual_matches WHERE id = $1
                """, ["\($0)"])
        }
        guard let number, let row = found?.first else {
            throw ExceptionRefusal("there is no match \(name) made by hand (see 'recon audit log')")
        }
        if let undone = row[7] {
            throw ExceptionRefusal("\(name) was undone already, at \(undone) by \(row[8] ?? "someone")")
        }
        let currency = row[4].flatMap(Currency.init(code:)) ?? Currency(code: "XXX")!
        let match = ManualMatch(
            id: number, paymentKey: row[2] ?? "", settlementIds: (row[3] ?? "").split(separator: ",").map(String.init),
            payment: Money(minorUnits: Int64(row[5] ?? "") ?? 0, currency: currency),
            settled: Money(minorUnits: Int64(row[6] ?? "") ?? 0, currency: currency))
        _ = try query("DELETE FROM payment_closures WHERE id = $1 AND run = 0", [row[0]])
        _ = try query("INSERT INTO open_payments (id) VALUES ($1)", [row[0]])
        for line in (row[1] ?? "").split(separator: ",").map(String.init) {
            _ = try query("DELETE FROM settlement_closures WHERE id = $1 AND run = 0", [line])
            _ = try query("INSERT INTO open_settlement (id) VALUES ($1)", [line])
        }
        _ = try query(
            "UPDATE manual_matches SET undone_at = $1, undo_reason = $2, undone_by = $3 WHERE id = $4",
            [at, reason, person, "\(number)"])
        try appendAudit(at: at, actor: person, action: "unmatch", subject: name, run: nil, reason: reason)
        let resolvedBy = "matched by hand (\(match.name)): %"
        for exception in try query(
            "SELECT id FROM exceptions WHERE state = 'resolved' AND reason LIKE $1", [resolvedBy])
        {
            guard let id = exception[0] else { continue }
            _ = try query(
                """
                UPDATE exceptions SET state = 'open', resolution = NULL, reason = NULL, decided_by = NULL
                WHERE id = $1
                """,
                [id])
            try appendAudit(
                at: at, actor: person, action: "reopen", subject: id, run: nil, reason: "the match \(name) was undone")
        }
        return match
    }
}
