public import PaymentModels

#if canImport(Glibc)
    import Glibc
#endif

/// What recon keeps between nights, behind one protocol with two implementations that behave
/// the same: `SQLiteStore` (a file, the default) and `PostgresStore` (a server, for teams).
public protocol Store: AnyObject {
    /// Runs `body` in one write transaction, serialized with every other writer of the store:
    /// committed when it returns and `commit` is true, rolled back when it throws or `commit`
    /// is false (a dry run). `onWait` is called when another writer holds the store.
    func writeTransaction<T>(commit: Bool, onWait: () -> Void, _ body: () throws -> T) throws -> T

    /// Imports one file inside the caller's transaction: `read` streams the file's records into
    /// the sink; a store may call it a second time, with a new sink, to read the file again
    /// (PostgreSQL does when the file's records overlap the store's). A file whose content
    /// (SHA-256) was imported before changes nothing.
    func importInTransaction(
        side: ImportSide, path: String, sha256: String, importedAt: String, read: (any RecordSink) throws -> Void
    ) throws -> ImportOutcome

    /// Payments and settlement records no run has closed yet, in import order.
    func openPayments() throws(StoreError) -> StoredRecords<Payment>
    func openSettlement() throws(StoreError) -> StoredRecords<SettlementRecord>

    /// Every settlement record of the payout batches `batches`, open or settled by an earlier
    /// run: a batch is tied out whole, whichever nights brought its lines.
    func settlementRecords(inBatches batches: Set<String>) throws(StoreError) -> StoredRecords<SettlementRecord>

    /// For each of `keys` that is the primary key or provider id of a payment an earlier run
    /// settled, the first such run.
    func runsThatSettled(keys: Set<String>) throws(StoreError) -> [String: Int64]

    /// Saves a run: its row, its report files, and closes the records it settled.
    func save(_ run: RunToSave) throws(StoreError) -> Int64

    /// The number the next saved run will have (in a write transaction: no other run can take
    /// it before this one saves).
    func nextRun() throws(StoreError) -> Int64

    /// Says who holds the store for the rest of this write transaction (`run 7: recon
    /// reconcile, started ...`), so that a writer that waits for it in vain names it.
    func announce(_ holder: String) throws(StoreError)

    /// Runs one statement with text parameters (`$1`, `$2`, ... each once, in order; nil is
    /// NULL) and returns its rows as text: the SQL both stores speak, for what is written once
    /// over both (exceptions, the audit log).
    func query(_ sql: String, _ parameters: [String?]) throws(StoreError) -> [[String?]]

    /// Calls `body` with each exception not resolved (open or assigned), oldest first.
    func forEachUnresolvedException(_ body: (ExceptionRow) throws -> Void) throws

    /// Fills the temporary table `table` (made with `columns`, all text, when it is not there;
    /// emptied when it is) with `count` rows, row `k` given by `row(k)`: SQLite inserts by one
    /// prepared statement, PostgreSQL copies. For what is then written by one set-based
    /// statement over both stores (a night's exceptions).
    func loadTemporary(
        _ table: String, columns: [String], count: Int, row: (Int) -> [String?]
    ) throws(StoreError)

    func runs() throws(StoreError) -> [RunRow]
    func outputs(run: Int64) throws(StoreError) -> [(name: String, content: [UInt8])]
    func counts() throws(StoreError) -> (imports: Int, payments: Int, settlement: Int)
}

extension Store {
    /// The statement that makes a temporary table of text columns, unless it is there.
    static func createTemporary(_ table: String, columns: [String]) -> String {
        "CREATE TEMP TABLE IF NOT EXISTS \(table) (\(columns.map { $0 + " TEXT" }.joined(separator: ", ")))"
    }

    /// Imports one file in its own transaction.
    public func importFile(
        side: ImportSide, path: String, sha256: String, importedAt: String, read: (any RecordSink) throws -> Void
    ) throws -> ImportOutcome {
        try writeTransaction(commit: true, onWait: {}) {
            try announce("recon import \(side.rawValue) \(path), started \(importedAt)")
            return try importInTransaction(side: side, path: path, sha256: sha256, importedAt: importedAt, read: read)
        }
    }
}

/// Receives one file's records during an import.
public protocol RecordSink: AnyObject {
    /// Payments or settlement records, laid out as rows by the reading thread.
    func add(_ rows: borrowing ImportRows) throws(StoreError)
    func reject(_ reject: Reject) throws(StoreError)
    /// The file's rejected records, also kept in the store.
    var rejects: [Reject] { get }
}

extension RecordSink {
    /// One payment (a batch of one).
    public func add(_ payment: Payment) throws(StoreError) {
        var rows = ImportRows(.payments)
        rows.append(payment)
        try add(rows)
    }

    /// One settlement record (a batch of one).
    public func add(_ record: SettlementRecord) throws(StoreError) {
        var rows = ImportRows(.settlement)
        rows.append(record)
        try add(rows)
    }
}

/// Opens the store a location names: a PostgreSQL server (`postgres://...`, `postgresql://...`,
/// or libpq's keyword form `host=... dbname=...`), anything else an SQLite file.
///
/// `existing`: the store must be there already (`recon runs`, `recon report` read a store, they
/// never make one): a missing SQLite file, or a database with no recon schema, is an error.
public func openStore(_ location: String, existing: Bool = false) throws(StoreError) -> any Store {
    if StoreLocation.isServer(location) { return try PostgresStore(url: location, existing: existing) }
    if existing {
        var info = stat()
        guard stat(location, &info) == 0 else {
            throw StoreError(
                .unavailable, "\(location): no store here (no such file); give the store a night was saved in")
        }
    }
    return try SQLiteStore(path: location)
}

/// What a store location names, and how it may be printed.
public enum StoreLocation {
    /// libpq's connection keywords: a location starting with one of them followed by `=` is a
    /// keyword connection string, never an SQLite file name.
    static let keywords: Set<String> = [
        "host", "hostaddr", "port", "dbname", "user", "password", "passfile", "sslmode", "connect_timeout",
        "application_name", "options", "service", "target_session_attrs", "sslrootcert", "sslcert", "sslkey",
    ]

    public static func isServer(_ location: String) -> Bool {
        if location.hasPrefix("postgres://") || location.hasPrefix("postgresql://") { return true }
        let first = location.drop { $0 == " " }.prefix { $0 != "=" && $0 != " " }
        return location.contains("=") && keywords.contains(String(first).lowercased())
    }

    /// The location with every password taken out, for anything printed: the URL's
    /// `user:secret@` and `?password=`, the keyword form's `password=...`.
    public static func redacted(_ location: String) -> String {
        guard isServer(location) else { return location }
        var text = location
        if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://"),
            let scheme = text.firstRange(of: "://"), let at = text[scheme.upperBound...].firstIndex(of: "@"),
            let colon = text[scheme.upperBound..<at].firstIndex(of: ":")
        {
            text.replaceSubrange(colon..<at, with: ":***")
        }
        // `password=value` in a query or among keywords; a quoted keyword value may hold spaces
        var out = ""
        var rest = Substring(text)
        while let range = rest.firstRange(of: "password=") {
            out += rest[..<range.upperBound] + "***"
            rest = rest[range.upperBound...]
            if rest.first == "'" {
                rest = rest.dropFirst()
                rest = rest.drop { $0 != "'" }.dropFirst()
            } else {
                rest = rest.drop { $0 != "&" && $0 != " " }
            }
        }
        return out + rest
    }
}

/// A store's identity for a record: `base#n`, n counting the occurrences of `base` in its file.
/// The base is the source's natural id where it has one (a payment's system and primary key, a
/// settlement record's provider, id and direction), else a fingerprint of the record's fields.
enum Identity {
    /// `system:field=value`.
    static func append(payment p: borrowing Payment, key: PaymentKey, to bytes: inout [UInt8]) {
        append(p.system.rawValue, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        append(key.field.code, to: &bytes)
        bytes.append(UInt8(ascii: "="))
        append(key.value, to: &bytes)
    }

    /// `provider:id=ID|credit` (or `|debit`), or without an id
    /// `provider:key=KEY|GROSS CURRENCY|STATUS|SETTLED_MS`.
    static func append(settlement r: borrowing SettlementRecord, to bytes: inout [UInt8]) {
        append(r.provider ?? "", to: &bytes)
        if let id = r.settlementId {
            append(":id=", to: &bytes)
            append(id, to: &bytes)
            append(r.gross.minorUnits < 0 ? "|debit" : "|credit", to: &bytes)
        } else {
            append(":key=", to: &bytes)
            append(r.key, to: &bytes)
            append("|\(r.gross.minorUnits) \(r.gross.currency.code)|\(r.status.rawValue)|", to: &bytes)
            append(String(r.settledAt?.millisecondsSince1970 ?? 0), to: &bytes)
        }
    }

    private static func append(_ text: String, to bytes: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }
}
