public import PaymentModels

/// Which side of the reconciliation an imported file holds.
public enum ImportSide: String, Sendable {
    case payments, settlement
}

extension ImportSide {
    /// The side's table of rows, and its table of the open rows' numbers.
    var tables: (rows: String, open: String) {
        self == .payments ? ("payments", "open_payments") : ("settlement_records", "open_settlement")
    }
}

/// What importing one file did.
public enum ImportOutcome: Sendable, Equatable {
    /// The same content (by SHA-256) was imported before: nothing changed.
    case alreadyImported(path: String, at: String)
    /// `added` new records; `known` were already in the store from an overlapping file.
    case imported(records: Int, added: Int, known: Int, rejected: Int)
}

/// The embedded store: one SQLite file, created and migrated on first use, in WAL mode.
/// Every import and every run is one immediate write transaction, so a killed process leaves
/// the store as it was, and a second writer waits for the first (and is told it waited).
public final class SQLiteStore: Store {
    let database: SQLiteDatabase
    let holder: StoreHolder

    public init(path: String) throws(StoreError) {
        database = try SQLiteDatabase(path: path)
        holder = StoreHolder(store: path)
        // 16 KiB pages (a new store's; an existing one keeps its own): fewer page splits and
        // writes per imported row, 5-10% of an import. WAL: readers never block the writer;
        // NORMAL sync is safe with WAL (a crash loses at most the last commit, never the
        // store); 256 MiB of cache keeps a night's indexes in memory
        try database.execute(
            """
            PRAGMA page_size = 16384; PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON;
            PRAGMA synchronous = NORMAL; PRAGMA cache_size = \(SQLiteDatabase.cacheSize);
            """)
        // an up-to-date store is opened without writing, so opening never waits for a run
        if try database.integer("PRAGMA user_version") == StoreSchema.version { return }
        try database.beginImmediate(onWait: {}, holder: holder)
        do throws(StoreError) {
            let version = try database.integer("PRAGMA user_version") ?? 0
            guard version <= StoreSchema.version else {
                throw StoreError(
                    .newerSchema,
                    "the store \(path) has schema version \(version), written by a newer recon; this recon "
                        + "knows versions up to \(StoreSchema.version). Use the newer recon, or another store")
            }
            for (k, migration) in StoreSchema.migrations.enumerated() where Int64(k) >= version {
                try database.execute(migration)
            }
            try database.execute("PRAGMA user_version = \(StoreSchema.version); COMMIT")
        } catch {
            try? database.execute("ROLLBACK")
            throw error
        }
    }

    /// Runs `body` in one write transaction: committed when it returns and `commit` is true,
    /// rolled back when it throws or `commit` is false (a dry run). `onWait` is called when
    /// another writer holds the store and this one has to wait for it.
    public func writeTransaction<T>(commit: Bool, onWait: () -> Void, _ body: () throws -> T) throws -> T {
        try database.beginImmediate(onWait: onWait, holder: holder)
        defer { holder.withdraw() }
        do {
            let result = try body()
            try database.execute(commit ? "COMMIT" : "ROLLBACK")
            return result
        } catch {
            try? database.execute("ROLLBACK")
            throw error
        }
    }

    public func announce(_ what: String) throws(StoreError) { holder.announce(what) }

    public func query(_ sql: String, _ parameters: [String?]) throws(StoreError) -> [[String?]] {
        // `$n` as SQLite's plain `?` (the parameters come each once, in order): SQLite keeps `$n`
        // and `?n` as names, looked up one by one, and a statement of a few thousand took seconds.
        // Prepared once per text: a night records its exceptions by the same statement of 200
        // rows (2,800 parameters) hundreds of times, and preparing it was most of the time
        let statement = try database.prepareCached(sql) { sql in
            var plain = ""
            var inNumber = false
            for character in sql {
                if character == "$" {
                    plain.append("?")
                    inNumber = true
                } else if !(inNumber && character.isASCII && character.isNumber) {
                    plain.append(character)
                    inNumber = false
                }
            }
            return plain
        }
        try statement.bind(parameters.map { $0.map(SQLiteDatabase.Value.text) ?? .null })
        var rows: [[String?]] = []
        while try statement.step() {
            rows.append((0..<statement.columnCount).map { statement.text($0) })
        }
        return rows
    }

    public func forEachUnresolvedException(_ body: (ExceptionRow) throws -> Void) throws {
        let rows = try database.prepare(Self.unresolvedExceptions)
        try rows.bind([])
        while try rows.step() { try body(Self.exception(rows)) }
    }

    public func loadTemporary(
        _ table: String, columns: [String], count: Int, row: (Int) -> [String?]
    ) throws(StoreError) {
        let list = columns.joined(separator: ", ")
        try database.execute(Self.createTemporary(table, columns: columns) + "; DELETE FROM \(table)")
        let insert = try database.prepareCached(
            "INSERT INTO \(table) (\(list)) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))")
        for k in 0..<count {
            insert.reset()
            for (c, value) in row(k).enumerated() { insert.bind(Int32(c + 1), value) }
            try insert.finish()
        }
    }

    public func nextRun() throws(StoreError) -> Int64 {
        try database.integer("SELECT coalesce(max(id), 0) + 1 FROM runs") ?? 1
    }

    /// Imports one file inside the caller's transaction: `read` is handed a sink and streams
    /// the file's records into it. A file whose content was imported before changes nothing.
    public func importInTransaction(
        side: ImportSide, path: String, sha256: String, importedAt: String, read: (any RecordSink) throws -> Void
    ) throws -> ImportOutcome {
        let earlier = try database.prepare("SELECT path, imported_at FROM imports WHERE side = ? AND sha256 = ?")
        try earlier.bind([.text(side.rawValue), .text(sha256)])
        if try earlier.step() {
            return .alreadyImported(path: earlier.text(0) ?? "", at: earlier.text(1) ?? "")
        }
        try database.prepare(
            """
            INSERT INTO imports (side, path, sha256, imported_at, records, added, rejected)
            VALUES (?, ?, ?, ?, 0, 0, 0)
            """
        ).run([.text(side.rawValue), .text(path), .text(sha256), .text(importedAt)])
        let importId = try database.integer("SELECT last_insert_rowid()")!
        let (table, open) = side.tables
        let before = try database.integer("SELECT coalesce(max(id), 0) FROM \(table)") ?? 0
        let sink = try ImportSink(database: database, importId: importId, path: path)
        try read(sink)
        // the rows this import added are open: in this write transaction, every row numbered
        // after the highest before it
        try database.prepare("INSERT INTO \(open) SELECT id FROM \(table) WHERE id > ?").run([.integer(before)])
        try database.prepare("UPDATE imports SET records = ?, added = ?, rejected = ? WHERE id = ?").run([
            .integer(Int64(sink.records)), .integer(Int64(sink.added)), .integer(Int64(sink.rejects.count)),
            .integer(importId),
        ])
        return .imported(
            records: sink.records, added: sink.added, known: sink.records - sink.added - sink.rejects.count,
            rejected: sink.rejects.count)
    }

    /// Counts of what the store holds: imported files, payments, settlement records.
    public func counts() throws(StoreError) -> (imports: Int, payments: Int, settlement: Int) {
        (
            Int(try database.integer("SELECT count(*) FROM imports") ?? 0),
            Int(try database.integer("SELECT count(*) FROM payments") ?? 0),
            Int(try database.integer("SELECT count(*) FROM settlement_records") ?? 0)
        )
    }
}
