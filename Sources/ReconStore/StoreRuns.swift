public import PaymentModels

/// Payments or settlement records as the store holds them: the values in their compact table
/// (what the matching engine takes, without a copy: never an array of models), and their row
/// numbers (what a run closes them by, in the order read: ascending for the open records).
public struct StoredRecords<Record: TableRecord>: Sendable {
    public internal(set) var records = Record.makeTable()
    public internal(set) var rows: [Int64] = []

    public var count: Int { records.count }
    public var indices: Range<Int> { 0..<records.count }
}

/// One saved run, as `recon runs` lists it.
public struct RunRow: Sendable, Equatable {
    public var id: Int64
    public var startedAt: String
    public var summary: String
    /// The exit code the run ended with: a nightly job's, thresholds included.
    public var exitStatus: Int32
    /// The night (`recon run --date`, YYYY-MM-DD); nil for a `reconcile --store` run.
    public var businessDate: String?
    /// The thresholds the run exceeded.
    public var breaches: [String] = []
}

extension RunRow {
    /// The breaches column: one per line, none when empty or NULL.
    static func lines(_ text: String?) -> [String] {
        (text ?? "").split(separator: "\n").map(String.init)
    }
}

/// What a run saves: its summary, its report files, and the records it closed.
public struct RunToSave: Sendable {
    public var startedAt: String
    public var summary: String
    public var exitStatus: Int32
    public var businessDate: String?
    public var breaches: [String] = []
    public var paymentsOpen: Int
    public var settlementOpen: Int
    public var matched: Int
    public var discrepancies: Int
    /// The report files as written (name and bytes), so `recon report RUN` gives them back.
    public var outputs: [(name: String, content: [UInt8])]
    /// The rows (`StoredRecords.rows`) the run closes.
    public var closedPayments: [Int64]
    public var closedSettlement: [Int64]
    /// The open rows the run read and leaves open (with the closed ones, every open row): when
    /// they are fewer than the closed ones, the store may empty its open table and put them back.
    public var stillOpenPayments: [Int64] = []
    public var stillOpenSettlement: [Int64] = []

    public init(
        startedAt: String, summary: String, exitStatus: Int32, businessDate: String? = nil, breaches: [String] = [],
        paymentsOpen: Int, settlementOpen: Int, matched: Int,
        discrepancies: Int, outputs: [(name: String, content: [UInt8])], closedPayments: [Int64],
        closedSettlement: [Int64]
    ) {
        self.businessDate = businessDate
        self.breaches = breaches
        self.startedAt = startedAt
        self.summary = summary
        self.exitStatus = exitStatus
        self.paymentsOpen = paymentsOpen
        self.settlementOpen = settlementOpen
        self.matched = matched
        self.discrepancies = discrepancies
        self.outputs = outputs
        self.closedPayments = closedPayments
        self.closedSettlement = closedSettlement
    }
}

extension SQLiteStore {
    /// Payments no run has settled yet, in import order.
    public func openPayments() throws(StoreError) -> StoredRecords<Payment> {
        try database.withSmallCache { () throws(StoreError) in
            let rows = try database.prepare(StoredRows.openPayments)
            try rows.bind([])
            var result = StoredRecords<Payment>()
            // counted first (through the open index): a million rows appended to a growing array
            // were copied over and over
            result.rows.reserveCapacity(Int(try database.integer(StoredRows.openPaymentsCount) ?? 0))
            var texts = StoredRows.Texts()
            while try rows.step() { try StoredRows.payment(rows, to: &result, store: database.path, texts: &texts) }
            return result
        }
    }

    /// Settlement records no run has matched yet, in import order.
    public func openSettlement() throws(StoreError) -> StoredRecords<SettlementRecord> {
        try settlement(StoredRows.openSettlement, count: try database.integer(StoredRows.openSettlementCount))
    }

    /// The settlement records a query of `StoredRows`' shape returns.
    private func settlement(_ query: String, count: Int64? = nil) throws(StoreError) -> StoredRecords<SettlementRecord>
    {
        try database.withSmallCache { () throws(StoreError) in
            let rows = try database.prepare(query)
            try rows.bind([])
            var result = StoredRecords<SettlementRecord>()
            result.rows.reserveCapacity(Int(count ?? 0))
            var texts = StoredRows.Texts()
            while try rows.step() {
                try StoredRows.settlement(rows, to: &result, store: database.path, texts: &texts)
            }
            return result
        }
    }

    public func settlementRecords(inBatches batches: Set<String>) throws(StoreError) -> StoredRecords<SettlementRecord>
    {
        guard !batches.isEmpty else { return StoredRecords() }
        try database.execute("CREATE TEMP TABLE IF NOT EXISTS batch_ids (key TEXT NOT NULL); DELETE FROM batch_ids")
        let insert = try database.prepare("INSERT INTO batch_ids (key) VALUES (?)")
        for batch in batches {
            try insert.bind([.text(batch)])
            try insert.finish()
        }
        return try settlement(StoredRows.batchSettlement)
    }

    /// For each of `keys` that is the primary key or the provider id of a payment an earlier run
    /// settled, the first such run. One scan of the settled payments, whatever the number of
    /// keys (there is no key index; see StoreSchema), through a small cache.
    public func runsThatSettled(keys: Set<String>) throws(StoreError) -> [String: Int64] {
        // a store no run has closed a payment in (its first nights) has nothing to scan for
        guard !keys.isEmpty, try database.integer("SELECT EXISTS (SELECT 1 FROM payment_closures)") == 1 else {
            return [:]
        }
        try database.execute(
            "CREATE TEMP TABLE IF NOT EXISTS wanted_keys (key TEXT PRIMARY KEY); DELETE FROM wanted_keys;")
        let insert = try database.prepare("INSERT OR IGNORE INTO wanted_keys (key) VALUES (?)")
        for key in keys where !key.isEmpty { try insert.run([.text(key)]) }
        return try database.withSmallCache { () throws(StoreError) in  // a scan of every payment
            let rows = try database.prepare(
                """
                SELECT p.key, p.provider_id, c.run FROM payments p JOIN payment_closures c ON c.id = p.id
                WHERE p.key IN wanted_keys OR p.provider_id IN wanted_keys
                """)
            try rows.bind([])
            var runs: [String: Int64] = [:]
            while try rows.step() {
                guard let run = rows.integer(2) else { continue }
                for key in [rows.text(0), rows.text(1)].compactMap({ $0 }) where keys.contains(key) {
                    runs[key] = min(runs[key] ?? run, run)
                }
            }
            return runs
        }
    }

    /// Saves a run: its row, its report files, and closes the records it settled.
    public func save(_ run: RunToSave) throws(StoreError) -> Int64 {
        try database.prepare(
            """
            INSERT INTO runs (id, started_at, summary, exit_status, payments_open, settlement_open, matched,
                discrepancies, business_date, breaches)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """
        ).run([
            .integer(try nextRun()), .text(run.startedAt), .text(run.summary), .integer(Int64(run.exitStatus)),
            .integer(Int64(run.paymentsOpen)),
            .integer(Int64(run.settlementOpen)), .integer(Int64(run.matched)), .integer(Int64(run.discrepancies)),
            run.businessDate.map { .text($0) } ?? .null, .text(run.breaches.joined(separator: "\n")),
        ])
        let id = try database.integer("SELECT last_insert_rowid()")!
        let output = try database.prepare("INSERT INTO run_outputs (run_id, name, content) VALUES (?, ?, ?)")
        for file in run.outputs { try output.run([.integer(id), .text(file.name), .blob(file.content)]) }
        // by row number, one statement per table: out of the open rows, into the run's closures
        // (narrow tables: see StoreSchema's sixth migration)
        for (table, rows, open) in [
            ("payment", run.closedPayments, run.stillOpenPayments),
            ("settlement", run.closedSettlement, run.stillOpenSettlement),
        ] {
            try close(rows, in: table, leaving: open, run: id)
        }
        return id
    }

    /// Closes `rows` of `table`'s open rows by run `run`. A night closes most of what it read:
    /// then the open table is emptied and the rows left open (`open`, when they and `rows` are
    /// all it holds) put back, rather than a million rows deleted one by one.
    private func close(_ rows: [Int64], in table: String, leaving open: [Int64], run: Int64) throws(StoreError) {
        let openTable = table == "payment" ? "open_payments" : "open_settlement"
        try database.prepare("INSERT INTO \(table)_closures (id, run) SELECT value, ? FROM json_each(?)").run([
            .integer(run), .text(Self.jsonArray(rows)),
        ])
        if open.count < rows.count,
            try database.integer("SELECT count(*) FROM \(openTable)") == Int64(rows.count + open.count)
        {
            try database.execute("DELETE FROM \(openTable)")
            try database.prepare("INSERT INTO \(openTable) (id) SELECT value FROM json_each(?)").run([
                .text(Self.jsonArray(open))
            ])
        } else {
            try database.prepare("DELETE FROM \(openTable) WHERE id IN (SELECT value FROM json_each(?))").run([
                .text(Self.jsonArray(rows))
            ])
        }
    }

    /// Row numbers as one JSON array, unpacked by SQLite's `json_each`: a statement per row was a
    /// quarter of closing a million.
    static func jsonArray(_ rows: [Int64]) -> String {
        var list = "["
        list.reserveCapacity(rows.count * 8 + 2)
        for (k, row) in rows.enumerated() { list += k == 0 ? String(row) : "," + String(row) }
        return list + "]"
    }

    /// Every saved run, oldest first.
    public func runs() throws(StoreError) -> [RunRow] {
        let rows = try database.prepare(
            "SELECT id, started_at, summary, exit_status, business_date, breaches FROM runs ORDER BY id")
        try rows.bind([])
        var result: [RunRow] = []
        while try rows.step() {
            result.append(
                RunRow(
                    id: rows.integer(0) ?? 0, startedAt: rows.text(1) ?? "", summary: rows.text(2) ?? "",
                    exitStatus: Int32(rows.integer(3) ?? 0), businessDate: rows.text(4),
                    breaches: RunRow.lines(rows.text(5))))
        }
        return result
    }

    /// The report files a run saved, as written; empty when there is no such run.
    public func outputs(run: Int64) throws(StoreError) -> [(name: String, content: [UInt8])] {
        let rows = try database.prepare("SELECT name, content FROM run_outputs WHERE run_id = ? ORDER BY name")
        try rows.bind([.integer(run)])
        var result: [(name: String, content: [UInt8])] = []
        while try rows.step() {
            let name = rows.text(0) ?? ""
            result.append((name, try StoredOutput.expanded(rows.blob(1), name: name)))
        }
        return result
    }
}
