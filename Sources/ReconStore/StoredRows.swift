public import PaymentModels

/// A result row as both stores give it: columns by number, text or integer (nil for NULL).
protocol StoreRow {
    func text(_ column: Int32) -> String?
    func integer(_ column: Int32) -> Int64?
}

/// The open records' queries and their rows read back into the shared models: one definition
/// for both stores, so a record comes back the same from SQLite and from PostgreSQL.
enum StoredRows {
    /// A record's file. An import stores '' for the file it reads (nearly every record's), so
    /// that is read back from the import (`i`) of the record (`r`).
    static let sourceFile = "CASE WHEN r.source_file = '' THEN i.path ELSE r.source_file END"

    static let openPayments = """
        SELECT identity, system, amount_minor, currency, fee_minor, net_minor, status, raw_status, created_ms,
            \(sourceFile), source_byte, source_line, source_record, source_locator, keys, ordered_minor, r.id
        FROM open_payments o JOIN payments r ON r.id = o.id JOIN imports i ON i.id = r.import_id ORDER BY o.id
        """

    /// The columns `settlement(_:store:)` reads, in its order.
    static let settlementColumns = """
        identity, provider, key, alternate_keys, settlement_id, gross_minor, currency, fee_minor, net_minor, status,
        raw_status, settled_ms, \(sourceFile), source_byte, source_line, source_record, source_locator, kind, batch_id,
        settlement_currency, exchange_rate, payout_ms, r.id
        """

    static let openPaymentsCount = "SELECT count(*) FROM open_payments"
    static let openSettlementCount = "SELECT count(*) FROM open_settlement"

    static let openSettlement = """
        SELECT \(settlementColumns) FROM open_settlement o JOIN settlement_records r ON r.id = o.id
        JOIN imports i ON i.id = r.import_id ORDER BY o.id
        """

    /// The settlement records of the batches in `batch_ids` (a temporary table of one `key` column).
    static let batchSettlement = """
        SELECT \(settlementColumns) FROM settlement_records r JOIN imports i ON i.id = r.import_id
        WHERE r.batch_id IN (SELECT key FROM batch_ids) ORDER BY r.id
        """

    /// A row of `openPayments`; `store` names the store in the error for a row it cannot read.
    static func payment(_ row: some StoreRow, store: String, files: inout Files) throws(StoreError) -> Stored<Payment> {
        let identity = row.text(0) ?? ""
        guard let system = PaymentSystem(rawValue: row.text(1) ?? ""), let currency = Currency(code: row.text(3) ?? ""),
            let status = PaymentStatus(rawValue: row.text(6) ?? ""), let keys = keys(row.text(14) ?? ""),
            let amount = row.integer(2)
        else { throw StoreError(.unavailable, "the store \(store) has a payment it cannot read: \(identity)") }
        func money(_ column: Int32) -> Money? { row.integer(column).map { Money(minorUnits: $0, currency: currency) } }
        let payment = Payment(
            system: system, keys: keys, amount: Money(minorUnits: amount, currency: currency), fee: money(4),
            net: money(5), status: status, rawStatus: row.text(7) ?? "",
            createdAt: row.integer(8).map(Timestamp.init(millisecondsSince1970:)),
            provenance: provenance(row, from: 9, files: &files))
        var stored = Stored(identity: identity, row: row.integer(16) ?? 0, record: payment)
        stored.record.orderedAmount = money(15)
        return stored
    }

    /// A row of `openSettlement`.
    static func settlement(
        _ row: some StoreRow, store: String, files: inout Files
    ) throws(StoreError) -> Stored<SettlementRecord> {
        let identity = row.text(0) ?? ""
        guard let currency = Currency(code: row.text(6) ?? ""),
            let status = SettlementStatus(rawValue: row.text(9) ?? ""),
            let gross = row.integer(5)
        else {
            throw StoreError(.unavailable, "the store \(store) has a settlement record it cannot read: \(identity)")
        }
        var paidIn = currency
        var rate: ExchangeRate?
        if let code = row.text(19) {
            guard let other = Currency(code: code) else {
                throw StoreError(.unavailable, "the store \(store) has a settlement record it cannot read: \(identity)")
            }
            paidIn = other
        }
        if let text = row.text(20) {
            do { rate = try ExchangeRate(parsing: text) } catch {
                throw StoreError(.unavailable, "the store \(store) has a settlement record it cannot read: \(identity)")
            }
        }
        func money(_ column: Int32) -> Money? { row.integer(column).map { Money(minorUnits: $0, currency: paidIn) } }
        var record = SettlementRecord(
            key: row.text(2) ?? "", settlementId: row.text(4), provider: row.text(1),
            gross: Money(minorUnits: gross, currency: currency), fee: money(7), net: money(8), status: status,
            rawStatus: row.text(10) ?? "", settledAt: row.integer(11).map(Timestamp.init(millisecondsSince1970:)),
            provenance: provenance(row, from: 12, files: &files), settlementCurrency: paidIn, exchangeRate: rate,
            payoutAt: row.integer(21).map(Timestamp.init(millisecondsSince1970:)))
        let alternates = (row.text(3) ?? "").utf8.split(separator: 0x1F).map { String(Substring($0)) }
        record.alternateKeys = alternates.isEmpty ? nil : alternates
        guard let kind = SettlementKind(code: row.text(17) ?? "payment") else {
            throw StoreError(.unavailable, "the store \(store) has a settlement record of unknown kind: \(identity)")
        }
        record.kind = kind
        record.batchId = row.text(18)
        return Stored(identity: identity, row: row.integer(22) ?? 0, record: record)
    }

    /// A payment's keys in one column, written into `bytes` (an import row): `field=value` (the
    /// field's number), joined by U+001F (the ASCII unit separator, which no key contains).
    static func append(_ keys: PaymentKeys, to bytes: inout [UInt8]) {
        for (k, key) in keys.enumerated() {
            if k > 0 { bytes.append(0x1F) }
            bytes.append(contentsOf: String(key.field.rawValue).utf8)
            bytes.append(UInt8(ascii: "="))
            bytes.append(contentsOf: key.value.utf8)
        }
    }

    /// A line's alternate keys, joined by U+001F, into `bytes`.
    static func append(alternates: [String]?, to bytes: inout [UInt8]) {
        for (k, key) in (alternates ?? []).enumerated() {
            if k > 0 { bytes.append(0x1F) }
            bytes.append(contentsOf: key.utf8)
        }
    }

    /// The keys column read back; nil when it holds something this recon did not write.
    static func keys(_ text: String) -> [PaymentKey]? {
        var keys: [PaymentKey] = []
        // over the bytes: the generic `split(separator: String)` was a tenth of reading a store
        for part in text.utf8.split(separator: 0x1F) {
            guard let equals = part.firstIndex(of: UInt8(ascii: "=")),
                let number = UInt8(String(Substring(part[..<equals]))), let field = KeyField(rawValue: number)
            else { return nil }
            keys.append(PaymentKey(field, String(Substring(part[part.index(after: equals)...]))))
        }
        // recon writes at most one key per field: more than there are fields is not its writing
        // (and more than 16 would not fit the key index's slots)
        return keys.isEmpty || keys.count > KeyField.allCases.count ? nil : keys
    }

    /// The files rows name, each registered once (registering takes a lock).
    struct Files {
        var known: [String: SourceFile] = [:]

        mutating func file(_ path: String) -> SourceFile {
            if let file = known[path] { return file }
            let file = SourceFile(path)
            known[path] = file
            return file
        }
    }

    /// The five `source_*` columns from `k` on.
    static func provenance(_ row: some StoreRow, from k: Int32, files: inout Files) -> Provenance {
        Provenance(
            source: files.file(row.text(k) ?? ""),
            position: SourcePosition(
                byte: row.integer(k + 1) ?? 0, line: row.integer(k + 2) ?? 0, record: row.integer(k + 3) ?? 0),
            locator: Provenance.Locator(rawValue: UInt8(row.integer(k + 4) ?? 0)) ?? .line)
    }
}

extension SQLiteDatabase.Statement: StoreRow {}
