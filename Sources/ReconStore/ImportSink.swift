public import PaymentModels

/// Receives one file's records during an import and stores them under their identity: the
/// source's natural id where it has one (a payment's system and primary key, a settlement
/// record's provider, id and direction), else a fingerprint of its fields. Each identity also
/// counts its occurrences in the file, so two identical rows in one file stay two, while the
/// same row delivered again in an overlapping file is recognised and not added twice.
public final class ImportSink {
    private let paymentInsert: SQLiteDatabase.Statement
    private let keyInsert: SQLiteDatabase.Statement
    private let recordInsert: SQLiteDatabase.Statement
    private let rejectInsert: SQLiteDatabase.Statement
    private let database: SQLiteDatabase
    private let importId: Int64
    private var occurrences: [String: Int] = [:]
    public private(set) var records = 0
    public private(set) var added = 0
    /// The file's rejected records, also kept in the store.
    public private(set) var rejects: [Reject] = []

    init(database: SQLiteDatabase, importId: Int64) throws(StoreError) {
        self.database = database
        self.importId = importId
        paymentInsert = try database.prepare(
            """
            INSERT OR IGNORE INTO payments (identity, import_id, system, amount_minor, currency, fee_minor,
                net_minor, status, raw_status, created_ms, source_file, source_byte, source_line, source_record,
                source_locator)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        keyInsert = try database.prepare(
            "INSERT INTO payment_keys (identity, position, field, value) VALUES (?, ?, ?, ?)")
        recordInsert = try database.prepare(
            """
            INSERT OR IGNORE INTO settlement_records (identity, import_id, provider, key, alternate_keys,
                settlement_id, gross_minor, currency, fee_minor, net_minor, status, raw_status, settled_ms,
                source_file, source_byte, source_line, source_record, source_locator)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        rejectInsert = try database.prepare(
            "INSERT INTO import_rejects (import_id, source, field, reason) VALUES (?, ?, ?, ?)")
    }

    private func identity(_ base: String) -> String {
        let n = occurrences[base, default: 0] + 1
        occurrences[base] = n
        return "\(base)#\(n)"
    }

    public func add(_ p: Payment) throws(StoreError) {
        records += 1
        let key = p.primaryKey
        let identity = identity("\(p.system.rawValue):\(key.field.code)=\(key.value)")
        try paymentInsert.run(
            [
                .text(identity), .integer(importId), .text(p.system.rawValue), .integer(p.amount.minorUnits),
                .text(p.amount.currency.code), .optional(p.fee?.minorUnits), .optional(p.net?.minorUnits),
                .text(p.status.rawValue), .text(p.rawStatus), .optional(p.createdAt?.millisecondsSince1970),
            ] + SQLiteDatabase.Value.source(p.provenance))
        guard database.changes > 0 else { return }
        added += 1
        for (position, k) in p.keys.enumerated() {
            try keyInsert.run([
                .text(identity), .integer(Int64(position)), .integer(Int64(k.field.rawValue)), .text(k.value),
            ])
        }
    }

    public func add(_ r: SettlementRecord) throws(StoreError) {
        records += 1
        let provider = r.provider ?? ""
        let direction = r.gross.minorUnits < 0 ? "debit" : "credit"
        let base =
            r.settlementId.map { "\(provider):id=\($0)|\(direction)" }
            ?? "\(provider):key=\(r.key)|\(r.gross.minorUnits) \(r.gross.currency.code)|\(r.status.rawValue)|"
            + "\(r.settledAt?.millisecondsSince1970 ?? 0)"
        try recordInsert.run(
            [
                .text(identity(base)), .integer(importId), r.provider.map { .text($0) } ?? .null, .text(r.key),
                .text((r.alternateKeys ?? []).joined(separator: SQLiteDatabase.Value.keySeparator)),
                r.settlementId.map { .text($0) } ?? .null, .integer(r.gross.minorUnits),
                .text(r.gross.currency.code), .optional(r.fee?.minorUnits), .optional(r.net?.minorUnits),
                .text(r.status.rawValue), .text(r.rawStatus), .optional(r.settledAt?.millisecondsSince1970),
            ] + SQLiteDatabase.Value.source(r.provenance))
        added += database.changes
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

extension SQLiteDatabase.Value {
    static func optional(_ n: Int64?) -> Self { n.map { .integer($0) } ?? .null }

    /// Alternate keys are stored joined by the ASCII unit separator, which no key contains.
    static let keySeparator = "\u{1F}"

    /// A provenance as the five `source_*` columns.
    static func source(_ p: Provenance) -> [Self] {
        [
            .text(p.file), .integer(p.position.byte), .integer(p.position.line), .integer(p.position.record),
            .integer(Int64(p.locator.rawValue)),
        ]
    }
}
