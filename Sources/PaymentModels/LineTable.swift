/// Settlement lines kept column-wise, for the pipeline to hold between the readers and the
/// reports (the lines' side of `PaymentTable`).
///
/// A `SettlementRecord` is about 200 bytes with its strings (longer keys in heap blocks of
/// their own); here a line is a 40-byte row of what matching reads for every line (amounts,
/// currency, status, kind, flags, where its bytes start), 32 bytes of columns read for
/// findings, and its texts as bytes in its chunk's arena. `self[slot]` makes the record again,
/// equal to the one appended.
public struct LineTable: RandomAccessCollection, Sendable {
    public static let chunkShift = 16
    public static let chunkSize = 1 << chunkShift

    @usableFromInline var chunks: [LineChunk] = []
    public private(set) var count = 0

    public init() {}

    public init(_ records: some Sequence<SettlementRecord>) {
        for record in records { append(record) }
    }

    public mutating func append(_ record: borrowing SettlementRecord) {
        if count & (Self.chunkSize - 1) == 0 {
            if !chunks.isEmpty { chunks[chunks.count - 1].shrink() }
            chunks.append(LineChunk())
        }
        chunks[chunks.count - 1].append(record)
        count += 1
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    /// Line `slot` as the model: for findings and reports, not for hot loops, which read the
    /// columns below.
    public subscript(slot: Int) -> SettlementRecord {
        chunks[slot >> Self.chunkShift].record(slot & (Self.chunkSize - 1))
    }

    @inlinable func row(_ slot: Int) -> LineChunk.Row {
        chunks[slot >> Self.chunkShift].rows[slot & (Self.chunkSize - 1)]
    }

    @inlinable public func kind(_ slot: Int) -> SettlementKind { LineChunk.kind(row(slot).meta) }
    @inlinable public func status(_ slot: Int) -> SettlementStatus { LineChunk.status(row(slot).meta) }

    @inlinable public func gross(_ slot: Int) -> Money {
        let row = row(slot)
        return Money(minorUnits: row.gross, currency: Currency(packed: row.meta))
    }

    /// Whether the line was paid out in another currency than it was charged in.
    @inlinable public func isConverted(_ slot: Int) -> Bool { row(slot).meta & LineChunk.converted != 0 }

    /// Whether the line names a payout batch.
    @inlinable public func hasBatch(_ slot: Int) -> Bool { row(slot).meta & LineChunk.hasBatch != 0 }

    /// Whether net = gross - fee, or either is absent (for a line not converted).
    @inlinable public func netAddsUp(_ slot: Int) -> Bool {
        let row = row(slot)
        guard row.fee != Packed.none, row.net != Packed.none else { return true }
        return Total(row.net) == Total(row.gross) - Total(row.fee)
    }

    /// Fee and net in the settlement currency (a converted line's is read from its record).
    @inlinable public func fee(_ slot: Int) -> Money? {
        let row = row(slot)
        guard row.fee != Packed.none else { return nil }
        guard row.meta & LineChunk.converted == 0 else { return self[slot].fee }
        return Money(minorUnits: row.fee, currency: Currency(packed: row.meta))
    }

    @inlinable public func net(_ slot: Int) -> Money? {
        let row = row(slot)
        guard row.net != Packed.none else { return nil }
        guard row.meta & LineChunk.converted == 0 else { return self[slot].net }
        return Money(minorUnits: row.net, currency: Currency(packed: row.meta))
    }

    public func provider(_ slot: Int) -> String? {
        chunks[slot >> Self.chunkShift].provider(slot & (Self.chunkSize - 1))
    }

    /// The line's further keys (a bank entry's), nil for most lines.
    public func alternateKeys(_ slot: Int) -> [String]? {
        guard row(slot).meta & LineChunk.hasAlternates != 0 else { return nil }
        return self[slot].alternateKeys
    }

    /// Calls `body` with the UTF-8 bytes of the line's key.
    @inlinable public func withKey<R>(_ slot: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        let chunk = slot >> Self.chunkShift
        let start = chunks[chunk].rows[slot & (Self.chunkSize - 1)].start
        return chunks[chunk].arena.withUnsafeBytes { bytes in
            let (from, to) = ArenaBytes.text(bytes, start)
            return body(UnsafeRawBufferPointer(rebasing: bytes[from..<to]))
        }
    }
}

extension Currency {
    /// The currency packed into the low 28 bits of a table row's `meta` (code, then exponent).
    @inlinable init(packed meta: UInt64) {
        self.init(packedCode: UInt32(meta & 0xFF_FFFF), exponent: Int(meta >> 24 & 0xF))
    }

    var packed: UInt64 { UInt64(packedCode & 0xFF_FFFF) | UInt64(exponent) << 24 }
}

/// Up to 65,536 lines, column-wise. A row's `meta` packs the gross's currency, the status,
/// the kind, the locator and which optional parts follow in the arena: the key, then the
/// settlement id, provider, raw status, batch id, alternate keys (a count, then each), the
/// stated rate and the settlement currency when present.
public struct LineChunk: Sendable {
    @usableFromInline struct Row: Sendable {
        @usableFromInline var meta: UInt64
        @usableFromInline var gross: Int64
        @usableFromInline var fee: Int64
        @usableFromInline var net: Int64
        @usableFromInline var start: Int
    }

    @usableFromInline var rows: [Row] = []
    var settled: [Int64] = []
    var payoutDay: [Int32] = []
    var source: [SourceFile] = []
    var position: [SourcePosition] = []
    @usableFromInline var arena: [UInt8] = []

    init() {
        let n = LineTable.chunkSize
        rows.reserveCapacity(n)
        settled.reserveCapacity(n)
        payoutDay.reserveCapacity(n)
        source.reserveCapacity(n)
        position.reserveCapacity(n)
        arena.reserveCapacity(n * 64)
    }

    var count: Int { rows.count }

    @usableFromInline static let statusShift: UInt64 = 28
    @usableFromInline static let kindShift: UInt64 = 32
    static let recordLocator: UInt64 = 1 << 36
    static let hasSettlementId: UInt64 = 1 << 37
    static let hasProvider: UInt64 = 1 << 38
    @usableFromInline static let hasBatch: UInt64 = 1 << 39
    @usableFromInline static let hasAlternates: UInt64 = 1 << 40
    static let hasRate: UInt64 = 1 << 41
    @usableFromInline static let converted: UInt64 = 1 << 42

    @inlinable static func kind(_ meta: UInt64) -> SettlementKind {
        SettlementKind.allCases[Int(meta >> kindShift & 0xF)]
    }

    @inlinable static func status(_ meta: UInt64) -> SettlementStatus {
        SettlementStatus.allCases[Int(meta >> statusShift & 0xF)]
    }

    mutating func append(_ record: borrowing SettlementRecord) {
        var meta =
            record.gross.currency.packed
            | UInt64(SettlementStatus.allCases.firstIndex(of: record.status)!) << Self.statusShift
            | UInt64(SettlementKind.allCases.firstIndex(of: record.kind)!) << Self.kindShift
        if record.provenance.locator == .record { meta |= Self.recordLocator }
        if record.settlementId != nil { meta |= Self.hasSettlementId }
        if record.provider != nil { meta |= Self.hasProvider }
        if record.batchId != nil { meta |= Self.hasBatch }
        if record.alternateKeys != nil { meta |= Self.hasAlternates }
        if record.rateScaled != 0 { meta |= Self.hasRate }
        if record.otherSettlementCurrency != nil { meta |= Self.converted }
        rows.append(
            Row(
                meta: meta, gross: record.gross.minorUnits, fee: record.feeMinor, net: record.netMinor,
                start: arena.count))
        settled.append(record.settledMilliseconds)
        payoutDay.append(record.payoutDay)
        source.append(record.provenance.source)
        position.append(record.provenance.position)
        ArenaBytes.appendText(record.key, to: &arena)
        if let id = record.settlementId { ArenaBytes.appendText(id, to: &arena) }
        if let provider = record.provider { ArenaBytes.appendText(provider, to: &arena) }
        ArenaBytes.appendText(record.rawStatus, to: &arena)
        if let batch = record.batchId { ArenaBytes.appendText(batch, to: &arena) }
        if let alternates = record.alternateKeys {
            ArenaBytes.appendInt(Int64(alternates.count), to: &arena)
            for key in alternates { ArenaBytes.appendText(key, to: &arena) }
        }
        if record.rateScaled != 0 { ArenaBytes.appendInt(record.rateScaled, to: &arena) }
        if let other = record.otherSettlementCurrency { ArenaBytes.appendInt(Int64(other.packed), to: &arena) }
    }

    mutating func shrink() { arena = ArenaBytes.shrunk(arena) }

    /// The provider named on row `row`, read without making the rest of the record.
    func provider(_ row: Int) -> String? {
        let meta = rows[row].meta
        guard meta & Self.hasProvider != 0 else { return nil }
        return arena.withUnsafeBytes { bytes in
            var at = ArenaBytes.text(bytes, rows[row].start).1
            if meta & Self.hasSettlementId != 0 { at = ArenaBytes.text(bytes, at).1 }
            return ArenaBytes.string(bytes, at).0
        }
    }

    /// Row `row` as the record it was made from.
    func record(_ row: Int) -> SettlementRecord {
        let line = rows[row]
        let meta = line.meta
        return arena.withUnsafeBytes { bytes in
            let (key, afterKey) = ArenaBytes.string(bytes, line.start)
            var at = afterKey
            func text(if flag: UInt64) -> String? {
                guard meta & flag != 0 else { return nil }
                let (value, end) = ArenaBytes.string(bytes, at)
                at = end
                return value
            }
            let settlementId = text(if: Self.hasSettlementId)
            let provider = text(if: Self.hasProvider)
            let (rawStatus, afterStatus) = ArenaBytes.string(bytes, at)
            at = afterStatus
            let batchId = text(if: Self.hasBatch)
            var alternates: [String]?
            if meta & Self.hasAlternates != 0 {
                let n = Int(ArenaBytes.int(bytes, at))
                at += 8
                alternates = []
                for _ in 0..<n { alternates!.append(text(if: Self.hasAlternates)!) }
            }
            var record = SettlementRecord(
                key: key, alternateKeys: alternates, settlementId: settlementId, provider: provider,
                gross: Money(minorUnits: line.gross, currency: Currency(packed: meta)), status: Self.status(meta),
                rawStatus: rawStatus,
                provenance: Provenance(
                    source: source[row], position: position[row],
                    locator: meta & Self.recordLocator != 0 ? .record : .line),
                kind: Self.kind(meta), batchId: batchId)
            if meta & Self.hasRate != 0 {
                record.rateScaled = ArenaBytes.int(bytes, at)
                at += 8
            }
            if meta & Self.converted != 0 {
                record.otherSettlementCurrency = Currency(packed: UInt64(ArenaBytes.int(bytes, at)))
            }
            record.feeMinor = line.fee
            record.netMinor = line.net
            record.settledMilliseconds = settled[row]
            record.payoutDay = payoutDay[row]
            return record
        }
    }
}
