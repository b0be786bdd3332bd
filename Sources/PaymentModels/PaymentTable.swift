/// Created payments kept column-wise, for the pipeline to hold between the readers and the
/// reports.
///
/// A `Payment` is about 190 bytes with its key strings beside it (a provider id of 27 bytes is
/// a heap block of its own, 64 bytes more); here a payment is 52 bytes of fixed columns plus
/// its keys and raw status as bytes in its chunk's arena (about 60 bytes for the bench's
/// payments), and no reference count anywhere. Matching reads the columns it needs (amount,
/// currency, status, system, keys as bytes); a finding makes the `Payment` back with
/// `self[p]`, which equals the one appended.
///
/// Payments live in chunks of 65,536, each built on its own (`PaymentChunk`, on a reading
/// thread) and appended whole, so appending never moves a payment and a full chunk can be
/// handed to another thread. The table is a value: copying it shares the chunks.
public struct PaymentTable: RandomAccessCollection, Sendable {
    public static let chunkShift = 16
    public static let chunkSize = 1 << chunkShift

    @usableFromInline var chunks: [PaymentChunk] = []
    public private(set) var count = 0

    public init() {}

    public init(_ payments: some Sequence<Payment>) {
        var chunk = PaymentChunk(capacity: payments.underestimatedCount)
        for payment in payments {
            chunk.append(payment)
            if chunk.count == Self.chunkSize {
                append(chunk: chunk)
                chunk = PaymentChunk(capacity: payments.underestimatedCount - count)
            }
        }
        if chunk.count > 0 { append(chunk: chunk) }
    }

    /// Appends a chunk; every chunk before it must be full.
    public mutating func append(chunk: consuming PaymentChunk) {
        precondition(count & (Self.chunkSize - 1) == 0, "appending a chunk after a partial one")
        precondition(chunk.count > 0 && chunk.count <= Self.chunkSize, "a chunk of \(chunk.count) payments")
        count += chunk.count
        chunk.shrink()
        chunks.append(chunk)
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    /// Payment `p` as the model (keys and raw status made into strings again): for findings
    /// and reports, not for hot loops, which read the columns below.
    public subscript(p: Int) -> Payment {
        chunks[p >> Self.chunkShift].payment(p & (Self.chunkSize - 1))
    }

    @inlinable func row(_ p: Int) -> PaymentChunk.Row {
        chunks[p >> Self.chunkShift].rows[p & (Self.chunkSize - 1)]
    }

    @inlinable public func chunk(of p: Int) -> PaymentChunk { chunks[p >> Self.chunkShift] }

    @inlinable public func system(_ p: Int) -> PaymentSystem { PaymentChunk.system(row(p).meta) }
    @inlinable public func status(_ p: Int) -> PaymentStatus { PaymentChunk.status(row(p).meta) }

    @inlinable public func amount(_ p: Int) -> Money {
        let row = row(p)
        return Money(minorUnits: row.amount, currency: PaymentChunk.currency(row.meta))
    }

    public func createdAt(_ p: Int) -> Timestamp? {
        Packed.timestamp(chunks[p >> Self.chunkShift].created[p & (Self.chunkSize - 1)])
    }

    @inlinable public func keyCount(_ p: Int) -> Int { PaymentChunk.keyCount(row(p).meta) }

    /// Calls `body` with each key's position, field and UTF-8 bytes, in `KeyField` order.
    public func forEachKey(of p: Int, _ body: (Int, KeyField, UnsafeRawBufferPointer) -> Void) {
        chunks[p >> Self.chunkShift].forEachKey(of: p & (Self.chunkSize - 1), body)
    }

    /// Whether key `k` of payment `p` is exactly `bytes`.
    @inlinable public func key(of p: Int, at k: Int, equals bytes: UnsafeRawBufferPointer) -> Bool {
        chunks[p >> Self.chunkShift].key(of: p & (Self.chunkSize - 1), at: k, equals: bytes)
    }

    /// Where payment `p`'s row (amount, currency, status, system) and key bytes lie, for a
    /// prefetch: the key bytes' address is read from the (possibly not yet cached) row, so
    /// prefetch the row some time before the keys. Only hints: never read through.
    @inlinable public func rowAddressHint(_ p: Int) -> UnsafeRawPointer? {
        chunks[p >> Self.chunkShift].rows.withUnsafeBufferPointer {
            UnsafeRawPointer($0.baseAddress.map { $0 + (p & (Self.chunkSize - 1)) })
        }
    }

    @inlinable public func keysAddressHint(_ p: Int) -> UnsafeRawPointer? {
        let chunk = p >> Self.chunkShift
        let start = chunks[chunk].rows[p & (Self.chunkSize - 1)].keyStart
        return chunks[chunk].arena.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress.map { $0 + start }) }
    }
}

/// Up to 65,536 payments, column-wise: the unit a reading thread fills and hands over.
///
/// Per payment, a `Row` holds what matching reads for every payment, in one 24-byte record
/// (one cache miss, not one per column); the rest is in columns read for findings only. The
/// row's `meta` packs the currency (code and exponent), system, status, key count, locator and
/// which optional amounts follow; `keyStart` is where its bytes begin in `arena`: each key as
/// its field, a length and the UTF-8 bytes, then the raw status (a length and its bytes), then
/// fee, net and ordered amount when present (8 bytes each).
public struct PaymentChunk: Sendable {
    @usableFromInline struct Row: Sendable {
        @usableFromInline var meta: UInt64
        @usableFromInline var amount: Int64
        @usableFromInline var keyStart: Int
    }

    @usableFromInline var rows: [Row] = []
    var created: [Int64] = []
    var source: [SourceFile] = []
    var position: [SourcePosition] = []
    @usableFromInline var arena: [UInt8] = []

    /// A chunk with room for `capacity` payments (a full chunk's by default) before it grows.
    public init(capacity: Int = PaymentTable.chunkSize) {
        let n = min(capacity, PaymentTable.chunkSize)
        rows.reserveCapacity(n)
        created.reserveCapacity(n)
        source.reserveCapacity(n)
        position.reserveCapacity(n)
        arena.reserveCapacity(n * 64)
    }

    public var count: Int { rows.count }

    // meta's bits
    @usableFromInline static let exponentShift: UInt64 = 24
    @usableFromInline static let systemShift: UInt64 = 28
    @usableFromInline static let statusShift: UInt64 = 32
    @usableFromInline static let keyCountShift: UInt64 = 40
    static let recordLocator: UInt64 = 1 << 48
    static let hasFee: UInt64 = 1 << 49
    static let hasNet: UInt64 = 1 << 50
    static let hasOrdered: UInt64 = 1 << 51

    public mutating func append(_ payment: borrowing Payment) {
        precondition(count < PaymentTable.chunkSize, "appending to a full chunk")
        let keys = payment.keys.count
        precondition(keys <= 255, "a payment with more than 255 keys")
        let currency = payment.amount.currency
        let fee = payment.fee
        let net = payment.net
        let ordered = payment.orderedAmount
        var bits =
            UInt64(currency.packedCode & 0xFF_FFFF) | UInt64(currency.exponent) << Self.exponentShift
            | UInt64(payment.system.index) << Self.systemShift
            | UInt64(Self.statusIndex(payment.status)) << Self.statusShift | UInt64(keys) << Self.keyCountShift
        if payment.provenance.locator == .record { bits |= Self.recordLocator }
        if fee != nil { bits |= Self.hasFee }
        if net != nil { bits |= Self.hasNet }
        if ordered != nil { bits |= Self.hasOrdered }
        rows.append(Row(meta: bits, amount: payment.amount.minorUnits, keyStart: arena.count))
        created.append(Packed.pack(payment.createdAt?.millisecondsSince1970))
        source.append(payment.provenance.source)
        position.append(payment.provenance.position)
        for k in 0..<keys {
            arena.append(payment.keys.field(at: k).rawValue)
            payment.keys.withValueBytes(at: k) { ArenaBytes.appendText($0, to: &arena) }
        }
        ArenaBytes.appendText(payment.rawStatus, to: &arena)
        if let fee { ArenaBytes.appendInt(fee.minorUnits, to: &arena) }
        if let net { ArenaBytes.appendInt(net.minorUnits, to: &arena) }
        if let ordered { ArenaBytes.appendInt(ordered.minorUnits, to: &arena) }
    }

    /// Gives back the arena's unused capacity (it grows by doubling while the chunk fills).
    mutating func shrink() { arena = ArenaBytes.shrunk(arena) }

    static func statusIndex(_ status: PaymentStatus) -> Int { PaymentStatus.allCases.firstIndex(of: status)! }

    @inlinable static func currency(_ meta: UInt64) -> Currency {
        Currency(packedCode: UInt32(meta & 0xFF_FFFF), exponent: Int(meta >> exponentShift & 0xF))
    }

    @inlinable static func system(_ meta: UInt64) -> PaymentSystem {
        PaymentSystem.allCases[Int(meta >> systemShift & 0xF)]
    }

    @inlinable static func status(_ meta: UInt64) -> PaymentStatus {
        PaymentStatus.allCases[Int(meta >> statusShift & 0xFF)]
    }

    @inlinable static func keyCount(_ meta: UInt64) -> Int { Int(meta >> keyCountShift & 0xFF) }

    @inlinable public func system(_ row: Int) -> PaymentSystem { Self.system(rows[row].meta) }
    @inlinable public func status(_ row: Int) -> PaymentStatus { Self.status(rows[row].meta) }

    @inlinable public func amount(_ row: Int) -> Money {
        Money(minorUnits: rows[row].amount, currency: Self.currency(rows[row].meta))
    }

    /// Appends row `row` of `other` (its bytes copied, no string made).
    public mutating func append(_ row: Int, of other: PaymentChunk) {
        precondition(count < PaymentTable.chunkSize, "appending to a full chunk")
        let start = other.rows[row].keyStart
        let end = row + 1 < other.count ? other.rows[row + 1].keyStart : other.arena.count
        var copy = other.rows[row]
        copy.keyStart = arena.count
        rows.append(copy)
        created.append(other.created[row])
        source.append(other.source[row])
        position.append(other.position[row])
        arena.append(contentsOf: other.arena[start..<end])
    }

    /// Changes every row's position (a part read on its own is renumbered once its place in the
    /// file is known).
    public mutating func updatePositions(_ body: (inout SourcePosition) -> Void) {
        for i in position.indices { body(&position[i]) }
    }

    /// Calls `body` with each key of row `row`; returns the offset just past the keys.
    @discardableResult
    public func forEachKey(of row: Int, _ body: (Int, KeyField, UnsafeRawBufferPointer) -> Void) -> Int {
        let keys = Self.keyCount(rows[row].meta)
        return arena.withUnsafeBytes { bytes in
            var at = rows[row].keyStart
            for k in 0..<keys {
                let field = KeyField(rawValue: bytes[at])!
                let (start, end) = ArenaBytes.text(bytes, at + 1)
                body(k, field, UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
                at = end
            }
            return at
        }
    }

    /// Whether key `k` of row `row` is `key`; `k` must be below the row's key count.
    @inlinable func key(of row: Int, at k: Int, equals key: UnsafeRawBufferPointer) -> Bool {
        arena.withUnsafeBytes { bytes in
            var at = rows[row].keyStart
            for _ in 0..<k { at = ArenaBytes.text(bytes, at + 1).1 }
            return ArenaBytes.text(bytes, at + 1, equals: key)
        }
    }

    /// Row `row` as the model it was made from.
    public func payment(_ row: Int) -> Payment {
        let bits = rows[row].meta
        var keys = PaymentKeys()
        let end = forEachKey(of: row) { _, field, value in keys.add(field, String(decoding: value, as: UTF8.self)) }
        let currency = Self.currency(bits)
        var extras: [Int64] = []
        let rawStatus = arena.withUnsafeBytes { bytes in
            var (status, at) = ArenaBytes.string(bytes, end)
            for flag in [Self.hasFee, Self.hasNet, Self.hasOrdered] {
                extras.append(bits & flag != 0 ? ArenaBytes.int(bytes, at) : Packed.none)
                if bits & flag != 0 { at += 8 }
            }
            return status
        }
        var payment = Payment(
            system: Self.system(bits), keys: keys, amount: Money(minorUnits: rows[row].amount, currency: currency),
            fee: Packed.money(extras[0], currency), net: Packed.money(extras[1], currency),
            status: Self.status(bits), rawStatus: rawStatus, createdAt: Packed.timestamp(created[row]),
            provenance: Provenance(
                source: source[row], position: position[row],
                locator: bits & Self.recordLocator != 0 ? .record : .line))
        payment.orderedAmount = Packed.money(extras[2], currency)
        return payment
    }
}
