public import PaymentModels

#if canImport(Glibc)
    import Glibc
#endif

/// The team store: the same schema and behaviour as `SQLiteStore`, on a PostgreSQL server
/// through libpq. Imports stream through COPY into a staging table and move into the store
/// with one statement; writers are serialized by a transaction-level advisory lock.
public final class PostgresStore: Store {
    let connection: PostgresConnection
    /// The advisory lock every writer of a recon store takes ("recon" in ASCII).
    static let lockKey = "521815363438"

    static let migrations: [String] = [
        // 1: as StoreSchema's first migration, in PostgreSQL's types. The two large tables have no
        // foreign keys: checking them took a trigger call per imported row (recon writes both ends)
        """
        CREATE TABLE imports (
            id BIGSERIAL PRIMARY KEY,
            side TEXT NOT NULL CHECK (side IN ('payments', 'settlement')),
            path TEXT NOT NULL, sha256 TEXT NOT NULL, imported_at TEXT NOT NULL,
            records BIGINT NOT NULL, added BIGINT NOT NULL, rejected BIGINT NOT NULL,
            UNIQUE (side, sha256));
        CREATE TABLE runs (
            id BIGSERIAL PRIMARY KEY, started_at TEXT NOT NULL, summary TEXT NOT NULL, exit_status INTEGER NOT NULL,
            payments_open BIGINT NOT NULL, settlement_open BIGINT NOT NULL, matched BIGINT NOT NULL,
            discrepancies BIGINT NOT NULL);
        CREATE TABLE run_outputs (
            run_id BIGINT NOT NULL REFERENCES runs (id), name TEXT NOT NULL, content BYTEA NOT NULL,
            PRIMARY KEY (run_id, name));
        CREATE TABLE payments (
            id BIGSERIAL PRIMARY KEY, identity TEXT NOT NULL UNIQUE,
            import_id BIGINT NOT NULL, system TEXT NOT NULL, key TEXT NOT NULL,
            provider_id TEXT, keys TEXT NOT NULL, amount_minor BIGINT NOT NULL, currency TEXT NOT NULL,
            fee_minor BIGINT, net_minor BIGINT, status TEXT NOT NULL, raw_status TEXT NOT NULL, created_ms BIGINT,
            source_file TEXT NOT NULL, source_byte BIGINT NOT NULL, source_line BIGINT NOT NULL,
            source_record BIGINT NOT NULL, source_locator INTEGER NOT NULL, closed_run BIGINT);
        CREATE INDEX payments_open ON payments (id) WHERE closed_run IS NULL;
        CREATE TABLE settlement_records (
            id BIGSERIAL PRIMARY KEY, identity TEXT NOT NULL UNIQUE,
            import_id BIGINT NOT NULL, provider TEXT, key TEXT NOT NULL,
            alternate_keys TEXT NOT NULL, settlement_id TEXT, gross_minor BIGINT NOT NULL, currency TEXT NOT NULL,
            fee_minor BIGINT, net_minor BIGINT, status TEXT NOT NULL, raw_status TEXT NOT NULL, settled_ms BIGINT,
            source_file TEXT NOT NULL, source_byte BIGINT NOT NULL, source_line BIGINT NOT NULL,
            source_record BIGINT NOT NULL, source_locator INTEGER NOT NULL, closed_run BIGINT);
        CREATE INDEX settlement_records_open ON settlement_records (id) WHERE closed_run IS NULL;
        CREATE TABLE import_rejects (
            import_id BIGINT NOT NULL REFERENCES imports (id), source TEXT NOT NULL, field TEXT NOT NULL,
            reason TEXT NOT NULL);
        """,
        // 2: as StoreSchema's second
        """
        ALTER TABLE settlement_records ADD COLUMN kind TEXT NOT NULL DEFAULT 'payment';
        ALTER TABLE settlement_records ADD COLUMN batch_id TEXT;
        """,
        // 3: as StoreSchema's third
        """
        CREATE INDEX settlement_records_batch ON settlement_records (batch_id) WHERE batch_id IS NOT NULL;
        """,
        // 4: as StoreSchema's fourth
        """
        ALTER TABLE settlement_records ADD COLUMN settlement_currency TEXT;
        ALTER TABLE settlement_records ADD COLUMN exchange_rate TEXT;
        ALTER TABLE settlement_records ADD COLUMN payout_ms BIGINT;
        ALTER TABLE payments ADD COLUMN ordered_minor BIGINT;
        """,
        // 5: as StoreSchema's fifth
        """
        ALTER TABLE runs ADD COLUMN business_date TEXT;
        ALTER TABLE runs ADD COLUMN breaches TEXT;
        """,
        // 6: as StoreSchema's sixth
        StoreSchema.openAndClosedTables(integer: "BIGINT"),
        StoreSchema.exceptionTables(integer: "BIGINT"),
    ]

    public init(url: String, existing: Bool = false) throws(StoreError) {
        connection = try PostgresConnection(url: url)
        // an up-to-date store is opened without the writers' lock, so opening never waits for a run
        let found = try version()
        if found == Self.migrations.count { return }
        if existing && found == 0 {
            throw StoreError(
                .unavailable, "\(connection.name): no recon store in this database; give the store a night was saved in"
            )
        }
        try connection.execute("BEGIN")
        do throws(StoreError) {
            try connection.execute("SELECT pg_advisory_xact_lock(\(Self.lockKey))")
            try connection.execute("CREATE TABLE IF NOT EXISTS recon_schema (version INTEGER NOT NULL)")
            let version = try version()
            guard version <= Self.migrations.count else {
                throw StoreError(
                    .newerSchema,
                    "the store \(connection.name) has schema version \(version), written by a newer recon; this "
                        + "recon knows versions up to \(Self.migrations.count). Use the newer recon, or another store")
            }
            for (k, migration) in Self.migrations.enumerated() where k >= version {
                try connection.execute(migration)
                try connection.execute("INSERT INTO recon_schema (version) VALUES ($1)", [String(k + 1)])
            }
            try connection.execute("COMMIT")
        } catch {
            _ = try? connection.execute("ROLLBACK")
            throw error
        }
    }

    /// Takes the writers' lock for this transaction if it is free.
    private func tryLock() throws(StoreError) -> Bool {
        try connection.execute("SELECT pg_try_advisory_xact_lock(\(Self.lockKey))").first?[0] == "t"
    }

    /// Who holds the writers' lock: the server process and since when, as far as the server says.
    private func holder() throws(StoreError) -> String {
        let row = try connection.execute(
            """
            SELECT a.pid, a.xact_start, a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND a.pid <> pg_backend_pid() LIMIT 1
            """
        ).first
        guard let row, let pid = row[0] else { return "holder unknown" }
        let since = row[1].map { ", its transaction started \($0)" } ?? ""
        let name = row[2].flatMap { $0.isEmpty ? nil : " (\($0))" } ?? ""
        return "server process \(pid)\(name)\(since)"
    }

    /// Under the writers' lock no other run saves, so the highest number plus one is the next
    /// (the id sequence is not used: it moves on for runs rolled back).
    public func nextRun() throws(StoreError) -> Int64 {
        Int64(try connection.execute("SELECT coalesce(max(id), 0) + 1 FROM runs").first?[0] ?? "1") ?? 1
    }

    /// The holder is named in the server's own list of sessions (`application_name`), which a
    /// waiting writer reads; it goes back to what it was when the transaction ends.
    public func query(_ sql: String, _ parameters: [String?]) throws(StoreError) -> [[String?]] {
        try connection.execute(sql, parameters)
    }

    public func announce(_ what: String) throws(StoreError) {
        _ = try connection.execute("SELECT set_config('application_name', $1, true)", [String(what.prefix(60))])
    }

    /// The schema version the store is at (0: none yet).
    private func version() throws(StoreError) -> Int {
        guard try connection.execute("SELECT to_regclass('recon_schema')").first?[0] != nil else { return 0 }
        return Int(try connection.execute("SELECT max(version) FROM recon_schema").first?[0] ?? "0") ?? 0
    }

    public func writeTransaction<T>(commit: Bool, onWait: () -> Void, _ body: () throws -> T) throws -> T {
        try connection.execute("BEGIN")
        do {
            if try !tryLock() {
                onWait()
                let deadline = ContinuousClock.now + .seconds(StoreWait.seconds)
                while try !tryLock() {
                    guard ContinuousClock.now < deadline else {
                        throw StoreError(
                            .busy,
                            "the store \(connection.name) is held by another run (\(try holder())) after waiting "
                                + "\(StoreWait.seconds) s; nothing was changed: run again later, or wait longer with "
                                + "RECON_STORE_WAIT_SECONDS")
                    }
                    usleep(200_000)
                }
            }
            let result = try body()
            try connection.execute(commit ? "COMMIT" : "ROLLBACK")
            return result
        } catch {
            connection.abandonCopy()
            _ = try? connection.execute("ROLLBACK")
            throw error
        }
    }

    public func importInTransaction(
        side: ImportSide, path: String, sha256: String, importedAt: String, read: (any RecordSink) throws -> Void
    ) throws -> ImportOutcome {
        let earlier = try connection.execute(
            "SELECT path, imported_at FROM imports WHERE side = $1 AND sha256 = $2", [side.rawValue, sha256])
        if let row = earlier.first { return .alreadyImported(path: row[0] ?? "", at: row[1] ?? "") }
        let importId =
            try connection.execute(
                """
                INSERT INTO imports (side, path, sha256, imported_at, records, added, rejected)
                VALUES ($1, $2, $3, $4, 0, 0, 0) RETURNING id
                """, [side.rawValue, path, sha256, importedAt]
            ).first?[0] ?? "0"
        let (table, open) = side.tables
        let before = try connection.execute("SELECT coalesce(max(id), 0) FROM \(table)").first?[0] ?? "0"
        var sink = try PostgresSink(connection: connection, importId: importId, path: path, direct: true)
        try read(sink)
        if try !sink.finish() {
            sink = try PostgresSink(connection: connection, importId: importId, path: path, direct: false)
            try read(sink)
            _ = try sink.finish()
        }
        // the rows this import added are open: under the writers' lock, every row numbered after
        // the highest before it
        try connection.execute("INSERT INTO \(open) SELECT id FROM \(table) WHERE id > $1", [before])
        // the planner's statistics brought up to date (a sample, whatever the table's size): with
        // the empty store's, reading a million open rows back was planned as hash joins spilled
        // to disk and a sort, not one merge over both keys' order (2.5 s against 1.2 s)
        try connection.execute("ANALYZE \(table); ANALYZE \(open)")
        try connection.execute(
            "UPDATE imports SET records = $1, added = $2, rejected = $3 WHERE id = $4",
            [String(sink.records), String(sink.added), String(sink.rejects.count), importId])
        return .imported(
            records: sink.records, added: sink.added, known: sink.records - sink.added - sink.rejects.count,
            rejected: sink.rejects.count)
    }

    public func openPayments() throws(StoreError) -> StoredRecords<Payment> {
        var result = StoredRecords<Payment>()
        result.rows.reserveCapacity(try count(StoredRows.openPaymentsCount))
        var texts = StoredRows.Texts()
        let name = connection.name
        try connection.forEachRow(StoredRows.openPayments) { row throws(StoreError) in
            try StoredRows.payment(row, to: &result, store: name, texts: &texts)
        }
        return result
    }

    public func openSettlement() throws(StoreError) -> StoredRecords<SettlementRecord> {
        try settlement(StoredRows.openSettlement, count: try count(StoredRows.openSettlementCount))
    }

    private func count(_ query: String) throws(StoreError) -> Int {
        Int(try connection.execute(query).first?[0] ?? "0") ?? 0
    }

    private func settlement(_ query: String, count: Int = 0) throws(StoreError) -> StoredRecords<SettlementRecord> {
        var result = StoredRecords<SettlementRecord>()
        result.rows.reserveCapacity(count)
        var texts = StoredRows.Texts()
        let name = connection.name
        try connection.forEachRow(query) { row throws(StoreError) in
            try StoredRows.settlement(row, to: &result, store: name, texts: &texts)
        }
        return result
    }

    public func settlementRecords(inBatches batches: Set<String>) throws(StoreError) -> StoredRecords<SettlementRecord>
    {
        guard !batches.isEmpty else { return StoredRecords() }
        try loadTemporary("batch_ids", batches)
        return try settlement(StoredRows.batchSettlement)
    }

    public func runsThatSettled(keys: Set<String>) throws(StoreError) -> [String: Int64] {
        guard !keys.isEmpty else { return [:] }
        try loadTemporary("wanted_keys", keys.filter { !$0.isEmpty })
        var runs: [String: Int64] = [:]
        let rows = try connection.execute(
            """
            SELECT w.key, min(c.run) FROM wanted_keys w
            JOIN payments p ON p.key = w.key OR p.provider_id = w.key
            JOIN payment_closures c ON c.id = p.id
            GROUP BY w.key
            """)
        for row in rows { if let key = row[0], let run = row[1].flatMap({ Int64($0) }) { runs[key] = run } }
        return runs
    }

    /// A temporary one-column table holding `values`, loaded by COPY.
    private func loadTemporary(_ table: String, _ values: some Collection<String>) throws(StoreError) {
        let values = Array(values)
        try loadTemporary(table, columns: ["key"], count: values.count) { [values[$0]] }
    }

    public func forEachUnresolvedException(_ body: (ExceptionRow) throws -> Void) throws {
        var failure: (any Error)?
        try connection.forEachRow(Self.unresolvedExceptions) { row throws(StoreError) in
            guard failure == nil else { return }
            do { try body(Self.exception(row)) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    public func loadTemporary(
        _ table: String, columns: [String], count: Int, row: (Int) -> [String?]
    ) throws(StoreError) {
        let list = columns.joined(separator: ", ")
        try connection.execute(Self.createTemporary(table, columns: columns) + "; TRUNCATE \(table)")
        try connection.beginCopy("COPY \(table) (\(list)) FROM STDIN")
        for k in 0..<count {
            for value in row(k) { connection.field(value) }
            try connection.endRow()
        }
        try connection.endCopy()
        try connection.execute("ANALYZE \(table)")
    }

    public func save(_ run: RunToSave) throws(StoreError) -> Int64 {
        let id =
            try connection.execute(
                """
                INSERT INTO runs (id, started_at, summary, exit_status, payments_open, settlement_open, matched,
                    discrepancies, business_date, breaches)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id
                """,
                [
                    String(try nextRun()), run.startedAt, run.summary, String(run.exitStatus), String(run.paymentsOpen),
                    String(run.settlementOpen), String(run.matched), String(run.discrepancies), run.businessDate,
                    run.breaches.joined(separator: "\n"),
                ]
            ).first?[0] ?? "0"
        for file in run.outputs {
            let hex = Audit.hex(file.content, prefix: "\\x")  // a bytea literal
            try connection.execute(
                "INSERT INTO run_outputs (run_id, name, content) VALUES ($1, $2, $3::bytea)", [id, file.name, hex])
        }
        for (table, rows, open) in [
            ("payment", run.closedPayments, run.stillOpenPayments),
            ("settlement", run.closedSettlement, run.stillOpenSettlement),
        ] {
            try close(rows, in: table, leaving: open, run: Int64(id) ?? 0)
        }
        return Int64(id) ?? 0
    }

    /// Closes `rows` of `table`'s open rows by run `run`, copied straight into the closures. A
    /// night closes most of what it read: then the open table is emptied and the rows left open
    /// (`open`, when they and `rows` are all it holds) copied back, rather than a million rows
    /// deleted by a join.
    private func close(_ rows: [Int64], in table: String, leaving open: [Int64], run: Int64) throws(StoreError) {
        let openTable = table == "payment" ? "open_payments" : "open_settlement"
        try copy(rows, into: "\(table)_closures (id, run)", run: run)
        if open.count < rows.count, try count("SELECT count(*) FROM \(openTable)") == rows.count + open.count {
            try connection.execute("DELETE FROM \(openTable)")
            try copy(open, into: "\(openTable) (id)")
        } else {
            try connection.execute(
                "CREATE TEMP TABLE IF NOT EXISTS closing (id bigint NOT NULL); TRUNCATE closing")
            try copy(rows, into: "closing (id)")
            try connection.execute("ANALYZE closing")
            try connection.execute("DELETE FROM \(openTable) o USING closing c WHERE o.id = c.id")
        }
    }

    /// Copies row numbers into `target` (a table and its columns), each with `run` when given.
    private func copy(_ rows: [Int64], into target: String, run: Int64? = nil) throws(StoreError) {
        try connection.beginCopy("COPY \(target) FROM STDIN")
        for row in rows {
            connection.field(row)
            if let run { connection.field(run) }
            try connection.endRow()
        }
        try connection.endCopy()
    }

    public func runs() throws(StoreError) -> [RunRow] {
        try connection.execute(
            "SELECT id, started_at, summary, exit_status, business_date, breaches FROM runs ORDER BY id"
        ).map {
            RunRow(
                id: $0[0].flatMap { Int64($0) } ?? 0, startedAt: $0[1] ?? "", summary: $0[2] ?? "",
                exitStatus: $0[3].flatMap { Int32($0) } ?? 0, businessDate: $0[4], breaches: RunRow.lines($0[5]))
        }
    }

    public func outputs(run: Int64) throws(StoreError) -> [(name: String, content: [UInt8])] {
        try connection.execute(
            "SELECT name, encode(content, 'hex') FROM run_outputs WHERE run_id = $1 ORDER BY name", [String(run)]
        ).map { row throws(StoreError) in
            let hex = Array((row[1] ?? "").utf8)
            var bytes: [UInt8] = []
            bytes.reserveCapacity(hex.count / 2)
            var k = 0
            while k + 1 < hex.count {
                bytes.append(Self.nibble(hex[k]) << 4 | Self.nibble(hex[k + 1]))
                k += 2
            }
            return (row[0] ?? "", try StoredOutput.expanded(bytes, name: row[0] ?? ""))
        }
    }

    static func nibble(_ c: UInt8) -> UInt8 { c >= 0x61 ? c - 0x61 + 10 : c - 0x30 }

    public func counts() throws(StoreError) -> (imports: Int, payments: Int, settlement: Int) {
        let row =
            try connection.execute(
                """
                SELECT (SELECT count(*) FROM imports), (SELECT count(*) FROM payments),
                    (SELECT count(*) FROM settlement_records)
                """
            ).first ?? []
        func n(_ k: Int) -> Int { k < row.count ? row[k].flatMap { Int($0) } ?? 0 : 0 }
        return (n(0), n(1), n(2))
    }
}

/// An import's records streamed by COPY, in one of two ways.
///
/// Directly (`direct`): every row goes straight into its table as `base#1`, inside a savepoint.
/// That is the nightly case, a new file of new records, and the server does each row once.
/// When a base repeats within the file or is already in the store, the identity index refuses
/// the COPY; the savepoint is rolled back and `finish` says so, and the store reads the file
/// again the careful way.
///
/// Carefully: rows go into a staging table under their identities (`base#n`, numbered here as
/// they come), and `finish` adds what the store lacks with an anti-join, in the staging
/// table's (file) order. The writers' advisory lock makes both ways race-free.
final class PostgresSink: RecordSink {
    private let connection: PostgresConnection
    private let importId: String
    /// The file this import reads: its records' file is stored as '' (see `ImportRows.fileText`).
    private let imported: SourceFile
    private let direct: Bool
    private var copying: ImportRows.Table?
    /// Occurrences of each identity's base in this file so far (careful way only).
    private var occurrences: [String: Int] = [:]
    private(set) var records = 0
    private(set) var added = 0
    private(set) var rejects: [Reject] = []

    init(connection: PostgresConnection, importId: String, path: String, direct: Bool) throws(StoreError) {
        self.connection = connection
        self.importId = importId
        imported = SourceFile(path)
        self.direct = direct
        if direct { return }
        // typed as the tables they feed
        let columns = { (table: ImportRows.Table) in ImportRows.columns(table).joined(separator: ", ") }
        try connection.execute(
            """
            CREATE TEMP TABLE IF NOT EXISTS staged_payments AS
                SELECT 0::BIGINT AS seq, identity AS base, \(columns(.payments)) FROM payments WITH NO DATA;
            CREATE TEMP TABLE IF NOT EXISTS staged_records AS
                SELECT 0::BIGINT AS seq, identity AS base, \(columns(.settlement)) FROM settlement_records WITH NO DATA;
            TRUNCATE staged_payments; TRUNCATE staged_records
            """)
    }

    private static func name(_ table: ImportRows.Table) -> String {
        table == .payments ? "payments" : "settlement_records"
    }

    private func start(_ table: ImportRows.Table) throws(StoreError) {
        if copying == table { return }
        guard copying == nil else { throw StoreError(.unavailable, "one file holds both payments and settlement") }
        copying = table
        let columns = ImportRows.columns(table).joined(separator: ", ")
        if direct {
            try connection.execute("SAVEPOINT direct_import")
            try connection.beginCopy("COPY \(Self.name(table)) (identity, import_id, \(columns)) FROM STDIN")
        } else {
            try connection.beginCopy(
                "COPY \(table == .payments ? "staged_payments" : "staged_records") (seq, base, \(columns)) FROM STDIN")
        }
    }

    func add(_ rows: borrowing ImportRows) throws(StoreError) {
        guard !rows.isEmpty else { return }
        try start(rows.table)
        let c = connection
        let width = rows.width
        let importId = Int64(self.importId) ?? 0
        try rows.bytes.withUnsafeBufferPointer { bytes throws(StoreError) in
            for row in 0..<rows.count {
                records += 1
                let first = row * width
                if direct {
                    c.field(rows.cells[first], in: bytes)
                    c.field(importId)
                } else {
                    let base = rows.base(row)
                    let n = occurrences[base, default: 0] + 1
                    occurrences[base] = n
                    c.field(Int64(records))
                    c.field(base + "#\(n)")
                }
                for k in 1..<width {
                    let cell = rows.cells[first + k]
                    if cell.length == ImportRows.Cell.fileTag {
                        c.field(text: rows.fileText(cell, imported: imported))
                    } else {
                        c.field(cell, in: bytes)
                    }
                }
                try c.endRow()
            }
        }
    }

    func reject(_ reject: Reject) throws(StoreError) {
        records += 1
        rejects.append(reject)  // stored at `finish`: nothing else may run while a COPY is open
    }

    /// Ends the import; false when the direct way met a known or repeated identity (nothing
    /// stays of it: read the file again with a careful sink).
    func finish() throws(StoreError) -> Bool {
        if direct {
            if copying != nil {
                do throws(StoreError) {
                    added += try connection.endCopy()
                } catch  where error.sqlState == "23505" {  // unique_violation
                    try connection.execute("ROLLBACK TO SAVEPOINT direct_import")
                    return false
                }
            }
        } else {
            if copying != nil { _ = try connection.endCopy() }
            for table in [ImportRows.Table.payments, .settlement] {
                let columns = ImportRows.columns(table).joined(separator: ", ")
                added += try connection.executeCount(
                    """
                    INSERT INTO \(Self.name(table)) (identity, import_id, \(columns))
                    SELECT base, $1, \(columns)
                    FROM \(table == .payments ? "staged_payments" : "staged_records") s
                    WHERE NOT EXISTS (SELECT 1 FROM \(Self.name(table)) t WHERE t.identity = s.base)
                    """, [importId])
            }
        }
        for reject in rejects {
            try connection.execute(
                "INSERT INTO import_rejects (import_id, source, field, reason) VALUES ($1, $2, $3, $4)",
                [importId, reject.source.description, reject.field, reject.reason])
        }
        return true
    }
}
