import PaymentModels

/// A hash multi-map from key text to (payment, key) pairs, over the payments' own strings.
///
/// Open addressing with linear probing on a power-of-two table of `Int32` entry numbers, at
/// most half full: compact (about 4 bytes a slot plus 16 an entry) and one probe in the common
/// case. The payments array is the key store, so no key is copied.
struct KeyIndex {
    struct Entry {
        var hash: UInt64
        var payment: Int32
        /// Position of the key in `payments[payment].keys`.
        var key: UInt8
        var field: KeyField
    }

    private var slots: [Int32]
    private var entries: [Entry] = []
    private let mask: Int

    init(payments: [Payment]) {
        let keyCount = payments.reduce(0) { $0 + $1.keys.count }
        var capacity = 16
        while capacity < keyCount * 2 { capacity <<= 1 }
        slots = [Int32](repeating: -1, count: capacity)
        mask = capacity - 1
        entries.reserveCapacity(keyCount)
        for (p, payment) in payments.enumerated() {
            for (k, key) in payment.keys.enumerated() {
                insert(Entry(hash: KeyIndex.hash(key.value), payment: Int32(p), key: UInt8(k), field: key.field))
            }
        }
    }

    private mutating func insert(_ entry: Entry) {
        var slot = Int(truncatingIfNeeded: entry.hash) & mask
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(entries.count)
        entries.append(entry)
    }

    /// Every (payment, field) whose key equals `key`, in no particular order.
    func candidates(_ key: String, in payments: [Payment], _ body: (Int, KeyField) -> Void) {
        let hash = KeyIndex.hash(key)
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let e = slots[slot]
            if e < 0 { return }
            let entry = entries[Int(e)]
            if entry.hash == hash && payments[Int(entry.payment)].keys[Int(entry.key)].value == key {
                body(Int(entry.payment), entry.field)
            }
            slot = (slot + 1) & mask
        }
    }

    /// A fast 64-bit hash of the key's UTF-8 bytes (FxHash-style multiply-rotate, 8 bytes at a
    /// time, then a final avalanche). Keys are not adversarial input to a hash table here; if
    /// that changes, switch to `Hasher`.
    static func hash(_ key: String) -> UInt64 {
        if let h = key.utf8.withContiguousStorageIfAvailable({ hashBytes(UnsafeRawBufferPointer($0)) }) {
            return h
        }
        var copy = key
        return copy.withUTF8 { hashBytes(UnsafeRawBufferPointer($0)) }
    }

    static func hashBytes(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        let seed: UInt64 = 0x51_7c_c1_b7_27_22_0a_95
        var h: UInt64 = UInt64(bytes.count) &* seed
        var i = 0
        let n = bytes.count
        while i + 8 <= n {
            let word = bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = (h.rotatedLeft(5) ^ word) &* seed
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < n {
            tail |= UInt64(bytes[i]) << shift
            shift += 8
            i += 1
        }
        h = (h.rotatedLeft(5) ^ tail) &* seed
        h ^= h >> 32
        h = h &* 0xd6e8_feb8_6659_fd93
        h ^= h >> 32
        return h
    }
}

extension UInt64 {
    @inline(__always) func rotatedLeft(_ k: UInt64) -> UInt64 { (self << k) | (self >> (64 - k)) }
}
