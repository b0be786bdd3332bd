public import PaymentModels

/// A result row: columns by number, text or integer (nil for NULL).
protocol StoreRow {
    func text(_ column: Int32) -> String?
    func integer(_ column: Int32) -> Int64?
}

/// A result row as both stores give it, its texts also as bytes.
protocol StoreRowBytes: StoreRow {
    /// A text column's bytes where the store holds them, valid until the next row.
    func bytes(_ column: Int32) -> UnsafeRawBufferPointer?
}

/// A row the generic `Store.query` returned.
extension [String?]: StoreRow {
    func text(_ column: Int32) -> String? { self[Int(column)] }
    func integer(_ column: Int32) -> Int64? { self[Int(column)].flatMap { Int64($0) } }
}

/// The open records' queries and their rows read back into the record tables: one definition
/// for both stores, so a record comes back the same from SQLite and from PostgreSQL.
enum StoredRows {
    /// A record's file. An import stores '' for the file it reads (nearly every record's), so
    /// that is read back from the import (`i`) of the record (`r`).
    static let sourceFile = "CASE WHEN r.source_file = '' THEN i.path ELSE r.source_file END"

    static let openPayments = """
        SELECT system, amount_minor, currency, fee_minor, net_minor, status, raw_status, created_ms,
            \(sourceFile), source_byte, source_line, source_record, source_locator, keys, ordered_minor, r.id, identity
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

    /// Appends a row of `openPayments` to `payments`, from the column bytes: no `String` is made
    /// for its keys or texts. `store` names the store in the error for a row it cannot read.
    static func payment(
        _ row: some StoreRowBytes, to payments: inout StoredRecords<Payment>, store: String, texts: inout Texts
    ) throws(StoreError) {
        let empty = UnsafeRawBufferPointer(start: nil, count: 0)
        let keys = row.bytes(13) ?? empty
        guard let system = texts.systems.value(row.bytes(0), PaymentSystem.init(rawValue:)),
            let currency = texts.currencies.value(row.bytes(2), Currency.init(code:)),
            let status = texts.statuses.value(row.bytes(5), PaymentStatus.init(rawValue:)),
            let amount = row.integer(1), row.integer(7) != Int64.min,
            Self.keyCount(keys) != nil
        else {
            throw StoreError(.unavailable, "the store \(store) has a payment it cannot read: \(row.text(16) ?? "")")
        }
        let facts = PaymentFacts(
            system: system, status: status, amount: Money(minorUnits: amount, currency: currency),
            fee: row.integer(3), net: row.integer(4), ordered: row.integer(14), createdMilliseconds: row.integer(7),
            provenance: provenance(row, from: 8, texts: &texts))
        payments.records.append(facts, rawStatus: row.bytes(6) ?? empty) { visit in forEachKey(keys, visit) }
        payments.rows.append(row.integer(15) ?? 0)
    }

    /// Appends a row of a settlement query (`settlementColumns`) to `lines`, from the column
    /// bytes: no `String` is made for its texts.
    static func settlement(
        _ row: some StoreRowBytes, to lines: inout StoredRecords<SettlementRecord>, store: String, texts: inout Texts
    ) throws(StoreError) {
        func unreadable(_ what: String = "") -> StoreError {
            StoreError(
                .unavailable, "the store \(store) has a settlement record \(what)it cannot read: \(row.text(0) ?? "")")
        }
        guard let currency = texts.currencies.value(row.bytes(6), Currency.init(code:)),
            let status = texts.settlementStatuses.value(row.bytes(9), SettlementStatus.init(rawValue:)),
            let gross = row.integer(5), row.integer(7) != Int64.min, row.integer(8) != Int64.min,
            row.integer(11) != Int64.min
        else { throw unreadable() }
        var facts = LineFacts(
            gross: Money(minorUnits: gross, currency: currency), fee: row.integer(7), net: row.integer(8),
            status: status, settledMilliseconds: row.integer(11),
            payoutAt: row.integer(21).map(Timestamp.init(millisecondsSince1970:)),
            provenance: provenance(row, from: 12, texts: &texts))
        if let code = row.bytes(19) {
            guard let other = texts.currencies.value(code, Currency.init(code:)) else { throw unreadable() }
            facts.settlementCurrency = other
        }
        if let text = row.text(20) {
            do { facts.exchangeRate = try ExchangeRate(parsing: text) } catch { throw unreadable() }
        }
        if let code = row.bytes(17) {  // NULL: a payment
            guard let kind = texts.kinds.value(code, SettlementKind.init(code:)) else {
                throw unreadable("of unknown kind ")
            }
            facts.kind = kind
        }
        let empty = UnsafeRawBufferPointer(start: nil, count: 0)
        lines.records.append(
            facts,
            texts: LineTexts(
                key: row.bytes(2) ?? empty, settlementId: row.bytes(4), provider: row.bytes(1),
                rawStatus: row.bytes(10) ?? empty, batchId: row.bytes(18), alternates: row.bytes(3)))
        lines.rows.append(row.integer(22) ?? 0)
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

    /// The number of keys in a keys column; nil when it holds something this recon did not
    /// write: no key, an unknown field, or more keys than there are fields (recon writes one per
    /// field at most; more than 16 would not fit the key index's slots).
    static func keyCount(_ column: UnsafeRawBufferPointer) -> Int? {
        var count = 0
        var valid = true
        forEachPart(column) { part in
            count += 1
            if valid, field(part) == nil { valid = false }
        }
        return valid && count > 0 && count <= fieldCount ? count : nil
    }

    private static let fieldCount = KeyField.allCases.count

    /// Each key of a keys column `keyCount` found valid, its value's bytes.
    static func forEachKey(_ column: UnsafeRawBufferPointer, _ body: (KeyField, UnsafeRawBufferPointer) -> Void) {
        forEachPart(column) { part in
            guard let (field, value) = field(part) else { return }
            body(field, value)
        }
    }

    /// `field=value`: the field (its number) and the value's bytes.
    private static func field(_ part: UnsafeRawBufferPointer) -> (KeyField, UnsafeRawBufferPointer)? {
        var number = 0
        var k = 0
        while k < part.count, part[k] != UInt8(ascii: "=") {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(part[k]), k < 3 else { return nil }
            number = number * 10 + Int(part[k] - UInt8(ascii: "0"))
            k += 1
        }
        guard k > 0, k < part.count, number < 256, let field = KeyField(rawValue: UInt8(number))
        else { return nil }
        return (field, UnsafeRawBufferPointer(rebasing: part[(k + 1)...]))
    }

    /// The parts of a column joined by U+001F (none when it is empty).
    static func forEachPart(_ column: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Void) {
        guard !column.isEmpty else { return }
        var start = 0
        for k in 0...column.count where k == column.count || column[k] == 0x1F {
            body(UnsafeRawBufferPointer(rebasing: column[start..<k]))
            start = k + 1
        }
    }

    /// The five `source_*` columns from `k` on.
    static func provenance(_ row: some StoreRowBytes, from k: Int32, texts: inout Texts) -> Provenance {
        Provenance(
            source: texts.file(row.bytes(k)),
            position: SourcePosition(
                byte: row.integer(k + 1) ?? 0, line: row.integer(k + 2) ?? 0, record: row.integer(k + 3) ?? 0),
            locator: Provenance.Locator(rawValue: UInt8(row.integer(k + 4) ?? 0)) ?? .line)
    }
}

extension SQLiteDatabase.Statement: StoreRowBytes {}
