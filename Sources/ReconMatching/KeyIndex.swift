import PaymentModels

/// A hash multi-map from key text to (payment, key) pairs, over the payments' own strings.
///
/// Open addressing with linear probing on a power-of-two table, at most half full. Each slot
/// is one `UInt64` packing a 24-bit hash tag, the payment number and the key's position and
/// field, so a probe reads only the slot array and touches a payment only when the tag
/// matches: lookups were cache-miss bound when slots pointed into a separate entry array.
struct KeyIndex {
    /// 0 is empty; otherwise `tag << 40 | (payment + 1) << 8 | key << 4 | field`.
    private var slots: [UInt64]
    private let mask: Int
    static let paymentsMax = Int(UInt32.max) - 1

    init(payments: [Payment]) {
        precondition(payments.count <= KeyIndex.paymentsMax, "more payments than the index holds")
        let keyCount = payments.reduce(0) { $0 + $1.keys.count }
        var capacity = 16
        while capacity < keyCount * 2 { capacity <<= 1 }
        mask = capacity - 1
        var slots = [UInt64](repeating: 0, count: capacity)
        let mask = self.mask
        for p in payments.indices {
            let keys = payments[p].keys
            for k in keys.indices {
                let hash = KeyIndex.hash(keys.value(at: k))
                var slot = Int(truncatingIfNeeded: hash) & mask
                while slots[slot] != 0 { slot = (slot + 1) & mask }
                slots[slot] = KeyIndex.pack(tag: hash, payment: p, key: k, field: keys[k].field)
            }
        }
        self.slots = slots
    }

    @inline(__always)
    static func pack(tag hash: UInt64, payment: Int, key: Int, field: KeyField) -> UInt64 {
        precondition(key < 16, "a payment with more than 16 keys")
        return (hash >> 40) << 40 | UInt64(payment + 1) << 8 | UInt64(key) << 4 | UInt64(field.rawValue)
    }

    /// Every (payment, field) whose key equals `key`, in no particular order.
    @inline(__always)
    func candidates(_ key: String, in payments: [Payment], _ body: (Int, KeyField) -> Void) {
        let hash = KeyIndex.hash(key)
        let tag = hash >> 40
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = slots[slot]
            if entry == 0 { return }
            if entry >> 40 == tag {
                let payment = Int(truncatingIfNeeded: (entry >> 8) & 0xFFFF_FFFF) - 1
                let k = Int(truncatingIfNeeded: (entry >> 4) & 0xF)
                if payments[payment].keys.value(at: k, equals: key) {
                    body(payment, KeyField(rawValue: UInt8(truncatingIfNeeded: entry & 0xF))!)
                }
            }
            slot = (slot + 1) & mask
        }
    }

    /// The candidate a line's key names: the earliest key field, then the lowest payment.
    /// `ambiguous` when two payments tie on that field, so the caller can prefer a free one.
    struct Candidate: Sendable {
        var payment = -1
        var field = KeyField.id
        var ambiguous = false
    }

    func bestCandidate(_ key: String, in payments: [Payment]) -> Candidate {
        var best = Candidate()
        candidates(key, in: payments) { payment, field in
            if best.payment < 0 || field < best.field {
                best = Candidate(payment: payment, field: field, ambiguous: false)
            } else if field == best.field {
                best.ambiguous = true
                best.payment = min(best.payment, payment)
            }
        }
        return best
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
