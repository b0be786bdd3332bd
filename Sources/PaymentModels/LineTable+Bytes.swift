import ReconMemory

/// A settlement line's fixed-width parts, for `LineTable.append(_:texts:)`: its texts come as
/// bytes beside it (`LineTexts`), so a line read from bytes (a store's columns) reaches the
/// table with no `String` made.
public struct LineFacts: Sendable {
    public var gross: Money
    /// Fee and net in the settlement currency; never `Int64.min` (the tables' mark for none).
    public var fee: Int64?
    public var net: Int64?
    public var status: SettlementStatus
    public var kind: SettlementKind
    /// The currency of fee and net; nil: the gross's.
    public var settlementCurrency: Currency?
    public var exchangeRate: ExchangeRate?
    /// Milliseconds since 1970; never `Int64.min`.
    public var settledMilliseconds: Int64?
    public var payoutAt: Timestamp?
    public var provenance: Provenance

    public init(
        gross: Money, fee: Int64? = nil, net: Int64? = nil, status: SettlementStatus, kind: SettlementKind = .payment,
        settlementCurrency: Currency? = nil, exchangeRate: ExchangeRate? = nil, settledMilliseconds: Int64? = nil,
        payoutAt: Timestamp? = nil, provenance: Provenance
    ) {
        (self.gross, self.fee, self.net, self.status, self.kind) = (gross, fee, net, status, kind)
        (self.settlementCurrency, self.exchangeRate) = (settlementCurrency, exchangeRate)
        (self.settledMilliseconds, self.payoutAt, self.provenance) = (settledMilliseconds, payoutAt, provenance)
    }
}

/// A settlement line's texts as bytes, valid while the line is appended.
public struct LineTexts {
    public var key: UnsafeRawBufferPointer
    public var settlementId: UnsafeRawBufferPointer?
    public var provider: UnsafeRawBufferPointer?
    public var rawStatus: UnsafeRawBufferPointer
    public var batchId: UnsafeRawBufferPointer?
    /// The alternate keys joined by `separator`; an empty part is no key, and none is nil.
    public var alternates: UnsafeRawBufferPointer?
    public var separator: UInt8

    public init(
        key: UnsafeRawBufferPointer, settlementId: UnsafeRawBufferPointer? = nil,
        provider: UnsafeRawBufferPointer? = nil, rawStatus: UnsafeRawBufferPointer,
        batchId: UnsafeRawBufferPointer? = nil, alternates: UnsafeRawBufferPointer? = nil, separator: UInt8 = 0x1F
    ) {
        (self.key, self.settlementId, self.provider, self.rawStatus) = (key, settlementId, provider, rawStatus)
        (self.batchId, self.alternates, self.separator) = (batchId, alternates, separator)
    }

    /// Each alternate key, empty parts left out.
    func forEachAlternate(_ body: (UnsafeRawBufferPointer) -> Void) {
        guard let alternates, !alternates.isEmpty else { return }
        var start = 0
        for k in 0...alternates.count where k == alternates.count || alternates[k] == separator {
            if k > start { body(UnsafeRawBufferPointer(rebasing: alternates[start..<k])) }
            start = k + 1
        }
    }
}

extension LineTable {
    /// Appends the line `facts` and `texts` describe: the same line as appending the
    /// `SettlementRecord` they make, its bytes written straight into the arena.
    public mutating func append(_ facts: LineFacts, texts: LineTexts) {
        let other = facts.settlementCurrency.flatMap { $0 == facts.gross.currency ? nil : $0 }
        let rate = facts.exchangeRate?.scaled ?? 0
        var meta =
            facts.gross.currency.packed | facts.status.tableCode << Self.statusShift
            | UInt64(facts.kind.rawValue) << Self.kindShift
        if facts.provenance.locator == .record { meta |= Self.recordLocator }
        var size = ArenaBytes.textSize(texts.key.count) + ArenaBytes.textSize(texts.rawStatus.count)
        if let id = texts.settlementId {
            (meta, size) = (meta | Self.hasSettlementId, size + ArenaBytes.textSize(id.count))
        }
        if let name = texts.provider {
            (meta, size) = (meta | Self.hasProvider, size + ArenaBytes.textSize(name.count))
        }
        if let batch = texts.batchId { (meta, size) = (meta | Self.hasBatch, size + ArenaBytes.textSize(batch.count)) }
        var alternates = 0
        texts.forEachAlternate { (alternates, size) = (alternates + 1, size + ArenaBytes.textSize($0.count)) }
        if alternates > 0 { (meta, size) = (meta | Self.hasAlternates, size + 8) }
        if rate != 0 { (meta, size) = (meta | Self.hasRate, size + 8) }
        if other != nil { (meta, size) = (meta | Self.converted, size + 8) }
        let start = arena.append(count: size) { run in
            var at = ArenaBytes.write(texts.key, at: run)
            if let id = texts.settlementId { at = ArenaBytes.write(id, at: at) }
            if let provider = texts.provider { at = ArenaBytes.write(provider, at: at) }
            at = ArenaBytes.write(texts.rawStatus, at: at)
            if let batch = texts.batchId { at = ArenaBytes.write(batch, at: at) }
            if alternates > 0 {
                at = ArenaBytes.write(Int64(alternates), at: at)
                texts.forEachAlternate { at = ArenaBytes.write($0, at: at) }
            }
            if rate != 0 { at = ArenaBytes.write(rate, at: at) }
            if let other { at = ArenaBytes.write(Int64(other.packed), at: at) }
            precondition(at == run + size, "a line's bytes sized wrongly")
        }
        rows.append(
            Row(
                meta: meta, gross: facts.gross.minorUnits, fee: Packed.pack(facts.fee), net: Packed.pack(facts.net),
                start: start))
        cold.append(
            Cold(
                settled: Packed.pack(facts.settledMilliseconds), payoutDay: SettlementRecord.day(facts.payoutAt),
                source: facts.provenance.source, position: facts.provenance.position))
    }
}
