import ReconMemory

/// A payment's fixed-width parts, for `PaymentTable.append(_:rawStatus:keys:)`: its texts come
/// as bytes beside it, so a payment read from bytes (a store's columns) reaches the table with
/// no `String` made.
public struct PaymentFacts: Sendable {
    public var system: PaymentSystem
    public var status: PaymentStatus
    public var amount: Money
    /// Fee, net and ordered amount, in the amount's currency.
    public var fee: Int64?
    public var net: Int64?
    public var ordered: Int64?
    /// Milliseconds since 1970; never `Int64.min` (the tables' mark for none).
    public var createdMilliseconds: Int64?
    public var provenance: Provenance

    public init(
        system: PaymentSystem, status: PaymentStatus, amount: Money, fee: Int64? = nil, net: Int64? = nil,
        ordered: Int64? = nil, createdMilliseconds: Int64? = nil, provenance: Provenance
    ) {
        (self.system, self.status, self.amount) = (system, status, amount)
        (self.fee, self.net, self.ordered) = (fee, net, ordered)
        (self.createdMilliseconds, self.provenance) = (createdMilliseconds, provenance)
    }
}

extension PaymentTable {
    /// Appends the payment `facts`, `rawStatus` and the keys `keys` visits describe: the same
    /// payment as appending the `Payment` they make, its bytes written straight into the arena.
    /// `keys` is called twice (to size the run, then to write it) and must visit the same keys,
    /// at most 255, both times.
    public mutating func append(
        _ facts: PaymentFacts, rawStatus: UnsafeRawBufferPointer,
        keys: (_ visit: (KeyField, UnsafeRawBufferPointer) -> Void) -> Void
    ) {
        var count = 0
        var keysSize = 0
        keys { _, value in (count, keysSize) = (count + 1, keysSize + 1 + ArenaBytes.textSize(value.count)) }
        var size = keysSize + ArenaBytes.textSize(rawStatus.count)
        precondition(count <= 255, "a payment with more than 255 keys")
        var meta =
            facts.amount.currency.packed | UInt64(facts.system.index) << PaymentChunk.systemShift
            | facts.status.tableCode << PaymentChunk.statusShift | UInt64(count) << PaymentChunk.keyCountShift
        if facts.provenance.locator == .record { meta |= PaymentChunk.recordLocator }
        if facts.fee != nil { (meta, size) = (meta | PaymentChunk.hasFee, size + 8) }
        if facts.net != nil { (meta, size) = (meta | PaymentChunk.hasNet, size + 8) }
        if facts.ordered != nil { (meta, size) = (meta | PaymentChunk.hasOrdered, size + 8) }
        let start = arena.append(count: size) { run in
            var at = run
            var written = 0
            keys { field, value in
                written += 1
                precondition(
                    written <= count && at + 1 + ArenaBytes.textSize(value.count) <= run + keysSize,
                    "a payment's keys visited differently twice")
                at.storeBytes(of: field.rawValue, as: UInt8.self)
                at = ArenaBytes.write(value, at: at + 1)
            }
            precondition(written == count, "a payment's keys visited differently twice")
            at = ArenaBytes.write(rawStatus, at: at)
            if let fee = facts.fee { at = ArenaBytes.write(fee, at: at) }
            if let net = facts.net { at = ArenaBytes.write(net, at: at) }
            if let ordered = facts.ordered { at = ArenaBytes.write(ordered, at: at) }
            precondition(at == run + size, "a payment's bytes sized wrongly")
        }
        rows.append(PaymentChunk.Row(meta: meta, amount: facts.amount.minorUnits, keyStart: start))
        cold.append(
            PaymentChunk.Cold(
                created: Packed.pack(facts.createdMilliseconds), source: facts.provenance.source,
                position: facts.provenance.position))
    }
}
