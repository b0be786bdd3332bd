public import PaymentModels

/// Records on their way into a store, already laid out as the store's columns.
///
/// An import reads its file on one thread and writes the store on another. Turning a record
/// into column values (its identity, the keys column, every text as bytes) was a third of the
/// writing thread's time; done here, on the reading thread, the writer only binds the values
/// (SQLite) or copies them out (PostgreSQL's COPY). A row is `width` cells: the identity
/// (`base#1`, see `Identity`) and then the table's `columns`, in their order.
public struct ImportRows: Sendable {
    public enum Table: Sendable { case payments, settlement }

    /// One value: text at `bytes[start..<start + length]`, an integer, NULL, or a record's file
    /// (`files[value]`, see `fileText`).
    struct Cell {
        static let integerTag: Int32 = -1
        static let nullTag: Int32 = -2
        static let fileTag: Int32 = -3
        var value: Int64
        var length: Int32
    }

    public let table: Table
    /// Every text of every row, back to back. Starts with one byte so an empty text has an address.
    private(set) var bytes: [UInt8] = [0]
    private(set) var cells: [Cell] = []
    /// The files the rows came from (one, nearly always).
    private(set) var files: [SourceFile] = []
    public private(set) var count = 0

    public init(_ table: Table) {
        self.table = table
    }

    /// The columns after `identity` and `import_id`, as `append` writes them.
    static func columns(_ table: Table) -> [String] {
        let source = ["source_file", "source_byte", "source_line", "source_record", "source_locator"]
        switch table {
        case .payments:
            return [
                "system", "key", "provider_id", "keys", "amount_minor", "currency", "fee_minor", "net_minor", "status",
                "raw_status", "created_ms",
            ] + source + ["ordered_minor"]
        case .settlement:
            return [
                "provider", "key", "alternate_keys", "settlement_id", "gross_minor", "currency", "fee_minor",
                "net_minor", "status", "raw_status", "settled_ms",
            ] + source + [
                "kind", "batch_id", "settlement_currency", "exchange_rate", "payout_ms",
            ]
        }
    }

    /// Cells per row: the identity and the columns.
    static func width(_ table: Table) -> Int { table == .payments ? 18 : 22 }

    var width: Int { Self.width(table) }

    public var isEmpty: Bool { count == 0 }

    /// Empties the rows and keeps their memory for the next batch: a new batch's buffers came
    /// from fresh pages, and the kernel clearing them was 5% of an import.
    public mutating func removeAll() {
        bytes.removeSubrange(1...)
        cells.removeAll(keepingCapacity: true)
        files.removeAll(keepingCapacity: true)
        count = 0
    }

    // MARK: reading (the store's thread)

    /// What a file cell stores: nothing when the record came from `imported`, the file the
    /// import reads (the store reads it back from the import's row: a path on every row was a
    /// fifth of its bytes), else the record's own file (a member of an archive, say).
    func fileText(_ cell: Cell, imported: SourceFile) -> UnsafeBufferPointer<UInt8> {
        let file = files[Int(cell.value)]
        return file == imported ? UnsafeBufferPointer(start: nil, count: 0) : file.pathUTF8
    }

    /// Row `row`'s identity base (the identity without its `#1`).
    func base(_ row: Int) -> String {
        let cell = cells[row * width]
        let start = Int(cell.value)
        return String(decoding: bytes[start..<start + Int(cell.length) - 2], as: UTF8.self)
    }

    // MARK: writing (the reading thread)

    public mutating func append(_ p: borrowing Payment) {
        precondition(table == .payments, "a payment in a batch of settlement records")
        count += 1
        let key = p.primaryKey
        text { bytes in
            Identity.append(payment: p, key: key, to: &bytes)
            bytes.append(contentsOf: "#1".utf8)
        }
        text(p.system.rawValue)
        text(key.value)
        text(p.providerId)
        text { StoredRows.append(p.keys, to: &$0) }
        amounts(p.amount, fee: p.fee, net: p.net, status: p.status.rawValue, raw: p.rawStatus, at: p.createdAt)
        source(p.provenance)
        integer(p.orderedAmount?.minorUnits)
    }

    public mutating func append(_ r: borrowing SettlementRecord) {
        precondition(table == .settlement, "a settlement record in a batch of payments")
        count += 1
        text { bytes in
            Identity.append(settlement: r, to: &bytes)
            bytes.append(contentsOf: "#1".utf8)
        }
        text(r.provider)
        text(r.key)
        text { StoredRows.append(alternates: r.alternateKeys, to: &$0) }
        text(r.settlementId)
        amounts(r.gross, fee: r.fee, net: r.net, status: r.status.rawValue, raw: r.rawStatus, at: r.settledAt)
        source(r.provenance)
        text(r.kind.code)
        text(r.payoutBatch)
        text(r.isConverted ? r.settlementCurrency.code : nil)
        text(r.exchangeRate?.description)
        integer(r.payoutAt?.millisecondsSince1970)
    }

    /// The columns both tables share, in their order: amount, currency, fee, net, status, raw
    /// status and time.
    private mutating func amounts(
        _ amount: Money, fee: Money?, net: Money?, status: String, raw: String, at time: Timestamp?
    ) {
        integer(amount.minorUnits)
        text(amount.currency.code)
        integer(fee?.minorUnits)
        integer(net?.minorUnits)
        text(status)
        text(raw)
        integer(time?.millisecondsSince1970)
    }

    private mutating func source(_ p: Provenance) {
        if files.last != p.source { files.append(p.source) }
        cells.append(Cell(value: Int64(files.count - 1), length: Cell.fileTag))
        integer(p.position.byte)
        integer(p.position.line)
        integer(p.position.record)
        integer(Int64(p.locator.rawValue))
    }

    private mutating func text(_ value: String?) {
        guard var value else { return cells.append(Cell(value: 0, length: Cell.nullTag)) }
        value.withUTF8 { utf8 in text { $0.append(contentsOf: utf8) } }
    }

    private mutating func text(_ write: (inout [UInt8]) -> Void) {
        let start = bytes.count
        write(&bytes)
        cells.append(Cell(value: Int64(start), length: Int32(bytes.count - start)))
    }

    private mutating func integer(_ value: Int64?) {
        cells.append(value.map { Cell(value: $0, length: Cell.integerTag) } ?? Cell(value: 0, length: Cell.nullTag))
    }
}
