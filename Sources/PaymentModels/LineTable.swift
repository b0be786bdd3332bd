import ReconMemory

/// Settlement lines kept column-wise, for the pipeline to hold between the readers and the
/// reports (the lines' side of `PaymentTable`).
///
/// A `SettlementRecord` is about 200 bytes with its strings (longer keys in heap blocks of
/// their own); here a line is a 40-byte row of what matching reads for every line (amounts,
/// currency, status, kind, flags, where its bytes start), 32 bytes of columns read for
/// findings, and its texts as one run of bytes in an arena. `self[slot]` makes the record
/// again, equal to the one appended.
///
/// A row's `meta` packs the gross's currency, the status, the kind, the locator and which
/// optional parts follow in its bytes: the key, then the settlement id, provider, raw status,
/// batch id, alternate keys (a count, then each), the stated rate and the settlement currency
/// when present.
public struct LineTable: RandomAccessCollection, Sendable {
    struct Row: Sendable {
        var meta: UInt64
        var gross: Int64
        var fee: Int64
        var net: Int64
        /// The handle of the line's bytes in `arena`.
        var start: Int
    }

    /// What findings read, in one column (one append per line, not four).
    struct Cold {
        var settled: Int64
        var payoutDay: Int32
        var source: SourceFile
        var position: SourcePosition
    }

    var rows = ChunkedArray<Row>()
    var cold = ChunkedArray<Cold>()
    var arena = ByteArena()

    public init() {}

    public init(_ records: some Sequence<SettlementRecord>) {
        for record in records { append(record) }
    }

    public var count: Int { rows.count }
    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    static let statusShift: UInt64 = 28
    static let kindShift: UInt64 = 32
    static let recordLocator: UInt64 = 1 << 36
    static let hasSettlementId: UInt64 = 1 << 37
    static let hasProvider: UInt64 = 1 << 38
    static let hasBatch: UInt64 = 1 << 39
    static let hasAlternates: UInt64 = 1 << 40
    static let hasRate: UInt64 = 1 << 41
    static let converted: UInt64 = 1 << 42

    public mutating func append(_ record: borrowing SettlementRecord) {
        var meta =
            record.gross.currency.packed | record.status.tableCode << Self.statusShift
            | UInt64(record.kind.rawValue) << Self.kindShift
        if record.provenance.locator == .record { meta |= Self.recordLocator }
        if record.settlementId != nil { meta |= Self.hasSettlementId }
        if record.provider != nil { meta |= Self.hasProvider }
        if record.batchId != nil { meta |= Self.hasBatch }
        if record.alternateKeys != nil { meta |= Self.hasAlternates }
        if record.rateScaled != 0 { meta |= Self.hasRate }
        if record.otherSettlementCurrency != nil { meta |= Self.converted }
        let key = record.key
        let settlementId = record.settlementId
        let provider = record.provider
        let rawStatus = record.rawStatus
        let batchId = record.batchId
        let alternates = record.alternateKeys
        // the record's bytes are sized first, then written straight into the arena as one run
        var size = ArenaBytes.textSize(key) + ArenaBytes.textSize(rawStatus)
        if let settlementId { size += ArenaBytes.textSize(settlementId) }
        if let provider { size += ArenaBytes.textSize(provider) }
        if let batchId { size += ArenaBytes.textSize(batchId) }
        if let alternates { size += alternates.reduce(8) { $0 + ArenaBytes.textSize($1) } }
        if record.rateScaled != 0 { size += 8 }
        if record.otherSettlementCurrency != nil { size += 8 }
        let rate = record.rateScaled
        let other = record.otherSettlementCurrency
        let start = arena.append(count: size) { run in
            var at = ArenaBytes.write(key, at: run)
            if let settlementId { at = ArenaBytes.write(settlementId, at: at) }
            if let provider { at = ArenaBytes.write(provider, at: at) }
            at = ArenaBytes.write(rawStatus, at: at)
            if let batchId { at = ArenaBytes.write(batchId, at: at) }
            if let alternates {
                at = ArenaBytes.write(Int64(alternates.count), at: at)
                for key in alternates { at = ArenaBytes.write(key, at: at) }
            }
            if rate != 0 { at = ArenaBytes.write(rate, at: at) }
            if let other { at = ArenaBytes.write(Int64(other.packed), at: at) }
            precondition(at == run + size, "a line's bytes sized wrongly")
        }
        rows.append(
            Row(meta: meta, gross: record.gross.minorUnits, fee: record.feeMinor, net: record.netMinor, start: start))
        cold.append(
            Cold(
                settled: record.settledMilliseconds, payoutDay: record.payoutDay, source: record.provenance.source,
                position: record.provenance.position))
    }

    public func kind(_ slot: Int) -> SettlementKind {
        SettlementKind(rawValue: UInt8(truncatingIfNeeded: rows[slot].meta >> Self.kindShift & 0xF)) ?? .payment
    }

    public func status(_ slot: Int) -> SettlementStatus {
        SettlementStatus(tableCode: rows[slot].meta >> Self.statusShift & 0xF)
    }

    public func gross(_ slot: Int) -> Money {
        Money(minorUnits: rows[slot].gross, currency: Currency(packed: rows[slot].meta))
    }

    /// Whether the line was paid out in another currency than it was charged in.
    public func isConverted(_ slot: Int) -> Bool { rows[slot].meta & Self.converted != 0 }

    /// Whether the line names a payout batch.
    public func hasBatch(_ slot: Int) -> Bool { rows[slot].meta & Self.hasBatch != 0 }

    /// Whether the line's net is its gross less its fee (true when it states no fee or net;
    /// false for a converted line, which is checked against its rate, slowly).
    public func netAddsUp(_ slot: Int) -> Bool {
        let row = rows[slot]
        guard row.meta & Self.converted == 0 else { return false }
        guard row.fee != Packed.none, row.net != Packed.none else { return true }
        return Total(row.net) == Total(row.gross) - Total(row.fee)
    }

    /// Fee and net in the settlement currency (a converted line's are read from its record).
    public func fee(_ slot: Int) -> Money? {
        let row = rows[slot]
        guard row.fee != Packed.none else { return nil }
        guard row.meta & Self.converted == 0 else { return self[slot].fee }
        return Money(minorUnits: row.fee, currency: Currency(packed: row.meta))
    }

    public func net(_ slot: Int) -> Money? {
        let row = rows[slot]
        guard row.net != Packed.none else { return nil }
        guard row.meta & Self.converted == 0 else { return self[slot].net }
        return Money(minorUnits: row.net, currency: Currency(packed: row.meta))
    }

    /// The provider named on the line, read without making the rest of the record.
    public func provider(_ slot: Int) -> String? {
        let meta = rows[slot].meta
        guard meta & Self.hasProvider != 0 else { return nil }
        var at = ArenaBytes.text(at: arena.address(rows[slot].start)).1
        if meta & Self.hasSettlementId != 0 { at = ArenaBytes.text(at: at).1 }
        return ArenaBytes.string(at: at).0
    }

    /// The line's further keys (a bank entry's), nil for most lines.
    public func alternateKeys(_ slot: Int) -> [String]? {
        guard rows[slot].meta & Self.hasAlternates != 0 else { return nil }
        return self[slot].alternateKeys
    }

    /// Calls `body` with the UTF-8 bytes of the line's key.
    public func withKey<R>(_ slot: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        body(ArenaBytes.text(at: arena.address(rows[slot].start)).0)
    }

    /// Line `slot` as the model: for findings and reports, not for hot loops, which read the
    /// columns above.
    public subscript(slot: Int) -> SettlementRecord {
        let line = rows[slot]
        let meta = line.meta
        let (key, afterKey) = ArenaBytes.string(at: arena.address(line.start))
        var at = afterKey
        func next() -> String {
            let (value, after) = ArenaBytes.string(at: at)
            at = after
            return value
        }
        func text(if flag: UInt64) -> String? { meta & flag != 0 ? next() : nil }
        let settlementId = text(if: Self.hasSettlementId)
        let provider = text(if: Self.hasProvider)
        let rawStatus = next()
        let batchId = text(if: Self.hasBatch)
        var alternates: [String]?
        if meta & Self.hasAlternates != 0 {
            let n = Int(ArenaBytes.int(at: at))
            at += 8
            alternates = (0..<n).map { _ in next() }
        }
        var record = SettlementRecord(
            key: key, alternateKeys: alternates, settlementId: settlementId, provider: provider,
            gross: Money(minorUnits: line.gross, currency: Currency(packed: meta)), status: status(slot),
            rawStatus: rawStatus,
            provenance: Provenance(
                source: cold[slot].source, position: cold[slot].position,
                locator: meta & Self.recordLocator != 0 ? .record : .line),
            kind: kind(slot), batchId: batchId)
        if meta & Self.hasRate != 0 {
            record.rateScaled = ArenaBytes.int(at: at)
            at += 8
        }
        if meta & Self.converted != 0 {
            record.otherSettlementCurrency = Currency(packed: UInt64(ArenaBytes.int(at: at)))
        }
        record.feeMinor = line.fee
        record.netMinor = line.net
        record.settledMilliseconds = cold[slot].settled
        record.payoutDay = cold[slot].payoutDay
        return record
    }
}

extension Currency {
    /// The currency packed into the low 28 bits of a table row's `meta` (code, then exponent).
    init(packed meta: UInt64) {
        self.init(packedCode: UInt32(meta & 0xFF_FFFF), exponent: Int(meta >> 24 & 0xF))
    }

    var packed: UInt64 { UInt64(packedCode & 0xFF_FFFF) | UInt64(exponent) << 24 }
}
