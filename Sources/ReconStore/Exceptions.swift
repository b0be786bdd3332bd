import Crypto
public import PaymentModels

/// A finding of a store run, as the exceptions table keeps it: the same finding on a later night
/// (same kind, provider, key and payment) has the same id, so what people decided about it stays
/// with it.
public struct ExceptionFinding: Sendable {
    public var kind: String
    public var matchKey: String
    public var provider: String
    public var paymentId: String?
    /// The expected amount's currency (the actual's when nothing was expected), and the actual
    /// amount's.
    public var currency: String?
    public var expectedMinor: Int64?
    public var actualCurrency: String?
    public var actualMinor: Int64?
    public var detail: String

    public init(
        kind: String, matchKey: String, provider: String, paymentId: String?, expected: Money?, actual: Money?,
        detail: String
    ) {
        (self.kind, self.matchKey, self.provider, self.paymentId) = (kind, matchKey, provider, paymentId)
        (currency, expectedMinor) = ((expected ?? actual)?.currency.code, expected?.minorUnits)
        (actualCurrency, actualMinor) = (actual?.currency.code, actual?.minorUnits)
        self.detail = detail
    }

    /// `EX-` and 12 hex digits of the SHA-256 of what makes the finding the same one.
    public var id: String {
        let identity = [kind, provider, matchKey, paymentId ?? ""].joined(separator: "\u{1F}")
        return Audit.hex(SHA256.hash(data: Array(identity.utf8)).prefix(6), prefix: "EX-")
    }
}

/// An exception as kept: the finding as last seen, when it was first and last seen, and what
/// people decided.
public struct ExceptionRow: Sendable {
    public enum State: String, Sendable, CaseIterable {
        case open, assigned, resolved
    }

    public enum Resolution: String, Sendable, CaseIterable {
        case writeOff = "write-off"
        case acceptedDifference = "accepted-difference"
        case matched
    }

    public var finding: ExceptionFinding
    public var id: String
    public var firstRun: Int64
    public var lastRun: Int64
    /// The business date (or, for a run without one, the day it started) it was first and last seen.
    public var firstSeen: String
    public var lastSeen: String
    public var state: State
    public var assignee: String?
    public var resolution: String?
    public var reason: String?
    public var decidedBy: String?
    public var notes: [(at: String, author: String, note: String)] = []

    /// Days from the night it was first seen to `day` (`YYYY-MM-DD`).
    public func age(on day: String) -> Int64 {
        guard let from = Self.days(firstSeen), let to = Self.days(day) else { return 0 }
        return max(0, to - from)
    }

    /// `YYYY-MM-DD...` as days since 1970.
    static func days(_ text: String) -> Int64? {
        let parts = text.prefix(10).split(separator: "-").compactMap { Int64($0) }
        guard parts.count == 3, (1...12).contains(parts[1]),
            (1...CivilDate.daysIn(month: parts[1], year: parts[0])).contains(parts[2])
        else { return nil }
        return CivilDate.days(year: parts[0], month: parts[1], day: parts[2])
    }
}

/// One entry of the audit log: who did what to what, when and why, chained to the entry before
/// by its hash (`previous`), so that changing or removing an entry breaks the chain.
public struct AuditEntry: Sendable {
    public var seq: Int64
    public var at: String
    public var actor: String
    public var action: String
    public var subject: String
    public var run: Int64?
    public var reason: String
    /// A person's decision as the `recon exceptions` arguments that make it again (the decision
    /// log a store rebuilt from the same files replays); empty for runs and for what recon did
    /// as a consequence.
    public var command: [String] = []
    public var previous: String
    public var hash: String

    /// The hash the entry's fields give: SHA-256 over them, separated by a unit separator.
    public var computedHash: String {
        let fields = [
            "\(seq)", at, actor, action, subject, run.map { "\($0)" } ?? "", reason, Audit.joined(command), previous,
        ]
        return Audit.sha256(fields.joined(separator: "\u{1F}"))
    }
}

public enum Audit {
    /// A command's arguments in one text (record separators between them; one inside an
    /// argument is a space).
    static func joined(_ command: [String]) -> String {
        command.map { String($0.map { $0 == "\u{1E}" ? " " : $0 }) }.joined(separator: "\u{1E}")
    }

    static func split(_ text: String) -> [String] {
        text.isEmpty ? [] : text.split(separator: "\u{1E}", omittingEmptySubsequences: false).map(String.init)
    }

    /// Bytes in lowercase hex, after `prefix`: written as bytes, not a string per byte (a night's
    /// exception ids took 6 µs each that way, and a night's reports, stored as hex, seconds).
    static func hex(_ bytes: some Sequence<UInt8>, prefix: String = "") -> String {
        var text = Array(prefix.utf8)
        text.reserveCapacity(text.count + bytes.underestimatedCount * 2)
        for byte in bytes {
            text.append(hexDigits[Int(byte >> 4)])
            text.append(hexDigits[Int(byte & 15)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    static func sha256(_ text: String) -> String { hex(SHA256.hash(data: Array(text.utf8))) }

    /// The first entry that does not hold: its hash is not its fields', or its `previous` is
    /// not the hash of the entry before it, or an entry before it is missing; nil when all hold.
    public static func firstBroken(_ log: [AuditEntry]) -> (entry: Int64, why: String)? {
        var previous = ""
        for (k, entry) in log.enumerated() {
            if entry.seq != Int64(k + 1) {
                return (entry.seq, "entry \(k + 1) is missing (the log goes from \(k) to \(entry.seq))")
            }
            if entry.previous != previous {
                return (entry.seq, "it does not follow entry \(entry.seq - 1): that entry was changed")
            }
            if entry.computedHash != entry.hash { return (entry.seq, "its fields are not those its hash was made of") }
            previous = entry.hash
        }
        return nil
    }
}

/// What a person decides about an exception.
public enum ExceptionDecision: Sendable {
    case assign(to: String)
    case note(String)
    case resolve(ExceptionRow.Resolution, reason: String)
}

extension Store {
    /// Appends an entry to the audit log (inside the caller's write transaction).
    public func appendAudit(
        at: String, actor: String, action: String, subject: String, run: Int64?, reason: String,
        command: [String] = []
    ) throws(StoreError) {
        let last = try query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", [])
        let seq = (last.first?[0].flatMap { Int64($0) } ?? 0) + 1
        var entry = AuditEntry(
            seq: seq, at: at, actor: actor, action: action, subject: subject, run: run, reason: reason,
            command: command, previous: last.first?[1] ?? "", hash: "")
        entry.hash = entry.computedHash
        _ = try query(
            """
            INSERT INTO audit_log (seq, at, actor, action, subject, run_id, reason, command, previous, hash)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            """,
            [
                "\(seq)", at, actor, action, subject, run.map { "\($0)" }, reason, Audit.joined(command),
                entry.previous, entry.hash,
            ])
    }

    /// The last run saved: the run a decision made now applies to (nil before the first).
    func lastRun() throws(StoreError) -> Int64? {
        try query("SELECT max(id) FROM runs", []).first?[0].flatMap { Int64($0) }
    }

    /// The entries after the last run's: what people decided since.
    public func auditSinceLastRun() throws(StoreError) -> [AuditEntry] {
        let last = try query("SELECT coalesce(max(seq), 0) FROM audit_log WHERE action = 'run'", []).first
        let from = last?[0].flatMap { Int64($0) } ?? 0
        return try auditLog().filter { $0.seq > from }
    }

    public func auditLog() throws(StoreError) -> [AuditEntry] {
        try query(
            """
            SELECT seq, at, actor, action, subject, run_id, reason, command, previous, hash FROM audit_log
            ORDER BY seq
            """, []
        )
        .map { r in
            AuditEntry(
                seq: Int64(r[0] ?? "") ?? 0, at: r[1] ?? "", actor: r[2] ?? "", action: r[3] ?? "",
                subject: r[4] ?? "", run: r[5].flatMap { Int64($0) }, reason: r[6] ?? "",
                command: Audit.split(r[7] ?? ""), previous: r[8] ?? "", hash: r[9] ?? "")
        }
    }

    /// Keeps a run's findings as exceptions: a new one opens; one seen before keeps its id, its
    /// decisions and when it was first seen. A resolved one whose amounts changed since (a new
    /// line for the same key) is opened again for review, never left resolved blindly.
    public func recordExceptions(
        _ findings: [ExceptionFinding], run: Int64, day: String, at: String
    ) throws(StoreError) {
        // the resolved ones (few: people resolved them) are read first, to see which change
        var resolved: [String: [String?]] = [:]
        for row in try query("SELECT id, expected_minor, actual_minor FROM exceptions WHERE state = 'resolved'", []) {
            if let id = row[0] { resolved[id] = [row[1], row[2]] }
        }
        var seen = Set<String>()
        var rows: [(id: String, finding: Int)] = []
        var reopened: [(id: String, was: [String?], now: [String?])] = []
        for (k, finding) in findings.enumerated() {
            let id = finding.id
            guard seen.insert(id).inserted else { continue }  // one row per finding, the first
            if let was = resolved[id] {
                let amounts = [finding.expectedMinor.map { "\($0)" }, finding.actualMinor.map { "\($0)" }]
                if was != amounts { reopened.append((id, was, amounts)) }
            }
            rows.append((id, k))
        }
        // new ones inserted, known ones brought up to date (keeping their first night and their
        // decisions), all in one statement from a table of the night's findings: a night of
        // millions of open payments has millions (a statement per 200 took 21 µs a finding)
        let columns = [
            "id", "kind", "match_key", "provider", "payment_id", "currency", "expected_minor", "actual_currency",
            "actual_minor", "detail",
        ]
        try loadTemporary("night_exceptions", columns: columns, count: rows.count) { k in
            let f = findings[rows[k].finding]
            return [
                rows[k].id, f.kind, f.matchKey, f.provider, f.paymentId, f.currency, f.expectedMinor.map { "\($0)" },
                f.actualCurrency, f.actualMinor.map { "\($0)" }, f.detail,
            ]
        }
        _ = try query(
            """
            INSERT INTO exceptions (id, kind, match_key, provider, payment_id, currency, expected_minor,
                actual_currency, actual_minor, detail, first_run, last_run, first_seen, last_seen, state)
            SELECT id, kind, match_key, provider, payment_id, currency, CAST(expected_minor AS BIGINT),
                actual_currency, CAST(actual_minor AS BIGINT), detail, CAST($1 AS BIGINT), CAST($2 AS BIGINT),
                CAST($3 AS TEXT), CAST($4 AS TEXT), 'open'
            FROM night_exceptions WHERE true
            ON CONFLICT (id) DO UPDATE SET expected_minor = excluded.expected_minor,
                actual_currency = excluded.actual_currency, actual_minor = excluded.actual_minor,
                detail = excluded.detail, last_run = excluded.last_run, last_seen = excluded.last_seen
            """, ["\(run)", "\(run)", day, day])
        for (id, was, now) in reopened {
            _ = try query("UPDATE exceptions SET state = 'open' WHERE id = $1", [id])
            try appendAudit(
                at: at, actor: "recon", action: "reopen", subject: id, run: run,
                reason: "the finding changed after it was resolved (amounts \(was[0] ?? "-")/\(was[1] ?? "-") "
                    + "are now \(now[0] ?? "-")/\(now[1] ?? "-")): review the decision")
        }
    }

    /// The exceptions, oldest first; `state`, `kind` filter them.
    public func exceptions(state: ExceptionRow.State? = nil, kind: String? = nil) throws(StoreError) -> [ExceptionRow] {
        let rows = try query(
            """
            SELECT \(Self.exceptionColumns) FROM exceptions
            WHERE (CAST($1 AS TEXT) IS NULL OR state = $2) AND (CAST($3 AS TEXT) IS NULL OR kind = $4)
            ORDER BY first_run, id
            """, [state?.rawValue, state?.rawValue, kind, kind])
        return rows.map(Self.exception)
    }

    /// How many exceptions are in each state.
    public func exceptionCounts() throws(StoreError) -> [ExceptionRow.State: Int] {
        var counts: [ExceptionRow.State: Int] = [:]
        for row in try query("SELECT state, count(*) FROM exceptions GROUP BY state", []) {
            if let state = row[0].flatMap(ExceptionRow.State.init(rawValue:)) { counts[state] = Int(row[1] ?? "") ?? 0 }
        }
        return counts
    }

    /// One exception with its notes; nil when there is none with this id.
    public func exception(id: String) throws(StoreError) -> ExceptionRow? {
        guard let row = try query("SELECT \(Self.exceptionColumns) FROM exceptions WHERE id = $1", [id]).first else {
            return nil
        }
        var exception = Self.exception(row)
        exception.notes = try query(
            "SELECT at, author, note FROM exception_notes WHERE exception_id = $1 ORDER BY at, note", [id]
        ).map { (at: $0[0] ?? "", author: $0[1] ?? "", note: $0[2] ?? "") }
        return exception
    }

    /// Applies a person's decision and logs it (inside the caller's write transaction). A
    /// decision on an unknown or already resolved exception is refused with the reason
    /// (`ExceptionRefusal`); a store that fails throws its `StoreError`.
    public func decide(
        _ decision: ExceptionDecision, on id: String, by person: String, at: String
    ) throws {
        guard let current = try exception(id: id) else {
            throw ExceptionRefusal("there is no exception \(id); see 'recon exceptions list'")
        }
        if current.state == .resolved {
            throw ExceptionRefusal(
                "\(id) is already resolved (\(current.resolution ?? "") by \(current.decidedBy ?? "someone"): "
                    + "\(current.reason ?? "")); nothing was changed")
        }
        let run = try lastRun()
        switch decision {
        case .assign(let name):
            _ = try query("UPDATE exceptions SET state = 'assigned', assignee = $1 WHERE id = $2", [name, id])
            try appendAudit(
                at: at, actor: person, action: "assign", subject: id, run: run, reason: "to \(name)",
                command: ["assign", id, "--to", name, "--by", person])
        case .note(let text):
            _ = try query(
                "INSERT INTO exception_notes (exception_id, at, author, note) VALUES ($1, $2, $3, $4)",
                [id, at, person, text])
            try appendAudit(
                at: at, actor: person, action: "note", subject: id, run: run, reason: text,
                command: ["note", id, "--text", text, "--by", person])
        case .resolve(let resolution, let reason):
            _ = try query(
                """
                UPDATE exceptions SET state = 'resolved', resolution = $1, reason = $2, decided_by = $3
                WHERE id = $4
                """, [resolution.rawValue, reason, person, id])
            try appendAudit(
                at: at, actor: person, action: "resolve \(resolution.rawValue)", subject: id, run: run,
                reason: reason,
                command: ["resolve", id, "--as", resolution.rawValue, "--reason", reason, "--by", person])
            if resolution == .writeOff { try closeWrittenOff(current) }
        }
    }

    /// A written-off exception stays closed: the records still open behind it (the payment of a
    /// `missing_in_settlement`, the line of an `unexpected_in_settlement` or `refund_unmatched`)
    /// are closed as by hand ("run 0"), so later nights do not report them again; a line that
    /// comes later for such a payment is a `duplicate_settlement`, a new exception to review.
    func closeWrittenOff(_ exception: ExceptionRow) throws(StoreError) {
        let f = exception.finding
        let (side, rows): (ImportSide, [[String?]])
        switch f.kind {
        case "missing_in_settlement":
            side = .payments
            rows = try query(
                """
                SELECT p.id FROM open_payments o JOIN payments p ON p.id = o.id
                WHERE p.key = $1 OR p.provider_id = $2
                """, [f.matchKey, f.paymentId ?? f.matchKey])
        case "unexpected_in_settlement", "refund_unmatched":
            side = .settlement
            rows = try query(
                "SELECT s.id FROM open_settlement o JOIN settlement_records s ON s.id = o.id WHERE s.key = $1",
                [f.matchKey])
        default: return  // the run closed the records of the other kinds
        }
        let (open, closures) =
            side == .payments ? ("open_payments", "payment_closures") : ("open_settlement", "settlement_closures")
        for row in rows {
            _ = try query("DELETE FROM \(open) WHERE id = $1", [row[0]])
            _ = try query("INSERT INTO \(closures) (id, run) VALUES ($1, 0)", [row[0]])
        }
    }

    static var exceptionColumns: String {
        """
        id, kind, match_key, provider, payment_id, currency, expected_minor, actual_currency, actual_minor, detail, \
        first_run, last_run, first_seen, last_seen, state, assignee, resolution, reason, decided_by
        """
    }

    /// The exceptions not resolved (open or assigned), oldest first, as both stores read them
    /// (a row at a time, typed: a night of millions of exceptions read them as arrays of texts,
    /// all at once).
    static var unresolvedExceptions: String {
        "SELECT \(exceptionColumns) FROM exceptions WHERE state <> 'resolved' ORDER BY first_run, id"
    }

    /// A row of `exceptionColumns`.
    static func exception(_ r: some StoreRow) -> ExceptionRow {
        var finding = ExceptionFinding(
            kind: r.text(1) ?? "", matchKey: r.text(2) ?? "", provider: r.text(3) ?? "", paymentId: r.text(4),
            expected: nil, actual: nil, detail: r.text(9) ?? "")
        (finding.currency, finding.expectedMinor) = (r.text(5), r.integer(6))
        (finding.actualCurrency, finding.actualMinor) = (r.text(7), r.integer(8))
        return ExceptionRow(
            finding: finding, id: r.text(0) ?? "", firstRun: r.integer(10) ?? 0, lastRun: r.integer(11) ?? 0,
            firstSeen: r.text(12) ?? "", lastSeen: r.text(13) ?? "",
            state: r.text(14).flatMap(ExceptionRow.State.init(rawValue:)) ?? .open, assignee: r.text(15),
            resolution: r.text(16), reason: r.text(17), decidedBy: r.text(18))
    }

}

/// A decision refused: the exception is unknown or already resolved; nothing changed.
public struct ExceptionRefusal: Error, CustomStringConvertible {
    public let description: String

    init(_ description: String) { self.description = description }
}
