import CSQLite

/// One SQLite connection through SQLite's C API: statements prepared, bound and stepped, and
/// every failure an error carrying SQLite's own message. Not shared between threads.
final class SQLiteDatabase {
    private let handle: OpaquePointer
    let path: String

    init(path: String) throws(StoreError) {
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
        sqlite3_busy_timeout(db, 60_000)  // a second run waits for the first (up to a minute)
    }

    deinit { sqlite3_close(handle) }

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

    func failure(_ what: String) -> StoreError {
        StoreError(.unavailable, "the store \(path) failed: \(what): \(String(cString: sqlite3_errmsg(handle)))")
    }

    enum Value {
        case integer(Int64)
        case text(String)
        case null
    }

    final class Statement {
        private let statement: OpaquePointer
        private let database: SQLiteDatabase

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
                case .text(let text):
                    status = text.utf8CString.withUnsafeBufferPointer {
                        recon_sqlite_bind_text(statement, index, $0.baseAddress, Int32($0.count - 1))
                    }
                }
                guard status == SQLITE_OK else { throw database.failure("cannot bind a value") }
            }
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

        func text(_ column: Int32) -> String? {
            guard let bytes = sqlite3_column_text(statement, column) else { return nil }
            return String(cString: bytes)
        }
    }
}
