public import PaymentModels

/// Which side of the reconciliation an imported file holds.
public enum ImportSide: String, Sendable {
    case payments, settlement
}

/// What importing one file did.
public enum ImportOutcome: Sendable, Equatable {
    /// The same content (by SHA-256) was imported before: nothing changed.
    case alreadyImported(path: String, at: String)
    /// `added` new records; `known` were already in the store from an overlapping file.
    case imported(records: Int, added: Int, known: Int, rejected: Int)
}

/// The embedded store: one SQLite file, created and migrated on first use, in WAL mode.
/// Every import is one immediate transaction, so a killed process leaves the store as it was
/// and a second writer waits for the first.
public final class SQLiteStore {
    let database: SQLiteDatabase

    public init(path: String) throws(StoreError) {
        database = try SQLiteDatabase(path: path)
        try database.execute("PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON;")
        try database.execute("BEGIN IMMEDIATE")
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

    /// Imports one file: `read` is handed a sink and streams the file's records into it, all
    /// inside one transaction. A file whose content was imported before changes nothing.
    public func importFile(
        side: ImportSide, path: String, sha256: String, importedAt: String,
        read: (ImportSink) throws -> Void
    ) throws -> ImportOutcome {
        try transaction { () throws -> ImportOutcome in
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
            let sink = try ImportSink(database: database, importId: importId)
            try read(sink)
            try database.prepare("UPDATE imports SET records = ?, added = ?, rejected = ? WHERE id = ?").run([
                .integer(Int64(sink.records)), .integer(Int64(sink.added)), .integer(Int64(sink.rejected)),
                .integer(importId),
            ])
            return .imported(
                records: sink.records, added: sink.added, known: sink.records - sink.added - sink.rejected,
                rejected: sink.rejected)
        }
    }

    /// Counts of what the store holds: imported files, payments, settlement records.
    public func counts() throws(StoreError) -> (imports: Int, payments: Int, settlement: Int) {
        (
            Int(try database.integer("SELECT count(*) FROM imports") ?? 0),
            Int(try database.integer("SELECT count(*) FROM payments") ?? 0),
            Int(try database.integer("SELECT count(*) FROM settlement_records") ?? 0)
        )
    }

    private func transaction<T>(_ body: () throws -> T) throws -> T {
        try database.execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try database.execute("COMMIT")
            return result
        } catch {
            try? database.execute("ROLLBACK")
            throw error
        }
    }
}

/// Receives one file's records during an import and stores them under their identity: the
/// source's natural id where it has one (a payment's primary key, a settlement record's id and
/// direction), else a fingerprint of its fields. Each identity also counts its occurrences in
/// the file, so two identical rows in one file stay two, while the same row delivered again in
/// an overlapping file is recognised.
public final class ImportSink {
    private let paymentInsert: SQLiteDatabase.Statement
    private let recordInsert: SQLiteDatabase.Statement
    private let rejectInsert: SQLiteDatabase.Statement
    private let database: SQLiteDatabase
    private let importId: Int64
    private var occurrences: [String: Int] = [:]
    public private(set) var records = 0
    public private(set) var added = 0
    public private(set) var rejected = 0

    init(database: SQLiteDatabase, importId: Int64) throws(StoreError) {
        self.database = database
        self.importId = importId
        paymentInsert = try database.prepare(
            """
            INSERT OR IGNORE INTO payments (identity, import_id, system, key_field, key, other_keys, amount_minor,
                currency, fee_minor, net_minor, status, raw_status, created_ms, source)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        recordInsert = try database.prepare(
            """
            INSERT OR IGNORE INTO settlement_records (identity, import_id, provider, key, alternate_keys,
                settlement_id, gross_minor, currency, fee_minor, net_minor, status, raw_status, settled_ms, source)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        rejectInsert = try database.prepare(
            "INSERT INTO import_rejects (import_id, source, field, reason) VALUES (?, ?, ?, ?)")
    }

    private func identity(_ base: String) -> String {
        let n = occurrences[base, default: 0] + 1
        occurrences[base] = n
        return "\(base)#\(n)"
    }

    private static func value(_ n: Int64?) -> SQLiteDatabase.Value { n.map { .integer($0) } ?? .null }

    public func add(_ p: Payment) throws(StoreError) {
        records += 1
        let key = p.primaryKey
        let others = p.keys.dropFirst().map { "\($0.field.code)=\($0.value)" }.joined(separator: ";")
        try paymentInsert.run([
            .text(identity("\(p.system.rawValue):\(key.field.code)=\(key.value)")), .integer(importId),
            .text(p.system.rawValue), .text(key.field.code), .text(key.value), .text(others),
            .integer(p.amount.minorUnits), .text(p.amount.currency.code), Self.value(p.fee?.minorUnits),
            Self.value(p.net?.minorUnits), .text(p.status.rawValue), .text(p.rawStatus),
            Self.value(p.createdAt?.millisecondsSince1970), .text(p.provenance.description),
        ])
        added += database.changes
    }

    public func add(_ r: SettlementRecord) throws(StoreError) {
        records += 1
        let provider = r.provider ?? ""
        let direction = r.gross.minorUnits < 0 ? "debit" : "credit"
        let base =
            r.settlementId.map { "\(provider):id=\($0)|\(direction)" }
            ?? "\(provider):key=\(r.key)|\(r.gross.minorUnits) \(r.gross.currency.code)|\(r.status.rawValue)|"
            + "\(r.settledAt?.millisecondsSince1970 ?? 0)"
        try recordInsert.run([
            .text(identity(base)), .integer(importId), r.provider.map { .text($0) } ?? .null, .text(r.key),
            .text((r.alternateKeys ?? []).joined(separator: ";")), r.settlementId.map { .text($0) } ?? .null,
            .integer(r.gross.minorUnits), .text(r.gross.currency.code), Self.value(r.fee?.minorUnits),
            Self.value(r.net?.minorUnits), .text(r.status.rawValue), .text(r.rawStatus),
            Self.value(r.settledAt?.millisecondsSince1970), .text(r.provenance.description),
        ])
        added += database.changes
    }

    /// A record the file's adapter could not read: kept with its position and reason.
    public func reject(source: String, field: String, reason: String) throws(StoreError) {
        records += 1
        rejected += 1
        try rejectInsert.run([.integer(importId), .text(source), .text(field), .text(reason)])
    }
}
