import CLibPQ

/// One PostgreSQL connection through libpq: statements with text parameters and results, and
/// COPY for bulk loads. Not shared between threads.
final class PostgresConnection {
    private let connection: OpaquePointer
    /// The server, without the password, for messages.
    let name: String

    init(url: String) throws(StoreError) {
        name = StoreLocation.redacted(url)
        guard let connection = PQconnectdb(url) else { throw StoreError(.unavailable, "libpq could not start") }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(connection)).trimmingCharacters
            PQfinish(connection)
            throw StoreError(.unavailable, "cannot connect to the PostgreSQL store \(name): \(message)")
        }
        self.connection = connection
        _ = try? execute("SET client_min_messages = warning")
    }

    deinit { PQfinish(connection) }

    /// Runs a statement with text parameters (nil is NULL); its rows as text (nil for NULL).
    @discardableResult
    func execute(_ sql: String, _ parameters: [String?] = []) throws(StoreError) -> [[String?]] {
        // without parameters, PQexec: it runs several statements at once (schema scripts)
        let result =
            parameters.isEmpty
            ? PQexec(connection, sql)
            : withParameters(parameters) { values in
                PQexecParams(connection, sql, Int32(parameters.count), nil, values, nil, nil, 0)
            }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else { throw failure(result) }
        var rows: [[String?]] = []
        for r in 0..<PQntuples(result) {
            rows.append(
                (0..<PQnfields(result)).map { c in
                    PQgetisnull(result, r, c) == 1 ? nil : String(cString: PQgetvalue(result, r, c))
                })
        }
        return rows
    }

    /// Runs a query through a cursor, `batch` rows at a time, and
    /// hands each row to `body`: a million open rows read at once held them all twice (libpq's
    /// result and its text), 2.2 GB for a million-row night.
    func forEachRow(
        _ sql: String, batch: Int = 10_000, _ body: (ResultRow) throws(StoreError) -> Void
    ) throws(StoreError) {
        // a cursor lives in a transaction: its own when the caller is in none
        let own = PQtransactionStatus(connection) == PQTRANS_IDLE
        if own { try execute("BEGIN") }
        defer { if own { _ = try? execute("COMMIT") } }
        // every row will be read: planned for all of them, not for the first tenth (a cursor's
        // default, which chose an index lookup per row over one pass)
        try execute("SET LOCAL cursor_tuple_fraction = 1.0")
        try execute("DECLARE recon_rows NO SCROLL CURSOR FOR " + sql)
        while true {
            let result = PQexec(connection, "FETCH \(batch) FROM recon_rows")
            defer { PQclear(result) }
            guard PQresultStatus(result) == PGRES_TUPLES_OK else { throw failure(result) }
            let count = PQntuples(result)
            if count == 0 { break }
            for r in 0..<count { try body(ResultRow(result: result, row: r)) }
        }
        try execute("CLOSE recon_rows")
    }

    /// One row of a result, its values read where libpq holds them: a text made a `String` only
    /// when asked for, a number parsed from its digits without one.
    struct ResultRow: StoreRowBytes {
        let result: OpaquePointer?
        let row: Int32

        func text(_ column: Int32) -> String? {
            PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column))
        }

        func bytes(_ column: Int32) -> UnsafeRawBufferPointer? {
            guard PQgetisnull(result, row, column) == 0, let value = PQgetvalue(result, row, column) else {
                return nil
            }
            return UnsafeRawBufferPointer(start: value, count: Int(PQgetlength(result, row, column)))
        }

        func integer(_ column: Int32) -> Int64? {
            guard PQgetisnull(result, row, column) == 0, let digits = PQgetvalue(result, row, column) else {
                return nil
            }
            var end: UnsafeMutablePointer<CChar>?
            errno = 0
            let value = strtoll(digits, &end, 10)
            guard errno == 0, let end, end != digits, end.pointee == 0 else { return nil }
            return Int64(value)
        }
    }

    /// The number of rows the last statement of this kind changed (`INSERT ... 0 5` is 5).
    func executeCount(_ sql: String, _ parameters: [String?] = []) throws(StoreError) -> Int {
        let result = withParameters(parameters) { values in
            PQexecParams(connection, sql, Int32(parameters.count), nil, values, nil, nil, 0)
        }
        defer { PQclear(result) }
        guard PQresultStatus(result) == PGRES_COMMAND_OK else { throw failure(result) }
        return Int(String(cString: PQcmdTuples(result))) ?? 0
    }

    private func withParameters<R>(
        _ parameters: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R
    ) -> R {
        let copies = parameters.map { $0.map { strdup($0) } ?? nil }
        defer { for copy in copies { free(copy) } }
        return copies.map { UnsafePointer($0) }.withUnsafeBufferPointer { body($0.baseAddress) }
    }

    private func failure(_ result: OpaquePointer?) -> StoreError {
        let message = result.flatMap { PQresultErrorMessage($0) }.map { String(cString: $0) } ?? ""
        let text = message.isEmpty ? String(cString: PQerrorMessage(connection)) : message
        var error = StoreError(.unavailable, "the PostgreSQL store \(name) failed: \(text.trimmingCharacters)")
        let sqlState = Int32(UInt8(ascii: "C"))  // PG_DIAG_SQLSTATE, a character macro Swift does not import
        error.sqlState = result.flatMap { PQresultErrorField($0, sqlState) }.map { String(cString: $0) }
        return error
    }

    /// Starts `COPY table (columns) FROM STDIN` (text format); then `field`s and `endRow` per
    /// row, and `endCopy`.
    func beginCopy(_ statement: String) throws(StoreError) {
        let result = PQexec(connection, statement)
        defer { PQclear(result) }
        guard PQresultStatus(result) == PGRES_COPY_IN else { throw failure(result) }
        copyOpen = true
    }

    private var copyOpen = false

    /// Ends a COPY left open by a failure, so that the transaction can be rolled back.
    func abandonCopy() {
        guard copyOpen else { return }
        copyOpen = false
        copyBuffer.removeAll(keepingCapacity: true)
        rowStarted = false
        _ = PQputCopyEnd(connection, "the import failed")
        while let result = PQgetResult(connection) { PQclear(result) }
    }

    /// Rows of the COPY in progress, sent in blocks of `copyBlock` bytes.
    private var copyBuffer: [UInt8] = []
    static let copyBlock = 1 << 20

    /// A row of the COPY in progress, field by field (text format; nil is NULL); `endRow` ends it.
    func field(_ text: String?) {
        separate()
        guard var text else {
            copyBuffer.append(contentsOf: [0x5C, 0x4E])  // \N
            return
        }
        text.withUTF8 { escape($0) }
    }

    /// A field from an import row: its text escaped as COPY's text format wants, its integer, or NULL.
    func field(_ cell: ImportRows.Cell, in bytes: UnsafeBufferPointer<UInt8>) {
        switch cell.length {
        case ImportRows.Cell.integerTag: return field(cell.value)
        case ImportRows.Cell.nullTag: return field(nil as Int64?)
        default: break
        }
        field(text: UnsafeBufferPointer(rebasing: bytes[Int(cell.value)..<Int(cell.value) + Int(cell.length)]))
    }

    /// A text field from bytes, escaped.
    func field(text: UnsafeBufferPointer<UInt8>) {
        separate()
        // most texts need no escape: copied at once
        if !text.contains(where: { $0 == 0x5C || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
            copyBuffer.append(contentsOf: text)
            return
        }
        escape(text)
    }

    private func escape(_ bytes: UnsafeBufferPointer<UInt8>) {
        for b in bytes {
            switch b {
            case 0x5C: copyBuffer.append(contentsOf: [0x5C, 0x5C])
            case 0x09: copyBuffer.append(contentsOf: [0x5C, 0x74])
            case 0x0A: copyBuffer.append(contentsOf: [0x5C, 0x6E])
            case 0x0D: copyBuffer.append(contentsOf: [0x5C, 0x72])
            default: copyBuffer.append(b)
            }
        }
    }

    /// An integer field, written as digits without a `String`.
    func field(_ number: Int64?) {
        separate()
        guard let number else {
            copyBuffer.append(contentsOf: [0x5C, 0x4E])
            return
        }
        // digits from the right end of a 20-byte scratch, then appended at once
        var magnitude = number.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { d in
            var start = 24
            repeat {
                start -= 1
                d[start] = UInt8(magnitude % 10) + 0x30
                magnitude /= 10
            } while magnitude > 0
            if number < 0 {
                start -= 1
                d[start] = 0x2D
            }
            copyBuffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: d[start...]))
        }
    }

    private var rowStarted = false

    private func separate() {
        if rowStarted { copyBuffer.append(0x09) }
        rowStarted = true
    }

    func endRow() throws(StoreError) {
        copyBuffer.append(0x0A)
        rowStarted = false
        if copyBuffer.count >= Self.copyBlock { try flushCopy() }
    }

    private func flushCopy() throws(StoreError) {
        guard !copyBuffer.isEmpty else { return }
        let status = copyBuffer.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { PQputCopyData(connection, $0.baseAddress, Int32($0.count)) }
        }
        copyBuffer.removeAll(keepingCapacity: true)
        guard status == 1 else { throw StoreError(.unavailable, "COPY to \(name) failed: \(lastError)") }
    }

    /// Ends the COPY: the number of rows it loaded.
    @discardableResult
    func endCopy() throws(StoreError) -> Int {
        try flushCopy()
        copyOpen = false
        guard PQputCopyEnd(connection, nil) == 1 else {
            throw StoreError(.unavailable, "COPY to \(name) failed: \(lastError)")
        }
        var rows = 0
        var failed: StoreError?
        while let result = PQgetResult(connection) {
            defer { PQclear(result) }
            if PQresultStatus(result) == PGRES_COMMAND_OK {
                rows += Int(String(cString: PQcmdTuples(result))) ?? 0
            } else if failed == nil {
                failed = failure(result)
            }
        }
        if let failed { throw failed }
        return rows
    }

    private var lastError: String { String(cString: PQerrorMessage(connection)).trimmingCharacters }
}

extension String {
    fileprivate var trimmingCharacters: String {
        var text = self
        while let last = text.last, last == "\n" || last == " " { text.removeLast() }
        return text
    }
}

#if canImport(Glibc)
    import Glibc
#endif
