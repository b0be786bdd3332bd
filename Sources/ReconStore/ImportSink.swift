import PaymentModels

/// Receives one file's records during an import and stores them under their identity: the
/// source's natural id where it has one (a payment's system and primary key, a settlement
/// record's provider, id and direction), else a fingerprint of its fields. Each identity also
/// counts its occurrences in the file, so two identical rows in one file stay two, while the
/// same row delivered again in an overlapping file is recognised and not added twice.
final class ImportSink: RecordSink {
    private let paymentInsert: SQLiteDatabase.Statement
    private let recordInsert: SQLiteDatabase.Statement
    private let rejectInsert: SQLiteDatabase.Statement
    private let database: SQLiteDatabase
    private let importId: Int64
    /// The file this import reads: its records' file is stored as '' (see `ImportRows.fileText`).
    private let imported: SourceFile
    /// Bases seen more than once in this file, or already known: the last n used.
    private var repeats: [String: Int] = [:]
    private(set) var records = 0
    private(set) var added = 0
    private(set) var rejects: [Reject] = []

    init(database: SQLiteDatabase, importId: Int64, path: String) throws(StoreError) {
        self.database = database
        self.importId = importId
        imported = SourceFile(path)
        func insert(_ table: ImportRows.Table, into name: String) throws(StoreError) -> SQLiteDatabase.Statement {
            let columns = ImportRows.columns(table)
            let statement = try database.prepare(
                "INSERT OR IGNORE INTO \(name) (identity, import_id, \(columns.joined(separator: ", "))) VALUES ("
                    + Array(repeating: "?", count: columns.count + 2).joined(separator: ", ") + ")")
            statement.bind(2, importId)  // the same for every row: bindings outlive `reset`
            return statement
        }
        paymentInsert = try insert(.payments, into: "payments")
        recordInsert = try insert(.settlement, into: "settlement_records")
        rejectInsert = try database.prepare(
            "INSERT INTO import_rejects (import_id, source, field, reason) VALUES (?, ?, ?, ?)")
    }

    /// Binds each row's cells (texts in place, no copy) and inserts it under its identity.
    public func add(_ rows: borrowing ImportRows) throws(StoreError) {
        let statement = rows.table == .payments ? paymentInsert : recordInsert
        let width = rows.width
        try rows.bytes.withUnsafeBufferPointer { bytes throws(StoreError) in
            let text = UnsafeRawPointer(bytes.baseAddress!).assumingMemoryBound(to: CChar.self)
            try rows.cells.withUnsafeBufferPointer { cells throws(StoreError) in
                for row in 0..<rows.count {
                    records += 1
                    let first = row * width
                    for c in 1..<width {
                        let cell = cells[first + c]
                        if cell.length == ImportRows.Cell.fileTag {
                            // the import's own file is '', which needs an address (a null one binds NULL)
                            let path = rows.fileText(cell, imported: imported)
                            let start = path.baseAddress.map {
                                UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)
                            }
                            statement.bind(Int32(c + 2), start ?? text, count: path.count)
                        } else {
                            statement.bind(Int32(c + 2), cell, in: text)
                        }
                    }
                    try insert(row: row, of: rows, identity: cells[first], in: text, statement)
                }
            }
        }
    }

    /// Inserts a row under `base#n`, n counting the occurrences of `base` in this file: the
    /// first free n, or the first taken by another import (then the record is already known).
    /// Most bases occur once, so no table of them is kept unless one repeats or is known, and
    /// the base is only read back as a `String` then. The other columns are bound by the caller.
    private func insert(
        row: Int, of rows: borrowing ImportRows, identity: ImportRows.Cell, in text: UnsafePointer<CChar>,
        _ statement: SQLiteDatabase.Statement
    ) throws(StoreError) {
        var base: String?
        var n = 0
        if !repeats.isEmpty {
            base = rows.base(row)
            n = repeats[base!] ?? 0
        }
        while true {
            n += 1
            if n == 1 { statement.bind(1, identity, in: text) } else { statement.bind(1, "\(base!)#\(n)") }
            try statement.finish()
            statement.reset()
            if database.changes > 0 {
                added += 1
                if n > 1 { repeats[base!] = n }
                return
            }
            // taken: by an earlier occurrence in this file (try the next n), or by another import
            let known = base ?? rows.base(row)
            base = known
            let owner = try database.prepareCached(
                rows.table == .payments
                    ? "SELECT import_id FROM payments WHERE identity = ?"
                    : "SELECT import_id FROM settlement_records WHERE identity = ?")
            try owner.bind([.text("\(known)#\(n)")])
            let sameImport = try owner.step() && owner.integer(0) == importId
            owner.reset()
            if !sameImport {
                repeats[known] = n
                return
            }
        }
    }

    /// A record the file's adapter could not read: kept with its position and reason.
    public func reject(_ reject: Reject) throws(StoreError) {
        records += 1
        rejects.append(reject)
        try rejectInsert.run([
            .integer(importId), .text(reject.source.description), .text(reject.field), .text(reject.reason),
        ])
    }
}
