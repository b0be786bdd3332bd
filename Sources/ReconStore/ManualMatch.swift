public import PaymentModels

/// A match made by hand: open payments and the open settlement lines that settle them (one
/// payment and its lines, or one line and the payments it pays), closed at once ("run 0": no run
/// closed them), their findings resolved as matched; undone by `unmatch`, which opens them again.
public struct ManualMatch: Sendable {
    public var id: Int64
    public var paymentKeys: [String]
    public var settlementIds: [String]
    public var payment: Money
    public var settled: Money
    /// `M-` and the number.
    public var name: String { "M-\(id)" }
}

extension Store {
    /// Matches the open payments whose keys (or provider ids) are `paymentKeys` with the open
    /// lines whose settlement ids (or keys) are `settlementIds`, inside the caller's write
    /// transaction. Refused (`ExceptionRefusal`, nothing changed) when one of them is not open or
    /// not one row, when their currencies differ (no rate is stated), or when the sums differ
    /// (the amounts said).
    public func matchByHand(
        paymentKeys: [String], settlementIds: [String], reason: String, by person: String, at: String
    ) throws -> ManualMatch {
        guard !paymentKeys.isEmpty, !settlementIds.isEmpty, Set(paymentKeys).count == paymentKeys.count,
            Set(settlementIds).count == settlementIds.count
        else { throw ExceptionRefusal("name at least one payment and one settlement line, each once") }
        guard paymentKeys.count == 1 || settlementIds.count == 1 else {
            throw ExceptionRefusal("match one payment with its lines, or one line with its payments")
        }
        // each name one open record: (id, amount, currency, key)
        func one(_ sql: String, _ name: String, none: String, many: (Int) -> String) throws -> [String?] {
            let found = try query(sql, [name, name])
            guard found.count == 1 else { throw ExceptionRefusal(found.isEmpty ? none : many(found.count)) }
            return found[0]
        }
        let payments = try paymentKeys.map { key in
            try one(
                """
                SELECT p.id, p.amount_minor, p.currency, p.key FROM open_payments o JOIN payments p ON p.id = o.id
                WHERE p.key = $1 OR p.provider_id = $2
                """, key, none: "no open payment has the key \(key) (a payment a run settled is not open)",
                many: { "\($0) open payments have the key \(key): name one by its provider id" })
        }
        let lines = try settlementIds.map { id in
            try one(
                """
                SELECT s.id, s.gross_minor, s.currency, s.key FROM open_settlement o
                JOIN settlement_records s ON s.id = o.id WHERE s.settlement_id = $1 OR s.key = $2
                """, id, none: "no open settlement line has the id \(id) (a line a run settled is not open)",
                many: { "\($0) open settlement lines have the id or key \(id)" })
        }
        let code = payments[0][2]
        guard let currency = code.flatMap(Currency.init(code:)) else {
            throw ExceptionRefusal("the payment \(paymentKeys[0]) has no currency this recon knows")
        }
        if let other = (payments + lines).first(where: { $0[2] != code }) {
            throw ExceptionRefusal(
                "the records are in \(currency.code) and \(other[2] ?? "?"): a match across currencies needs a "
                    + "stated rate, which recon does not take yet")
        }
        func sum(_ rows: [[String?]]) throws -> Money {
            var total: Int64 = 0
            for row in rows {
                let (next, overflow) = total.addingReportingOverflow(Int64(row[1] ?? "") ?? 0)
                guard !overflow else { throw ExceptionRefusal("the amounts overflow") }
                total = next
            }
            return Money(minorUnits: total, currency: currency)
        }
        let (paid, settled) = (try sum(payments), try sum(lines))
        guard paid == settled else {
            throw ExceptionRefusal(
                "the lines sum to \(settled), the payments \(paymentKeys.joined(separator: " + ")) to \(paid): match "
                    + "the records that make it up, or resolve the exception as accepted-difference")
        }
        let number = (try query("SELECT max(id) FROM manual_matches", []).first?[0].flatMap { Int64($0) } ?? 0) + 1
        let match = ManualMatch(
            id: number, paymentKeys: paymentKeys, settlementIds: settlementIds, payment: paid, settled: settled)
        for (rows, open, closures) in [
            (payments, "open_payments", "payment_closures"), (lines, "open_settlement", "settlement_closures"),
        ] {
            for row in rows {
                _ = try query("DELETE FROM \(open) WHERE id = $1", [row[0]])
                _ = try query("INSERT INTO \(closures) (id, run) VALUES ($1, 0)", [row[0]])
            }
        }
        let rowList = { (rows: [[String?]]) in rows.map { $0[0] ?? "" }.joined(separator: ",") }
        _ = try query(
            """
            INSERT INTO manual_matches (id, payment_rows, payment_keys, settlement_rows, settlement_ids, currency,
                payment_minor, settlement_minor, reason, decided_by, at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
            """,
            [
                "\(number)", rowList(payments), paymentKeys.joined(separator: ","), rowList(lines),
                settlementIds.joined(separator: ","), currency.code, "\(paid.minorUnits)", "\(settled.minorUnits)",
                reason, person, at,
            ])
        try appendAudit(
            at: at, actor: person, action: "match", subject: match.name, run: try lastRun(),
            reason:
                "\(paymentKeys.joined(separator: " + ")) \(paid) = "
                + "\(settlementIds.joined(separator: " + ")): \(reason)",
            command: ["match"] + paymentKeys.flatMap { ["--payment", $0] }
                + settlementIds.flatMap { ["--settlement", $0] } + ["--reason", reason, "--by", person])
        // the findings these records made are settled by the match
        let keys = paymentKeys + settlementIds + (payments + lines).compactMap { $0[3] }
        for key in Set(keys).sorted() {
            for row in try query("SELECT id FROM exceptions WHERE match_key = $1 AND state <> 'resolved'", [key]) {
                if let id = row[0] { try resolve(id, by: match, reason: reason, person: person, at: at) }
            }
        }
        return match
    }

    /// Resolves an exception as matched by `match` (the reason `unmatchByHand` finds it by).
    func resolve(_ id: String, by match: ManualMatch, reason: String, person: String, at: String) throws(StoreError) {
        _ = try query(
            """
            UPDATE exceptions SET state = 'resolved', resolution = 'matched', reason = $1, decided_by = $2
            WHERE id = $3
            """, ["matched by hand (\(match.name)): \(reason)", person, id])
        try appendAudit(
            at: at, actor: person, action: "resolve matched", subject: id, run: nil,
            reason: "by the match \(match.name)")
    }

    /// Undoes a match made by hand: its payment and lines are open again for the next night, and
    /// the exceptions it resolved open again. Refused for an unknown or already undone match.
    public func unmatchByHand(_ name: String, reason: String, by person: String, at: String) throws -> ManualMatch {
        let number = Int64(name.hasPrefix("M-") ? String(name.dropFirst(2)) : name)
        let found = try number.map {
            try query(
                """
                SELECT payment_rows, settlement_rows, payment_keys, settlement_ids, currency, payment_minor,
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
        let list = { (text: String?) in (text ?? "").split(separator: ",").map(String.init) }
        let match = ManualMatch(
            id: number, paymentKeys: list(row[2]), settlementIds: list(row[3]),
            payment: Money(minorUnits: Int64(row[5] ?? "") ?? 0, currency: currency),
            settled: Money(minorUnits: Int64(row[6] ?? "") ?? 0, currency: currency))
        for (rows, open, closures) in [
            (list(row[0]), "open_payments", "payment_closures"),
            (list(row[1]), "open_settlement", "settlement_closures"),
        ] {
            for id in rows {
                _ = try query("DELETE FROM \(closures) WHERE id = $1 AND run = 0", [id])
                _ = try query("INSERT INTO \(open) (id) VALUES ($1)", [id])
            }
        }
        // the bank credits a payout was matched with are free again
        _ = try query("UPDATE bank_credits SET matched = NULL WHERE matched = $1", [match.name])
        _ = try query(
            "UPDATE manual_matches SET undone_at = $1, undo_reason = $2, undone_by = $3 WHERE id = $4",
            [at, reason, person, "\(number)"])
        try appendAudit(
            at: at, actor: person, action: "unmatch", subject: name, run: try lastRun(), reason: reason,
            command: ["unmatch", name, "--reason", reason, "--by", person])
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

    /// Undoes a match a run made: the payment whose key (or provider id) is `paymentKey`, closed
    /// by a run, and the lines that run closed under the same key are open again, and the pairs
    /// are never matched again (`match_exclusions`; the next night reports them as the key naming
    /// nothing, for a person to decide). The lines and the run, for the person.
    public func unmatchRun(
        paymentKey: String, reason: String, by person: String, at: String
    ) throws -> (run: Int64, lines: [String]) {
        let payments = try query(
            """
            SELECT p.id, p.identity, c.run, p.key, p.provider_id FROM payments p JOIN payment_closures c ON c.id = p.id
            WHERE (p.key = $1 OR p.provider_id = $2) AND c.run > 0
            """, [paymentKey, paymentKey])
        guard payments.count == 1, let payment = payments.first, let run = payment[2].flatMap({ Int64($0) }) else {
            throw ExceptionRefusal(
                payments.isEmpty
                    ? "no payment with the key \(paymentKey) was matched by a run (a match by hand is undone by "
                        + "its M-n)"
                    : "\(payments.count) payments with the key \(paymentKey) were matched by runs: name one by its "
                        + "provider id"
            )
        }
        let keys = [payment[3], payment[4]].compactMap { $0 }
        let lines = try query(
            """
            SELECT s.id, s.identity, coalesce(s.settlement_id, s.key) FROM settlement_records s
            JOIN settlement_closures c ON c.id = s.id WHERE c.run = $1 AND (s.key = $2 OR s.key = $3)
            """, ["\(run)", keys[0], keys.count > 1 ? keys[1] : keys[0]])
        guard !lines.isEmpty else {
            throw ExceptionRefusal("run \(run) closed no line under the key \(paymentKey) with this payment")
        }
        _ = try query("DELETE FROM payment_closures WHERE id = $1", [payment[0]])
        _ = try query("INSERT INTO open_payments (id) VALUES ($1)", [payment[0]])
        for line in lines {
            _ = try query("DELETE FROM settlement_closures WHERE id = $1", [line[0]])
            _ = try query("INSERT INTO open_settlement (id) VALUES ($1)", [line[0]])
            _ = try query(
                """
                INSERT INTO match_exclusions (payment_identity, settlement_identity, unmatched_at) VALUES ($1, $2, $3)
                ON CONFLICT (payment_identity, settlement_identity) DO NOTHING
                """, [payment[1], line[1], at])
        }
        let names = lines.compactMap { $0[2] }
        try appendAudit(
            at: at, actor: person, action: "unmatch", subject: paymentKey, run: run,
            reason: "the match of run \(run) with \(names.joined(separator: ", ")), never to be made again: \(reason)",
            command: ["unmatch", "--payment", paymentKey, "--reason", reason, "--by", person])
        return (run, names)
    }

    /// The pairs people unmatched, by the row numbers of their payment and line.
    public func matchExclusionRows() throws(StoreError) -> [(payment: Int64, line: Int64)] {
        try query(
            """
            SELECT p.id, s.id FROM match_exclusions e JOIN payments p ON p.identity = e.payment_identity
            JOIN settlement_records s ON s.identity = e.settlement_identity
            """, []
        ).compactMap { row in
            guard let payment = row[0].flatMap({ Int64($0) }), let line = row[1].flatMap({ Int64($0) }) else {
                return nil
            }
            return (payment, line)
        }
    }
}
