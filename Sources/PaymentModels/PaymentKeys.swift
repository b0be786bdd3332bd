/// A payment's identifiers, kept in `KeyField` order, stored inline.
///
/// Every payment carries two to four keys. Holding the first four in the struct itself
/// (rather than in an array) saves a heap block per payment, which over a million payments
/// was a measurable share of reading time and memory; a fifth key and beyond go to `more`.
public struct PaymentKeys: RandomAccessCollection, Sendable, Equatable {
    // internal, not private, so the hot accessors below can be inlined into other modules:
    // called across the module boundary they copied all four strings per lookup
    @usableFromInline var v0 = "", v1 = "", v2 = "", v3 = ""
    /// 4 bits per inline key's field.
    @usableFromInline var fields: UInt16 = 0
    @usableFromInline var inlineCount: UInt8 = 0
    @usableFromInline var more: [PaymentKey]?

    public init() {}

    public init(_ keys: [PaymentKey]) {
        for key in keys { add(key.field, key.value) }
    }

    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { Int(inlineCount) + (more?.count ?? 0) }

    public subscript(position: Int) -> PaymentKey {
        precondition(position >= 0 && position < endIndex, "key index out of range")
        guard position < 4 else { return more![position - 4] }
        return PaymentKey(field(at: position), value(at: position))
    }

    /// The value at `position` without building a `PaymentKey` (the index's hot path).
    @inline(__always)
    public func value(at position: Int) -> String {
        switch position {
        case 0: v0
        case 1: v1
        case 2: v2
        case 3: v3
        default: more![position - 4].value
        }
    }

    /// Calls `body` with the UTF-8 bytes of the value at `position`, in place (no copy of the
    /// string: handing it to a helper function retained and released it for every key indexed).
    @inlinable
    public func withValueBytes<R>(at position: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        let found: R?
        switch position {
        case 0: found = v0.utf8.withContiguousStorageIfAvailable { body(UnsafeRawBufferPointer($0)) }
        case 1: found = v1.utf8.withContiguousStorageIfAvailable { body(UnsafeRawBufferPointer($0)) }
        case 2: found = v2.utf8.withContiguousStorageIfAvailable { body(UnsafeRawBufferPointer($0)) }
        case 3: found = v3.utf8.withContiguousStorageIfAvailable { body(UnsafeRawBufferPointer($0)) }
        default:
            found = more![position - 4].value.utf8.withContiguousStorageIfAvailable { body(UnsafeRawBufferPointer($0)) }
        }
        if let found { return found }
        var copy = value(at: position)  // a bridged string without contiguous storage
        return copy.withUTF8 { body(UnsafeRawBufferPointer($0)) }
    }

    /// The field of the key at `position` (past the fourth, from `more`: the inline bits hold
    /// four fields only).
    @inlinable
    public func field(at position: Int) -> KeyField {
        guard position < 4 else { return more![position - 4].field }
        return KeyField(rawValue: UInt8(truncatingIfNeeded: fields >> (4 * position)) & 0xF)!
    }

    /// Adds a key if `value` is non-empty, keeping `KeyField` order.
    public mutating func add(_ field: KeyField, _ value: String?) {
        guard let value, !value.isEmpty else { return }  // adapters trim (JSON `text`, CSV cells)
        let n = Int(inlineCount)
        if n < 4 && more == nil && (n == 0 || self.field(at: n - 1) <= field) {
            setInline(n, PaymentKey(field, value))  // adapters add in order: no array built
            inlineCount += 1
            return
        }
        var all = Array(self)
        var at = all.count
        while at > 0 && all[at - 1].field > field { at -= 1 }
        all.insert(PaymentKey(field, value), at: at)
        self = PaymentKeys()
        for (i, key) in all.enumerated() {
            if i < 4 {
                setInline(i, key)
                inlineCount += 1
            } else {
                more = (more ?? []) + [key]
            }
        }
    }

    private mutating func setInline(_ i: Int, _ key: PaymentKey) {
        switch i {
        case 0: v0 = key.value
        case 1: v1 = key.value
        case 2: v2 = key.value
        default: v3 = key.value
        }
        fields = fields & ~(0xF << (4 * i)) | UInt16(key.field.rawValue) << (4 * i)
    }

    public static func == (lhs: PaymentKeys, rhs: PaymentKeys) -> Bool { Array(lhs) == Array(rhs) }
}
