import CSQLite

/// One SQLite connection through SQLite's C API: statements prepared, bound and stepped, and
/// every failure an error carrying SQLite's own message. Not shared between threads.
final class SQLiteDatabase {
    private let handle: OpaquePointer
    let path: String

    /// Set up once per process, before the first connection (Swift runs a static initializer
    /// once, thread-safely).
    private static let configured: Bool = { recon_sqlite_disable_memstatus() == SQLITE_OK }()

    init(path: String) throws(StoreError) {
        _ = Self.configured
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let status = sqlite3_open_v2(path, &db, flags, nil)
        guard status == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(db)
            throw StoreError(.unavailable, "cannot open the store \(path): \(message)")
        }
        handle = db
        self.path = path
        sqlite3_busy_timeout(db, Self.patienceMilliseconds)
    }

    /// How long a writer waits for another one (a second run for the first): ten minutes.
    static let patienceMilliseconds: Int32 = 600_000

    /// Starts a write transaction, at once when the store is free; otherwise calls `onWait`
    /// and waits (SQLite's busy timeout) for the writer that holds it.
    func beginImmediate(onWait: () -> Void, holder: StoreHolder) throws(StoreError) {
        sqlite3_busy_timeout(handle, 0)
        defer { sqlite3_busy_timeout(handle, Self.patienceMilliseconds) }
        let status = sqlite3_exec(handle, "BEGIN IMMEDIATE", nil, nil, nil)
        if status == SQLITE_OK { return }
        guard status == SQLITE_BUSY else { throw failure("cannot start a transaction") }
        onWait()
        let seconds = StoreWait.seconds
        sqlite3_busy_timeout(handle, Int32(seconds * 1000))
        let again = sqlite3_exec(handle, "BEGIN IMMEDIATE", nil, nil, nil)
        guard again == SQLITE_OK else {
            guard again == SQLITE_BUSY else { throw failure("cannot start a transaction") }
            let who = holder.current() ?? "another process writing it"
            throw StoreError(
                .busy,
                "the store \(path) is held by another run (\(who)) after waiting \(seconds) s; "
                    + "nothing was changed: run again later, or wait longer with RECON_STORE_WAIT_SECONDS")
        }
    }

    deinit { sqlite3_close_v2(handle) }  // closes once the cached statements are finalized too

    /// Runs SQL that returns no rows (several statements allowed).
    func execute(_ sql: String) throws(StoreError) {
        var message: UnsafeMutablePointer<CChar>?
        let status = sqlite3_exec(handle, sql, nil, nil, &message)
        guard status == SQLITE_OK else {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(message)
            throw StoreError(.unavailable, "the store \(path) failed: \(text)")
        }
    }

    func prepare(_ sql: String) throws(StoreError) -> Statement {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            throw failure("cannot prepare a statement")
        }
        return Statement(statement, database: self)
    }

    /// The first column of the first row, as an integer (nil when there is no row or it is NULL).
    func integer(_ sql: String, _ values: [Value] = []) throws(StoreError) -> Int64? {
        let statement = try prepare(sql)
        try statement.bind(values)
        guard try statement.step() else { return nil }
        return statement.integer(0)
    }

    var changes: Int { Int(sqlite3_changes(handle)) }

    /// The page cache the store opens with (256 MiB: a night's imports insert into indexes).
    static let cacheSize = "-262144"

    /// Runs `body` with 32 MiB of page cache, then the usual again: reading every open row passes
    /// over its pages once, and kept in a full cache they were a quarter of a night's peak memory
    /// (the usual is wanted again after: upserting millions of exceptions thrashed a small one).
    func withSmallCache<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        try execute("PRAGMA cache_size = -32768")
        defer { try? execute("PRAGMA cache_size = \(Self.cacheSize)") }
        return try body()
    }

    private var cached: [String: Statement] = [:]

    /// A statement prepared once per connection (for lookups repeated per record), from the
    /// text `rewrite` makes of `sql` (`sql` itself by default).
    func prepareCached(_ sql: String, rewrite: (String) -> String = { $0 }) throws(StoreError) -> Statement {
        if let statement = cached[sql] { return statement }
        let statement = try prepare(rewrite(sql))
        cached[sql] = statement
        return statement
    }

    func failure(_ what: String) -> StoreError {
        StoreError(.unavailable, "the store \(path) failed: \(what): \(String(cString: sqlite3_errmsg(handle)))")
    }

    enum Value {
        case integer(Int64)
        case text(String)
        case blob([UInt8])
        case null
    }

    final class Statement {
        private let statement: OpaquePointer
        /// Unowned: the database caches some statements, and outlives all of them.
        private unowned let database: SQLiteDatabase

        init(_ statement: OpaquePointer, database: SQLiteDatabase) {
            self.statement = statement
            self.database = database
        }

        deinit { sqlite3_finalize(statement) }

        func bind(_ values: [Value]) throws(StoreError) {
            sqlite3_reset(statement)
            for (k, value) in values.enumerated() {
                let index = Int32(k + 1)
                let status: Int32
                switch value {
                case .integer(let n): status = sqlite3_bind_int64(statement, index, n)
                case .null: status = sqlite3_bind_null(statement, index)
                case .blob(let bytes):
                    status = bytes.withUnsafeBytes {
                        recon_sqlite_bind_blob(statement, index, $0.baseAddress, Int32($0.count))
                    }
                case .text(let text): status = bind(index, text)
                }
                guard status == SQLITE_OK else { throw database.failure("cannot bind a value") }
            }
        }

        /// Typed binding for the hot paths (no array of values per row): call `reset`, bind each
        /// parameter by its 1-based index, then `finish`.
        func reset() { sqlite3_reset(statement) }

        /// Binds a text (copied by SQLite, from the string's own bytes: no C string made per value).
        @discardableResult
        func bind(_ index: Int32, _ text: String?) -> Int32 {
            guard var text else { return sqlite3_bind_null(statement, index) }
            return text.withUTF8 { bytes in
                // a null pointer would bind NULL, not the empty text
                guard let base = bytes.baseAddress, !bytes.isEmpty else {
                    return recon_sqlite_bind_text(statement, index, "", 0)
                }
                return recon_sqlite_bind_text(
                    statement, index, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), Int32(bytes.count))
            }
        }

        /// Binds an import row's cell: a text in place (no copy: the caller keeps `text` alive
        /// and unchanged until the statement has run), an integer or NULL.
        func bind(_ index: Int32, _ cell: ImportRows.Cell, in text: UnsafePointer<CChar>) {
            switch cell.length {
            case ImportRows.Cell.integerTag: sqlite3_bind_int64(statement, index, cell.value)
            case ImportRows.Cell.nullTag: sqlite3_bind_null(statement, index)
            default: bind(index, text + Int(cell.value), count: Int(cell.length))
            }
        }

        /// Binds `count` bytes at `text` in place, with the same promise as above.
        func bind(_ index: Int32, _ text: UnsafePointer<CChar>, count: Int) {
            recon_sqlite_bind_text_static(statement, index, text, Int32(count))
        }

        func bind(_ index: Int32, _ value: Int64?) {
            if let value { sqlite3_bind_int64(statement, index, value) } else { sqlite3_bind_null(statement, index) }
        }

        /// Runs a statement bound with the typed `bind`s to its end.
        func finish() throws(StoreError) {
            while try step() {}
        }

        /// One step: true when a row is ready, false when done.
        func step() throws(StoreError) -> Bool {
            switch sqlite3_step(statement) {
            case SQLITE_ROW: return true
            case SQLITE_DONE: return false
            default: throw database.failure("a statement failed")
            }
        }

        /// Binds `values` and runs the statement to its end.
        func run(_ values: [Value]) throws(StoreError) {
            try bind(values)
            while try step() {}
        }

        func integer(_ column: Int32) -> Int64? {
            sqlite3_column_type(statement, column) == SQLITE_NULL ? nil : sqlite3_column_int64(statement, column)
        }

        func blob(_ column: Int32) -> [UInt8] {
            let count = Int(sqlite3_column_bytes(statement, column))
            guard count > 0, let bytes = sqlite3_column_blob(statement, column) else { return [] }
            return Array(UnsafeRawBufferPointer(start: bytes, count: count))
        }

        func text(_ column: Int32) -> String? {
            guard let bytes = sqlite3_column_text(statement, column) else { return nil }
            return String(cString: bytes)
        }

        func bytes(_ column: Int32) -> UnsafeRawBufferPointer? {
            guard sqlite3_column_type(statement, column) != SQLITE_NULL,
                let text = sqlite3_column_text(statement, column)
            else { return nil }
            return UnsafeRawBufferPointer(start: text, count: Int(sqlite3_column_bytes(statement, column)))
        }

        var columnCount: Int32 { sqlite3_column_count(statement) }
    }
}
