import ReconMemory

/// Created payments kept column-wise, for the pipeline to hold between the readers and the
/// reports.
///
/// A `Payment` is about 190 bytes with its key strings beside it (a provider id of 27 bytes is
/// a heap block of its own, 64 bytes more); here a payment is a 24-byte row of what matching
/// reads for every payment, a 32-byte column read for findings, and its keys and raw status
/// as one run of bytes in an arena (about 60 bytes for the bench's payments), with no
/// reference count anywhere. Matching reads the row and the key bytes; a finding makes the
/// `Payment` back with `self[p]`, which equals the one appended.
///
/// Payments arrive in `PaymentChunk`s, each filled on a reading thread and appended whole.
public struct PaymentTable: RandomAccessCollection, Sendable {
    /// Payments a `PaymentChunk` holds at most.
    public static let chunkSize = 1 << 16

    var rows = ChunkedArray<PaymentChunk.Row>()
    var cold = ChunkedArray<PaymentChunk.Cold>()
    /// Row `keyStart`s are handles into this arena.
    var arena = ByteArena()

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

    /// Appends the payments of `chunk`, in order (their bytes are copied).
    public mutating func append(chunk: borrowing PaymentChunk) {
        chunk.arena.withUnsafeBytes { bytes in
            for r in 0..<chunk.count {
                var row = chunk.rows[r]
                row.keyStart = arena.append(UnsafeRawBufferPointer(rebasing: bytes[chunk.run(r)]))
                rows.append(row)
                cold.append(chunk.cold[r])
            }
        }
    }

    /// Appends one payment, its bytes written straight into the arena.
    public mutating func append(_ payment: borrowing Payment) {
        let (meta, size) = PaymentChunk.measure(payment)
        let start = arena.append(count: size) { PaymentChunk.write(payment, meta: meta, at: $0, size: size) }
        rows.append(PaymentChunk.Row(meta: meta, amount: payment.amount.minorUnits, keyStart: start))
        cold.append(PaymentChunk.cold(payment))
    }

    public var count: Int { rows.count }
    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    /// Payment `p` as the model (keys and raw status made into strings again): for findings
    /// and reports, not for hot loops, which read the columns below.
    public subscript(p: Int) -> Payment {
        PaymentChunk.payment(
            rows[p], bytes: arena.address(rows[p].keyStart), cold: cold[p])
    }

    public func system(_ p: Int) -> PaymentSystem { PaymentChunk.system(rows[p].meta) }
    public func status(_ p: Int) -> PaymentStatus { PaymentChunk.status(rows[p].meta) }

    public func amount(_ p: Int) -> Money {
        Money(minorUnits: rows[p].amount, currency: Currency(packed: rows[p].meta))
    }

    public func createdAt(_ p: Int) -> Timestamp? { Packed.timestamp(cold[p].created) }

    public func keyCount(_ p: Int) -> Int { PaymentChunk.keyCount(rows[p].meta) }

    /// Calls `body` with each key's position, field and UTF-8 bytes, in `KeyField` order.
    public func forEachKey(of p: Int, _ body: (Int, KeyField, UnsafeRawBufferPointer) -> Void) {
        PaymentChunk.forEachKey(count: keyCount(p), at: arena.address(rows[p].keyStart), body)
    }

    /// Whether key `k` (below the key count) of payment `p` is exactly `key`.
    public func key(of p: Int, at k: Int, equals key: UnsafeRawBufferPointer) -> Bool {
        var at = arena.address(rows[p].keyStart)
        for _ in 0..<k { at = ArenaBytes.text(at: at + 1).1 }
        return ArenaBytes.same(ArenaBytes.text(at: at + 1).0, key)
    }

    /// Where payment `p`'s row (amount, currency, status, system) and key bytes lie, for a
    /// prefetch: the key bytes' address is read from the (possibly not yet cached) row, so
    /// prefetch the row some time before the keys. Only hints: never read through.
    public func rowAddressHint(_ p: Int) -> UnsafeRawPointer { rows.address(of: p) }

    public func keysAddressHint(_ p: Int) -> UnsafeRawPointer { arena.address(rows[p].keyStart) }
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
    struct Row: Sendable {
        var meta: UInt64
        var amount: Int64
        var keyStart: Int
    }

    /// What findings read, in one column (one append per payment, not three).
    struct Cold: Sendable {
        var created: Int64
        var source: SourceFile
        var position: SourcePosition
    }

    var rows: [Row] = []
    var cold: [Cold] = []
    var arena: [UInt8] = []

    /// A chunk with room for `capacity` payments (a full chunk's by default) before it grows.
    public init(capacity: Int = PaymentTable.chunkSize) {
        let n = max(0, min(capacity, PaymentTable.chunkSize))
        rows.reserveCapacity(n)
        cold.reserveCapacity(n)
        arena.reserveCapacity(n * 64)
    }

    public var count: Int { rows.count }

    /// Where row `row`'s bytes lie in `arena`: up to the next row's.
    func run(_ row: Int) -> Range<Int> {
        rows[row].keyStart..<(row + 1 < count ? rows[row + 1].keyStart : arena.count)
    }

    // meta's bits (the currency takes the low 28, see `Currency(packed:)`)
    static let systemShift: UInt64 = 28
    static let statusShift: UInt64 = 32
    static let keyCountShift: UInt64 = 40
    static let recordLocator: UInt64 = 1 << 48
    static let hasFee: UInt64 = 1 << 49
    static let hasNet: UInt64 = 1 << 50
    static let hasOrdered: UInt64 = 1 << 51

    public mutating func append(_ payment: borrowing Payment) {
        precondition(count < PaymentTable.chunkSize, "appending to a full chunk")
        let (meta, size) = Self.measure(payment)
        rows.append(Row(meta: meta, amount: payment.amount.minorUnits, keyStart: arena.count))
        cold.append(Self.cold(payment))
        // written whole on the stack, then appended once (one array operation, not one per part)
        withUnsafeTemporaryAllocation(byteCount: size, alignment: 8) { run in
            Self.write(payment, meta: meta, at: run.baseAddress!, size: size)
            arena.append(contentsOf: UnsafeRawBufferPointer(run).bindMemory(to: UInt8.self))
        }
    }

    /// A payment's `meta` word and the bytes its run takes.
    static func measure(_ payment: borrowing Payment) -> (meta: UInt64, size: Int) {
        let keys = payment.keys.count
        precondition(keys <= 255, "a payment with more than 255 keys")
        var meta =
            payment.amount.currency.packed | UInt64(payment.system.index) << systemShift
            | payment.status.tableCode << statusShift | UInt64(keys) << keyCountShift
        var size = ArenaBytes.textSize(payment.rawStatus) + keys
        for k in 0..<keys { size += payment.keys.withValueBytes(at: k) { ArenaBytes.textSize($0.count) } }
        if payment.provenance.locator == .record { meta |= recordLocator }
        if payment.fee != nil { (meta, size) = (meta | hasFee, size + 8) }
        if payment.net != nil { (meta, size) = (meta | hasNet, size + 8) }
        if payment.orderedAmount != nil { (meta, size) = (meta | hasOrdered, size + 8) }
        return (meta, size)
    }

    static func cold(_ payment: borrowing Payment) -> Cold {
        Cold(
            created: Packed.pack(payment.createdAt?.millisecondsSince1970), source: payment.provenance.source,
            position: payment.provenance.position)
    }

    /// Writes a payment's run (`size` bytes, as `measure` said) at `run`.
    static func write(_ payment: borrowing Payment, meta: UInt64, at run: UnsafeMutableRawPointer, size: Int) {
        var at = run
        for k in 0..<keyCount(meta) {
            at.storeBytes(of: payment.keys.field(at: k).rawValue, as: UInt8.self)
            at = payment.keys.withValueBytes(at: k) { ArenaBytes.write($0, at: at + 1) }
        }
        at = ArenaBytes.write(payment.rawStatus, at: at)
        if let fee = payment.fee { at = ArenaBytes.write(fee.minorUnits, at: at) }
        if let net = payment.net { at = ArenaBytes.write(net.minorUnits, at: at) }
        if let ordered = payment.orderedAmount { at = ArenaBytes.write(ordered.minorUnits, at: at) }
        precondition(at == run + size, "a payment's bytes sized wrongly")
    }

    public func system(_ row: Int) -> PaymentSystem { Self.system(rows[row].meta) }
    public func status(_ row: Int) -> PaymentStatus { Self.status(rows[row].meta) }

    public func amount(_ row: Int) -> Money {
        Money(minorUnits: rows[row].amount, currency: Currency(packed: rows[row].meta))
    }

    /// Appends row `row` of `other` (its bytes copied, no string made).
    public mutating func append(_ row: Int, of other: PaymentChunk) {
        precondition(count < PaymentTable.chunkSize, "appending to a full chunk")
        var copy = other.rows[row]
        copy.keyStart = arena.count
        rows.append(copy)
        cold.append(other.cold[row])
        arena.append(contentsOf: other.arena[other.run(row)])
    }

    /// Changes every row's position (a part read on its own is renumbered once its place in the
    /// file is known).
    public mutating func updatePositions(_ body: (inout SourcePosition) -> Void) {
        for i in cold.indices { body(&cold[i].position) }
    }

    /// Calls `body` with each key of row `row`.
    public func forEachKey(of row: Int, _ body: (Int, KeyField, UnsafeRawBufferPointer) -> Void) {
        arena.withUnsafeBytes { bytes in
            Self.forEachKey(count: Self.keyCount(rows[row].meta), at: bytes.baseAddress! + rows[row].keyStart, body)
        }
    }

    /// Row `row` as the model it was made from.
    public func payment(_ row: Int) -> Payment {
        arena.withUnsafeBytes { bytes in
            Self.payment(
                rows[row], bytes: bytes.baseAddress! + rows[row].keyStart, cold: cold[row])
        }
    }

    static func system(_ meta: UInt64) -> PaymentSystem { PaymentSystem(tableCode: meta >> systemShift & 0xF) }
    static func status(_ meta: UInt64) -> PaymentStatus { PaymentStatus(tableCode: meta >> statusShift & 0xFF) }
    static func keyCount(_ meta: UInt64) -> Int { Int(meta >> keyCountShift & 0xFF) }

    /// Calls `body` with each of the `count` keys written from `start`; returns where they end.
    @discardableResult
    static func forEachKey(
        count: Int, at start: UnsafeRawPointer, _ body: (Int, KeyField, UnsafeRawBufferPointer) -> Void
    ) -> UnsafeRawPointer {
        var at = start
        for k in 0..<count {
            let (text, next) = ArenaBytes.text(at: at + 1)
            body(k, KeyField(rawValue: at.load(as: UInt8.self))!, text)
            at = next
        }
        return at
    }

    /// The payment whose row is `row` and whose bytes start at `bytes`.
    static func payment(
        _ row: Row, bytes: UnsafeRawPointer, cold: Cold
    ) -> Payment {
        let bits = row.meta
        var keys = PaymentKeys()
        let end = forEachKey(count: keyCount(bits), at: bytes) { _, field, value in
            keys.add(field, String(decoding: value, as: UTF8.self))
        }
        let currency = Currency(packed: bits)
        let (rawStatus, afterStatus) = ArenaBytes.string(at: end)
        var at = afterStatus
        func amount(if flag: UInt64) -> Money? {  // fee, net, ordered: in this order when present
            guard bits & flag != 0 else { return nil }
            defer { at += 8 }
            return Money(minorUnits: ArenaBytes.int(at: at), currency: currency)
        }
        let fee = amount(if: hasFee)
        let net = amount(if: hasNet)
        var payment = Payment(
            system: system(bits), keys: keys, amount: Money(minorUnits: row.amount, currency: currency),
            fee: fee, net: net, status: status(bits),
            rawStatus: rawStatus, createdAt: Packed.timestamp(cold.created),
            provenance: Provenance(
                source: cold.source, position: cold.position, locator: bits & recordLocator != 0 ? .record : .line))
        payment.orderedAmount = amount(if: hasOrdered)
        return payment
    }
}
