public import PaymentModels

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
    /// Bases seen more than once in this file, or already known: the last n used.
    private var repeats: [String: Int] = [:]
    private(set) var records = 0
    private(set) var added = 0
    private(set) var rejects: [Reject] = []

    init(database: SQLiteDatabase, importId: Int64) throws(StoreError) {
        self.database = database
        self.importId = importId
        paymentInsert = try database.prepare(
            """
            INSERT OR IGNORE INTO payments (identity, import_id, system, key, provider_id, keys, amount_minor,
                currency, fee_minor, net_minor, status, raw_status, created_ms, source_file, source_byte,
                source_line, source_record, source_locator)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        recordInsert = try database.prepare(
            """
            INSERT OR IGNORE INTO settlement_records (identity, import_id, provider, key, alternate_keys,
                settlement_id, gross_minor, currency, fee_minor, net_minor, status, raw_status, settled_ms,
                source_file, source_byte, source_line, source_record, source_locator, kind, batch_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        rejectInsert = try database.prepare(
            "INSERT INTO import_rejects (import_id, source, field, reason) VALUES (?, ?, ?, ?)")
    }

    /// Inserts a record under `base#n`, n counting the occurrences of `base` in this file: the
    /// first free n, or the first taken by another import (then the record is already known).
    /// Most bases occur once, so no table of them is kept unless one repeats or is known. The
    /// other parameters are bound (texts staged) by the caller.
    private func insert(_ base: String, _ statement: SQLiteDatabase.Statement, table: String) throws(StoreError) {
        var n = repeats[base] ?? 0
        while true {
            n += 1
            let occurrence = n
            statement.stage(1) { bytes in
                bytes.append(contentsOf: base.utf8)
                bytes.append(UInt8(ascii: "#"))
                bytes.append(contentsOf: String(occurrence).utf8)
            }
            try statement.finishStaged()
            statement.reset()
            if database.changes > 0 {
                added += 1
                if n > 1 { repeats[base] = n }
                return
            }
            // taken: by an earlier occurrence in this file (try the next n), or by another import
            let owner = try database.prepareCached(
                table == "payments"
                    ? "SELECT import_id FROM payments WHERE identity = ?"
                    : "SELECT import_id FROM settlement_records WHERE identity = ?")
            try owner.bind([.text("\(base)#\(n)")])
            let sameImport = try owner.step() && owner.integer(0) == importId
            owner.reset()
            if !sameImport {
                repeats[base] = n
                return
            }
        }
    }

    public func add(_ p: Payment) throws(StoreError) {
        records += 1
        let key = p.primaryKey
        let s = paymentInsert
        s.clearStaged()
        s.bind(2, importId)
        s.stage(3, p.system.rawValue)
        s.stage(4, key.value)
        s.stage(5, p.providerId)
        s.stage(6) { StoredRows.append(p.keys, to: &$0) }
        s.bind(7, p.amount.minorUnits)
        s.stage(8, p.amount.currency.code)
        s.bind(9, p.fee?.minorUnits)
        s.bind(10, p.net?.minorUnits)
        s.stage(11, p.status.rawValue)
        s.stage(12, p.rawStatus)
        s.bind(13, p.createdAt?.millisecondsSince1970)
        Self.bindSource(s, from: 14, p.provenance)
        try insert(Identity.payment(p), s, table: "payments")
    }

    static func bindSource(_ s: SQLiteDatabase.Statement, from k: Int32, _ p: Provenance) {
        s.stage(k, p.file)
        s.bind(k + 1, p.position.byte)
        s.bind(k + 2, p.position.line)
        s.bind(k + 3, p.position.record)
        s.bind(k + 4, Int64(p.locator.rawValue))
    }

    public func add(_ r: SettlementRecord) throws(StoreError) {
        records += 1
        let base = Identity.settlement(r)
        let s = recordInsert
        s.clearStaged()
        s.bind(2, importId)
        s.stage(3, r.provider)
        s.stage(4, r.key)
        s.stage(5) { StoredRows.append(alternates: r.alternateKeys, to: &$0) }
        s.stage(6, r.settlementId)
        s.bind(7, r.gross.minorUnits)
        s.stage(8, r.gross.currency.code)
        s.bind(9, r.fee?.minorUnits)
        s.bind(10, r.net?.minorUnits)
        s.stage(11, r.status.rawValue)
        s.stage(12, r.rawStatus)
        s.bind(13, r.settledAt?.millisecondsSince1970)
        Self.bindSource(s, from: 14, r.provenance)
        s.stage(19, r.kind.code)
        s.stage(20, r.payoutBatch)
        try insert(base, s, table: "settlement_records")
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
